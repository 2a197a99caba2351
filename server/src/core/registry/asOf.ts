/**
 * The registry as it was at an instant. Incident replays and tests run "as of" a time: versions
 * published later, and their `time` entries, do not exist yet. Versions the registry never dated stay
 * visible (old documents lack some times), since hiding them would change resolution for no reason.
 */
import type * as semver from 'semver';
import { parseVersion } from '../resolve';
import { define, own } from './records';
import type { PackageSummary, VersionSummary } from './types';

export function viewAsOf(summary: PackageSummary, asOf: Date): PackageSummary | undefined {
  const cutoff = asOf.getTime();
  const visible = (iso: string | undefined): boolean => iso === undefined || Date.parse(iso) <= cutoff;
  if (summary.created !== undefined && !visible(summary.created)) return undefined;

  const versions: Record<string, VersionSummary> = {};
  for (const [version, info] of Object.entries(summary.versions)) if (visible(info.publishedAt)) define(versions, version, info);
  if (Object.keys(versions).length === 0 && Object.keys(summary.versions).length > 0) return undefined;

  const fallback = highestStable(Object.keys(versions));
  const distTags: Record<string, string> = {};
  for (const [tag, version] of Object.entries(summary.distTags)) {
    if (own(versions, version)) define(distTags, tag, version);
    else if (fallback) define(distTags, tag, fallback);
  }

  const view: PackageSummary = {
    ...summary,
    distTags,
    versions,
    // The top-level list is today's; the newest visible version's own list is who had rights then.
    maintainers: maintainersAsOf(summary, versions),
    unpublished: [],
  };
  if (summary.modified !== undefined && !visible(summary.modified)) view.modified = asOf.toISOString();
  return view;
}

function highestStable(versions: string[]): string | undefined {
  // Parsed once each: semver's string helpers parse again on every call, and a sort calls them n log n times.
  const parsed = new Map<string, semver.SemVer>();
  for (const v of versions) {
    const version = parseVersion(v);
    if (version !== null && version.prerelease.length === 0) parsed.set(v, version);
  }
  const stable = versions.filter((v) => parsed.has(v));
  // semver.rcompare(a, b) is b.compare(a).
  return stable.sort((a, b) => (parsed.get(b) as semver.SemVer).compare(parsed.get(a) as semver.SemVer))[0];
}

function maintainersAsOf(summary: PackageSummary, versions: Record<string, VersionSummary>): PackageSummary['maintainers'] {
  const newest = Object.values(versions)
    .filter((v) => v.publishedAt !== undefined && v.maintainers.length > 0)
    .sort((a, b) => Date.parse(b.publishedAt ?? '') - Date.parse(a.publishedAt ?? ''))[0];
  if (!newest) return summary.maintainers;
  const emails = new Map(summary.maintainers.map((m) => [m.name, m.email]));
  return newest.maintainers.map((name) => {
    const email = emails.get(name);
    return email ? { name, email } : { name };
  });
}
