/**
 * Which version a spec gets today, the way npm picks it (npm-pick-manifest): the `latest` dist-tag when
 * it satisfies the range and is not deprecated, else the highest satisfying version, preferring versions
 * that are not deprecated. A spec that is a tag name resolves through the dist-tags.
 */
import * as semver from 'semver';
import { own } from './registry/records';
import type { PackageSummary } from './registry/types';

export type Resolution = { ok: true; version: string } | { ok: false; message: string };

export function resolveVersion(summary: PackageSummary, rawRange: string): Resolution {
  const spec = rawRange.trim();
  const latest = own(summary.distTags, 'latest');
  const tagged = own(summary.distTags, spec);
  if (tagged !== undefined && own(summary.versions, tagged)) return { ok: true, version: tagged };

  const range = spec === '' || spec === 'latest' ? '*' : spec;
  if (semver.validRange(range, { loose: true }) === null) {
    return {
      ok: false,
      message: `The declared version is neither a semver range nor a dist-tag of ${summary.name} (its tags: ${Object.keys(summary.distTags).slice(0, 10).join(', ') || 'none'}). npm would fail to install it.`,
    };
  }
  const latestVersion = latest === undefined ? undefined : own(summary.versions, latest);
  if (latest !== undefined && latestVersion && !latestVersion.deprecated) {
    if (range === '*' || semver.satisfies(latest, range, { loose: true })) return { ok: true, version: latest };
  }
  const candidates = Object.keys(summary.versions).filter((v) => semver.satisfies(v, range, { loose: true }));
  if (candidates.length === 0) {
    return {
      ok: false,
      message: `No published version of ${summary.name} satisfies the declared range (latest is ${latest ?? 'unknown'}). npm would fail to install it.`,
    };
  }
  candidates.sort((a, b) => {
    const deprecation = Number(Boolean(own(summary.versions, a)?.deprecated)) - Number(Boolean(own(summary.versions, b)?.deprecated));
    return deprecation !== 0 ? deprecation : semver.rcompare(a, b, { loose: true });
  });
  return { ok: true, version: candidates[0] as string };
}

