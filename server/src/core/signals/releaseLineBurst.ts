/**
 * release-line-burst: the version is one of several published within hours on three or more release
 * lines. A maintainer ships one line at a time; an attacker with a stolen token publishes on every line
 * at once so that every range picks the payload up (ua-parser-js 0.7.29/0.8.0/1.0.0, coa, rc, nx,
 * Shai-Hulud). Security backports look the same, which is why this is a warning with the list, not a verdict.
 */
import * as semver from 'semver';
import { list } from '../format';
import { publishHistory } from '../registry/history';
import type { VersionSummary } from '../registry/types';
import type { Signal } from './types';
import { fadesWithTime } from './vetting';

export const BURST_WINDOW_HOURS = 6;
const MIN_LINES = 3;

/** A release line: the major version, or major.minor while the major is 0 (where minors break). */
export function releaseLine(version: string): string | undefined {
  const parsed = semver.parse(version, { loose: true });
  if (!parsed) return undefined;
  return parsed.major === 0 ? `0.${parsed.minor}` : `${parsed.major}`;
}

export const releaseLineBurst: Signal = fadesWithTime(({ summary, version, config }) => {
  const windowHours = config.releaseLineBurstHours ?? BURST_WINDOW_HOURS;
  const windowMs = windowHours * 3_600_000;
  if (version.publishedAt === undefined) return undefined;
  const at = Date.parse(version.publishedAt);
  const burst = publishHistory(summary).filter((v) => Math.abs(Date.parse(v.publishedAt as string) - at) <= windowMs);
  const lines = new Map<string, VersionSummary>();
  for (const release of burst) {
    const line = releaseLine(release.version);
    if (line !== undefined && !lines.has(line)) lines.set(line, release);
  }
  if (lines.size < (config.releaseLineBurstLines ?? MIN_LINES)) return undefined;
  const named = burst.map((v) => `${v.version} (${(v.publishedAt as string).slice(11, 16)} UTC, by ${v.publisher?.name ?? 'unknown'})`);
  const first = burst[0]?.publishedAt as string;
  return {
    signal: 'release-line-burst',
    severity: 'warning',
    message:
      `${summary.name}@${version.version} is one of ${burst.length} releases on ${lines.size} release lines published within ` +
      `${windowHours} hours of each other on ${first.slice(0, 10)}: ${list(named)}. Publishing on every line at once is ` +
      `how stolen-token releases reach every range (ua-parser-js, coa, rc, Shai-Hulud); a security backport looks the same, so check which it is.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt,
      lines: [...lines.keys()],
      versions: burst.map((v) => v.version),
      publishers: [...new Set(burst.map((v) => v.publisher?.name ?? 'unknown'))],
      windowHours,
    },
  };
}, '', 'drop');
