/**
 * The known-good version to pin a flagged dependency to: the newest release inside the declared range
 * (else the newest earlier one, saying it leaves the range) that is past the cooldown, was published by
 * an account that had published the package before, is not deprecated, and raises no error-level signal
 * itself. Only versions visible at the analysis instant are candidates, so a replay never suggests the
 * future. `avoid` rules out more (versions a malware advisory covers: a hijack's sibling releases), and
 * `unsafe` too, asked last and only about candidates that pass everything else, since answering it may
 * need lookups (errors through the packages a release adds).
 */
import * as semver from 'semver';
import type { AnalysisConfig } from './config';
import type { Fix } from './finding';
import { day, DAY_MS } from './format';
import { publishedBefore, publisherLabel, publishTimes } from './registry/history';
import type { PackageSummary, VersionSummary } from './registry/types';
import { parseRange, parseVersion } from './resolve';
import { RELEASE_SIGNALS } from './signals';
import { elapsedSince } from './elapsed';

export function knownGoodPin(
  summary: PackageSummary,
  history: VersionSummary[],
  range: string,
  resolved: string,
  now: Date,
  config: AnalysisConfig,
  avoid: (version: string) => boolean = () => false,
  unsafe: (version: VersionSummary) => boolean = () => false,
): Fix | undefined {
  // Each version string is parsed once here, not again on every satisfies() and every comparison of a sort.
  const parsed = new Map<VersionSummary, semver.SemVer>();
  const times = publishTimes(history);
  const eligible = history.filter((v, i) => {
    if (v.version === resolved || avoid(v.version)) return false;
    const version = parseVersion(v.version);
    if (version === null || version.prerelease.length > 0 || !elapsedSince(now, times[i] as number).atLeast(config.cooldownDays * DAY_MS)) return false;
    parsed.set(v, version);
    return true;
  });
  const semverOf = (v: VersionSummary): semver.SemVer => parsed.get(v) as semver.SemVer;
  // semver.rcompare(a, b) is b.compare(a).
  const byVersionDesc = (a: VersionSummary, b: VersionSummary): number => semverOf(b).compare(semverOf(a));
  const matcher = parseRange(range);
  const inRange = matcher ? eligible.filter((v) => matcher.test(semverOf(v))).sort(byVersionDesc) : [];
  const resolvedVersion = parseVersion(resolved);
  const inRangeSet = new Set(inRange);
  const below = resolvedVersion
    ? eligible.filter((v) => semverOf(v).compare(resolvedVersion) < 0 && !inRangeSet.has(v)).sort(byVersionDesc)
    : [];

  const good = (v: VersionSummary): boolean => isKnownGood(summary, history, v, now, config) && !unsafe(v);
  const pick = inRange.find(good);
  if (pick) return fix(pick, `the newest release in "${range}"`, '', config);
  const outside = below.find(good);
  if (outside) return fix(outside, 'the newest earlier release', ` It is outside "${range}": change the range when you pin it.`, config);
  return undefined;
}

function isKnownGood(
  summary: PackageSummary,
  history: VersionSummary[],
  version: VersionSummary,
  now: Date,
  config: AnalysisConfig,
): boolean {
  if (version.deprecated) return false;
  const earlier = publishedBefore(history, version);
  const who = version.publisher?.name;
  if (who !== undefined && !earlier.some((v) => v.publisher?.name === who)) return false;
  const context = { summary, version, earlier, now, config };
  return RELEASE_SIGNALS.every((signal) => {
    const hit = signal(context);
    return !hit || (hit.severity !== 'error' && hit.signal !== 'new-publisher');
  });
}

function fix(version: VersionSummary, which: string, note: string, config: AnalysisConfig): Fix {
  return {
    pin: version.version,
    reason:
      `${version.version} (published ${day(version.publishedAt)} by ${publisherLabel(version)}) is ${which} that is past the ` +
      `${config.cooldownDays}-day cooldown, comes from an account that had published this package before, and raises no error-level warning.${note}`,
  };
}
