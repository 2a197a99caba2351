/**
 * Which version a spec gets today, the way npm picks it (npm-pick-manifest): the `latest` dist-tag when
 * it satisfies the range and is not deprecated, else the highest satisfying version, preferring versions
 * that are not deprecated. A spec that is a tag name resolves through the dist-tags.
 */
import * as semver from 'semver';
import { own } from './registry/records';
import type { PackageSummary } from './registry/types';

export type Resolution = { ok: true; version: string } | { ok: false; message: string };

const LOOSE = { loose: true } as const;

/**
 * `semver.parse(version, { loose: true })`. Parse once and reuse the object: semver's string helpers
 * (satisfies, rcompare, lt, valid) parse their arguments again on every call, and a sort calls them
 * n log n times.
 */
export function parseVersion(version: string): semver.SemVer | null {
  try {
    return new semver.SemVer(version, LOOSE);
  } catch {
    return null;
  }
}

/**
 * The range `semver.satisfies(v, range, { loose: true })` would build, built once; null exactly when
 * `semver.validRange(range, { loose: true })` is null. `test()` of a parsed version is satisfies().
 */
export function parseRange(range: string): semver.Range | null {
  try {
    return new semver.Range(range, LOOSE);
  } catch {
    return null;
  }
}

export function resolveVersion(summary: PackageSummary, rawRange: string): Resolution {
  const spec = rawRange.trim();
  const latest = own(summary.distTags, 'latest');
  const tagged = own(summary.distTags, spec);
  if (tagged !== undefined && own(summary.versions, tagged)) return { ok: true, version: tagged };

  const range = spec === '' || spec === 'latest' ? '*' : spec;
  const matcher = parseRange(range);
  if (matcher === null) {
    return {
      ok: false,
      message: `The declared version is neither a semver range nor a dist-tag of ${summary.name} (its tags: ${Object.keys(summary.distTags).slice(0, 10).join(', ') || 'none'}). npm would fail to install it.`,
    };
  }
  const latestVersion = latest === undefined ? undefined : own(summary.versions, latest);
  if (latest !== undefined && latestVersion && !latestVersion.deprecated) {
    if (range === '*' || matcher.test(latest)) return { ok: true, version: latest };
  }
  const parsed = new Map<string, semver.SemVer>();
  const candidates = Object.keys(summary.versions).filter((v) => {
    const version = parseVersion(v);
    if (version === null || !matcher.test(version)) return false;
    parsed.set(v, version);
    return true;
  });
  if (candidates.length === 0) {
    return {
      ok: false,
      message: `No published version of ${summary.name} satisfies the declared range (latest is ${latest ?? 'unknown'}). npm would fail to install it.`,
    };
  }
  const deprecated = (v: string): number => Number(Boolean(own(summary.versions, v)?.deprecated));
  candidates.sort((a, b) => {
    const deprecation = deprecated(a) - deprecated(b);
    // semver.rcompare(a, b) is b.compare(a).
    return deprecation !== 0 ? deprecation : (parsed.get(b) as semver.SemVer).compare(parsed.get(a) as semver.SemVer);
  });
  return { ok: true, version: candidates[0] as string };
}
