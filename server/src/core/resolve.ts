/**
 * Which version a spec gets today, the way npm picks it (npm-pick-manifest): the `latest` dist-tag when
 * it satisfies the range and is not deprecated, else the highest satisfying version, preferring versions
 * that are not deprecated. A spec that is a tag name resolves through the dist-tags.
 */
import * as semver from 'semver';
import type { PackageSummary } from './registry/types';

export type Resolution = { ok: true; version: string } | { ok: false; message: string };

export function resolveVersion(summary: PackageSummary, rawRange: string): Resolution {
  const spec = rawRange.trim();
  const latest = summary.distTags.latest;
  const tagged = summary.distTags[spec];
  if (tagged !== undefined && summary.versions[tagged]) return { ok: true, version: tagged };

  const range = spec === '' || spec === 'latest' ? '*' : spec;
  if (semver.validRange(range, { loose: true }) === null) {
    return {
      ok: false,
      message: `"${truncate(spec)}" is neither a version range nor a dist-tag of ${summary.name} (tags: ${Object.keys(summary.distTags).join(', ') || 'none'}). npm would fail to install it.`,
    };
  }
  if (latest !== undefined && summary.versions[latest] && !summary.versions[latest]?.deprecated) {
    if (range === '*' || semver.satisfies(latest, range, { loose: true })) return { ok: true, version: latest };
  }
  const candidates = Object.keys(summary.versions).filter((v) => semver.satisfies(v, range, { loose: true }));
  if (candidates.length === 0) {
    return {
      ok: false,
      message: `No published version of ${summary.name} satisfies "${truncate(spec)}" (latest is ${latest ?? 'unknown'}). npm would fail to install it.`,
    };
  }
  candidates.sort((a, b) => {
    const deprecation = Number(Boolean(summary.versions[a]?.deprecated)) - Number(Boolean(summary.versions[b]?.deprecated));
    return deprecation !== 0 ? deprecation : semver.rcompare(a, b, { loose: true });
  });
  return { ok: true, version: candidates[0] as string };
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
