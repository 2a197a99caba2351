/**
 * young-dependency-added: the version depends on a package that the release before it did not, and that
 * package was created less than 30 days before this release. Whoever takes over a package hides the
 * payload in a brand-new dependency where nobody looks: event-stream 3.3.6 added flatmap-stream (days
 * old, by the new maintainer), axios 1.14.1 added plain-crypto-js (2026).
 *
 * Monorepos add freshly created sibling packages all the time (babel, jest, aws-sdk), so a new package in
 * the same npm scope, or from the same repository and first published by an account that had published
 * this package before, is not reported. The youth of a dependency is a circumstance, not code: a release
 * that stayed public for 90 days has been vetted by time and is no longer reported.
 */
import { day, DAY_MS, duration, HOUR_MS, list } from '../format';
import { createdAt, type LookupFn } from '../lookups';
import { publishHistory, publisherLabel } from '../registry/history';
import type { PackageSummary, VersionSummary } from '../registry/types';
import { addedRegistryDependencies, type DependencyChange } from './dependencyChanges';
import { normalizeRepository } from './repositoryChanged';
import type { SignalContext, SignalHit } from './types';
import { fadesWithTime } from './vetting';

export const YOUNG_DEPENDENCY_DAYS = 30;
/** A release adding more dependencies than this is compared on the first ones only (bounded lookups). */
export const MAX_ADDED_LOOKUPS = 50;

interface Young {
  change: DependencyChange;
  created: number;
  first: VersionSummary | undefined;
}

export function youngDependencyAdded(context: SignalContext, lookup: LookupFn): SignalHit | undefined {
  return fadesWithTime((c) => detect(c, lookup), '', 'drop')(context);
}

function detect({ summary, version, earlier, config }: SignalContext, lookup: LookupFn): SignalHit | undefined {
  const previous = earlier[0];
  if (!previous || version.publishedAt === undefined) return undefined;
  const at = Date.parse(version.publishedAt);
  const limitMs = (config.youngDependencyDays ?? YOUNG_DEPENDENCY_DAYS) * DAY_MS;
  const young: Young[] = [];
  const unchecked: Array<{ name: string; reason: string }> = [];
  for (const change of addedRegistryDependencies(version, previous).slice(0, MAX_ADDED_LOOKUPS)) {
    const answer = lookup(change.package);
    if (!answer?.ok) {
      unchecked.push({ name: change.package, reason: answer ? answer.message : 'not looked up' });
      continue;
    }
    const created = createdAt(answer.summary);
    if (created === undefined || at - created >= limitMs) continue;
    const first = publishHistory(answer.summary)[0];
    if (isSibling(summary, version, earlier, answer.summary, first)) continue;
    young.push({ change, created, first });
  }
  if (young.length === 0) return undefined;
  return hit(summary, version, previous, young, unchecked, limitMs);
}

/** Same scope, or same repository and first published by someone who had published this package before. */
function isSibling(summary: PackageSummary, version: VersionSummary, earlier: VersionSummary[], dependency: PackageSummary, first: VersionSummary | undefined): boolean {
  const scope = scopeOf(summary.name);
  if (scope !== undefined && scope === scopeOf(dependency.name)) return true;
  const ours = version.repository ?? summary.repository;
  const theirs = first?.repository ?? dependency.repository;
  if (ours === undefined || theirs === undefined || normalizeRepository(ours) !== normalizeRepository(theirs)) return false;
  const publisher = first?.publisher;
  // Trusted publishing names the CI, not a person: every OIDC release is "GitHub Actions".
  if (!publisher || publisher.trustedPublisher) return false;
  return earlier.some((v) => v.publisher?.name === publisher.name && !v.publisher.trustedPublisher);
}

function scopeOf(name: string): string | undefined {
  return name.startsWith('@') && name.includes('/') ? name.slice(0, name.indexOf('/')) : undefined;
}

function hit(
  summary: PackageSummary,
  version: VersionSummary,
  previous: VersionSummary,
  young: Young[],
  unchecked: Array<{ name: string; reason: string }>,
  limitMs: number,
): SignalHit {
  const at = Date.parse(version.publishedAt as string);
  const who = version.publisher?.name;
  const named = young.map(({ change, created, first }) => {
    const by = first?.publisher?.name;
    const self = by !== undefined && by === who ? ' — the account that published this release' : '';
    return `${change.package} (${change.spec.slice(0, 100)}), created ${duration(at - created)} before it (${day(new Date(created).toISOString())}, first published by ${by ?? 'an unrecorded account'}${self})`;
  });
  return {
    signal: 'young-dependency-added',
    severity: 'error',
    message:
      `${summary.name}@${version.version} (${day(version.publishedAt)}, by ${publisherLabel(version)}) adds ` +
      `${young.length === 1 ? 'a dependency on' : 'dependencies on'} ${list(named)}; ${previous.version} did not depend on ` +
      `${young.length === 1 ? 'it' : 'them'}. Whoever takes over a package hides the payload in a brand-new dependency where ` +
      `nobody looks: event-stream (flatmap-stream, 2018) and axios (plain-crypto-js, 2026). Read that code before installing.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt ?? null,
      publisher: who ?? null,
      previousVersion: previous.version,
      thresholdDays: limitMs / DAY_MS,
      dependencies: young.map(({ change, created, first }) => ({
        name: change.package,
        spec: change.spec.slice(0, 200),
        optional: change.optional,
        created: new Date(created).toISOString(),
        ageHours: Math.floor((at - created) / HOUR_MS),
        firstVersion: first?.version ?? null,
        firstPublisher: first?.publisher?.name ?? null,
        samePublisher: first?.publisher?.name !== undefined && first.publisher.name === who,
      })),
      unchecked,
    },
  };
}
