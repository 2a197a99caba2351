/**
 * Small builders for synthetic registry histories, for the core's table tests. Histories are built as
 * raw packuments (the registry's own shape) and summarised through the real summarizePackument, so the
 * tests exercise the same path as recorded documents do.
 */
import { DEFAULT_CONFIG, type AnalysisConfig } from '../../server/src/core/config';
import { publishedBefore, publishHistory } from '../../server/src/core/registry/history';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { PackageSummary } from '../../server/src/core/registry/types';
import type { SignalContext } from '../../server/src/core/signals';
import { FileRegistry } from './fileRegistry';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Day zero of every synthetic history. */
export const T0 = Date.parse('2024-01-01T00:00:00.000Z');

/** ISO time `days` days (plus `minutes`) after T0. */
export function at(days: number, minutes = 0): string {
  return new Date(T0 + days * DAY + minutes * MINUTE).toISOString();
}

export interface Account {
  name: string;
  email?: string;
  /** Trusted-publisher id (e.g. "github"): the release came from CI through OIDC. */
  trusted?: string;
}

export interface Release {
  version: string;
  /** Publish time (ISO); omitted means the registry recorded no time for it. */
  at?: string;
  by?: string | Account;
  scripts?: Record<string, string>;
  gypfile?: boolean;
  deprecated?: string;
  /** Per-version maintainer names; defaults to the publisher. */
  maintainers?: string[];
  /** Built with npm provenance (`dist.attestations`). */
  provenance?: boolean;
  repository?: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  /** `dist.integrity` (registry-shadowing compares it between registries). */
  integrity?: string;
}

export const CI: Account = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trusted: 'github' };

function npmUser(by: string | Account): Record<string, unknown> {
  const account = typeof by === 'string' ? { name: by } : by;
  const user: Record<string, unknown> = { name: account.name, email: account.email ?? `${account.name}@example.com` };
  if (account.trusted) user.trustedPublisher = { id: account.trusted, oidcConfigId: 'oidc:fixture' };
  return user;
}

/**
 * A raw packument. dist-tags default to `latest` = the last release listed. The top-level (current)
 * maintainers default to the last release's list, as on the registry, else to "owner".
 */
export function packument(name: string, releases: Release[], distTags?: Record<string, string>, maintainers?: string[]): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = {};
  for (const release of releases) {
    const doc: Record<string, unknown> = { name, version: release.version };
    if (release.scripts) doc.scripts = release.scripts;
    if (release.gypfile) doc.gypfile = true;
    if (release.deprecated !== undefined) doc.deprecated = release.deprecated;
    if (release.provenance) doc.dist = { attestations: { url: 'https://registry.example/-/npm/v1/attestations', provenance: {} } };
    if (release.repository !== undefined) doc.repository = { type: 'git', url: release.repository };
    if (release.bin) doc.bin = release.bin;
    if (release.dependencies) doc.dependencies = release.dependencies;
    if (release.optionalDependencies) doc.optionalDependencies = release.optionalDependencies;
    if (release.integrity) doc.dist = { ...(doc.dist as Record<string, unknown> | undefined), integrity: release.integrity };
    if (release.by !== undefined) {
      doc._npmUser = npmUser(release.by);
      const who = typeof release.by === 'string' ? release.by : release.by.name;
      doc.maintainers = (release.maintainers ?? [who]).map((m) => ({ name: m, email: `${m}@example.com` }));
    } else if (release.maintainers) {
      doc.maintainers = release.maintainers.map((m) => ({ name: m, email: `${m}@example.com` }));
    }
    versions[release.version] = doc;
    if (release.at !== undefined) time[release.version] = release.at;
  }
  const dated = Object.values(time).sort();
  if (dated.length > 0) {
    time.created = dated[0] as string;
    time.modified = dated[dated.length - 1] as string;
  }
  const last = releases[releases.length - 1];
  return {
    name,
    'dist-tags': distTags ?? (last ? { latest: last.version } : {}),
    maintainers: (maintainers ?? currentMaintainers(releases)).map((m) => ({ name: m, email: `${m}@example.com` })),
    versions,
    time,
  };
}

/** The maintainer list of the last release that records one (its publisher by default), else "owner". */
function currentMaintainers(releases: Release[]): string[] {
  for (const release of [...releases].reverse()) {
    if (release.maintainers) return release.maintainers;
    if (release.by !== undefined) return [typeof release.by === 'string' ? release.by : release.by.name];
  }
  return ['owner'];
}

export function summaryOf(name: string, releases: Release[], distTags?: Record<string, string>, maintainers?: string[]): PackageSummary {
  const result = summarizePackument(packument(name, releases, distTags, maintainers), name);
  if (!result.ok) throw new Error(`builder produced a malformed packument: ${result.error.message}`);
  return result.summary;
}

/** The context the analysis would give the signals for `version` of `summary` at `now`. */
export function contextOf(summary: PackageSummary, version: string, now: string, config: AnalysisConfig = DEFAULT_CONFIG): SignalContext {
  const info = summary.versions[version];
  if (!info) throw new Error(`no version ${version} in the summary`);
  return { summary, version: info, earlier: publishedBefore(publishHistory(summary), info), now: new Date(now), config };
}

/** A FileRegistry over in-memory packuments (recording every name asked). */
export function memoryRegistry(...docs: Record<string, unknown>[]): FileRegistry {
  return new FileRegistry(new Map(docs.map((doc) => [String(doc.name), doc])));
}
