/**
 * publish-burst (cross-package): the resolved version is one of releases of several of the project's
 * dependencies that one account published within a short window. A maintainer updates a package at a
 * time; a phished account is used to publish everything it can reach at once: on 8 September 2025 the
 * account of Qix published malicious chalk, debug, ansi-styles and 15 more packages within a few hours.
 *
 * Packages from one repository count once (a monorepo release publishes dozens of packages in minutes),
 * trusted-publishing releases are left out (their `_npmUser` names the CI, shared by unrelated projects),
 * and a burst public for 90 days has been vetted by time and is not reported.
 */
import { duration, HOUR_MS, list } from '../format';
import type { AnalysisConfig } from '../config';
import type { PackageSummary, VersionSummary } from '../registry/types';
import { normalizeRepository } from './repositoryChanged';
import type { SignalHit } from './types';
import { VETTED_BY_TIME_MS } from './vetting';
import { elapsedSince } from '../elapsed';

export const BURST_PACKAGES = 3;
export const BURST_HOURS = 2;

export interface BurstInput {
  summary: PackageSummary;
  /** The version the project resolves. */
  version: string;
}

interface Release {
  package: string;
  version: VersionSummary;
  at: number;
  /** What counts as one package: its repository, else its name. */
  group: string;
  resolved: boolean;
}

/** `name@version` → the publish-burst hit for that resolved version. */
export function publishBursts(inputs: readonly BurstInput[], now: Date, config: AnalysisConfig): Map<string, SignalHit> {
  const windowMs = (config.publishBurstHours ?? BURST_HOURS) * HOUR_MS;
  const minimum = config.publishBurstPackages ?? BURST_PACKAGES;
  const byPublisher = releasesByPublisher(inputs, now, VETTED_BY_TIME_MS + windowMs);
  const hits = new Map<string, SignalHit>();
  for (const releases of byPublisher.values()) {
    for (const target of releases) {
      if (!target.resolved || elapsedSince(now, target.at).atLeast(VETTED_BY_TIME_MS)) continue;
      const burst = widestWindow(releases, target, windowMs);
      if (new Set(burst.map((r) => r.group)).size < minimum) continue;
      hits.set(`${target.package}@${target.version.version}`, hit(target, burst, windowMs));
    }
  }
  return hits;
}

/** Dated, hand-published releases of the project's packages at most `span` before `now`, per account, oldest first. */
function releasesByPublisher(inputs: readonly BurstInput[], now: Date, span: number): Map<string, Release[]> {
  const resolved = new Set(inputs.map((input) => `${input.summary.name}@${input.version}`));
  const seen = new Set<string>();
  const byPublisher = new Map<string, Release[]>();
  for (const { summary } of inputs) {
    if (seen.has(summary.name)) continue;
    seen.add(summary.name);
    for (const version of Object.values(summary.versions)) {
      const publisher = version.publisher;
      if (!publisher || publisher.trustedPublisher || version.publishedAt === undefined) continue;
      const at = Date.parse(version.publishedAt);
      if (elapsedSince(now, at).over(span)) continue;
      const repository = version.repository ?? summary.repository;
      const release: Release = {
        package: summary.name,
        version,
        at,
        group: repository ? normalizeRepository(repository) : summary.name,
        resolved: resolved.has(`${summary.name}@${version.version}`),
      };
      const list = byPublisher.get(publisher.name) ?? [];
      list.push(release);
      byPublisher.set(publisher.name, list);
    }
  }
  for (const list of byPublisher.values()) list.sort((a, b) => a.at - b.at);
  return byPublisher;
}

/** The window of `windowMs` containing `target` with the most distinct packages (the earliest on ties). */
function widestWindow(releases: Release[], target: Release, windowMs: number): Release[] {
  let best: Release[] = [target];
  let bestGroups = 1;
  for (const start of releases) {
    if (start.at > target.at || target.at - start.at > windowMs) continue;
    const inside = releases.filter((r) => r.at >= start.at && r.at <= start.at + windowMs);
    const groups = new Set(inside.map((r) => r.group)).size;
    if (groups > bestGroups) {
      best = inside;
      bestGroups = groups;
    }
  }
  return best;
}

function hit(target: Release, burst: Release[], windowMs: number): SignalHit {
  const publisher = target.version.publisher?.name as string;
  const first = burst[0] as Release;
  const last = burst[burst.length - 1] as Release;
  const packages = new Set(burst.map((r) => r.package));
  const named = burst.map((r) => `${r.package}@${r.version.version} (${(r.version.publishedAt as string).slice(11, 16)} UTC)`);
  return {
    signal: 'publish-burst',
    severity: 'warning',
    message:
      `${target.package}@${target.version.version} is one of ${burst.length} releases of ${packages.size} of your dependencies that ` +
      `${publisher} published within ${duration(last.at - first.at)} on ${(first.version.publishedAt as string).slice(0, 10)}: ` +
      `${list(named, 8)}. One account releasing many unrelated packages at once is how a phished maintainer account is used ` +
      `(chalk, debug and 16 more packages on 8 September 2025). ` +
      `Unless the maintainer announced these releases, stay on the earlier ones.`,
    evidence: {
      version: target.version.version,
      publishedAt: target.version.publishedAt ?? null,
      publisher,
      windowHours: windowMs / HOUR_MS,
      packageCount: packages.size,
      releases: burst.map((r) => ({
        package: r.package,
        version: r.version.version,
        publishedAt: r.version.publishedAt ?? null,
        resolvedInProject: r.resolved,
      })),
    },
  };
}
