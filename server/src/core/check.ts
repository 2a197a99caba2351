/**
 * Runs the signal table and the advisories on one resolved dependency and turns hits into findings with
 * evidence and a pin.
 */
import type { DependencyReport } from './analyze';
import type { AnalysisConfig } from './config';
import { SEVERITY_RANK, type Finding, type Severity } from './finding';
import { day } from './format';
import { knownGoodPin } from './pin';
import { publishedBefore, publishHistory } from './registry/history';
import { own } from './registry/records';
import type { DataSource, PackageSummary, VersionSummary } from './registry/types';
import { affects, isMalware } from './advisories/match';
import type { Advisory } from './advisories/types';
import { SIGNALS, type SignalHit } from './signals';
import { advisoryHits } from './signals/advisories';
import { mergeHits } from './signals/merge';
import { describeSpecKind, type ClassifiedSpec } from './spec';

/** What the analysis found about the release beyond its own packument (see checkResolved.ts). */
export interface CheckExtras {
  /** Hits about the resolved version: from the packages it adds, from the other dependencies (publish-burst). */
  hits?: readonly SignalHit[];
  /** More reasons a pin candidate is not known-good (errors through the packages it adds). */
  unsafe?: (version: VersionSummary) => boolean;
}

export function checkDependency(
  report: DependencyReport,
  summary: PackageSummary,
  resolved: string,
  now: Date,
  config: AnalysisConfig,
  source: DataSource | undefined,
  advisories: readonly Advisory[] = [],
  extra: CheckExtras = {},
): Finding[] {
  const version = own(summary.versions, resolved);
  if (!version) return [];
  const history = publishHistory(summary);
  const context = { summary, version, earlier: publishedBefore(history, version), now, config };
  const range = report.spec.startsWith('npm:') ? aliasRange(report.spec) : report.spec;
  const hits: SignalHit[] = SIGNALS.map((signal) => signal(context)).filter((hit) => hit !== undefined);
  hits.push(...advisoryHits({ summary, resolved, range, advisories }));
  mergeHits(hits, extra.hits ?? []);
  escalateNewPublisher(hits);
  if (hits.length === 0) return [];

  // A hijack's sibling releases (ua-parser-js 0.7.29, 0.8.0, 1.0.0) must never be offered as the way out.
  const malware = advisories.filter(isMalware);
  const pin = knownGoodPin(summary, history, range, resolved, now, config, (v) => malware.some((a) => affects(a, v)), extra.unsafe);
  const knownMalware = hits.some((hit) => hit.signal === 'known-malware');
  const pinText = pin ? ` Pin ${pin.pin} (published ${day(own(summary.versions, pin.pin)?.publishedAt)})` : '';
  const advice = (hit: SignalHit): string => {
    // A vulnerability is left by moving forward (its message names the fix), not by pinning back.
    if (hit.signal === 'vulnerability' || SEVERITY_RANK[hit.severity] < SEVERITY_RANK.warning) return '';
    if (hit.signal === 'known-malware') return pin ? `${pinText} instead.` : ' No earlier release qualifies as a known-good pin.';
    if (knownMalware) return pin ? `${pinText} instead: this release is known malware.` : ' This release is known malware.';
    if (pin) return `${pinText} until this release is vetted.`;
    return hit.severity === 'error' ? ' No earlier release qualifies as a known-good pin; review this one before installing.' : '';
  };
  const staleNote = source?.stale && source.fetchedAt ? ` (Registry data cached on ${source.fetchedAt}: the registry could not be reached.)` : '';

  return hits.map((hit) => {
    const finding: Finding = {
      file: report.file,
      range: report.range,
      package: summary.name,
      spec: report.spec,
      version: resolved,
      signal: hit.signal,
      severity: hit.severity,
      message: hit.message + advice(hit) + staleNote,
      evidence: source?.fetchedAt ? { ...hit.evidence, dataFetchedAt: source.fetchedAt, dataStale: Boolean(source.stale) } : hit.evidence,
    };
    if (pin && hit.signal !== 'vulnerability') finding.fix = pin;
    return finding;
  });
}

/**
 * A newcomer's release is a warning on its own; together with another warning about the same release
 * (a trust downgrade, a burst on several lines, a wake-up after dormancy) it is the takeover pattern
 * itself, and an error. The cooldown does not count: every fresh release is inside it.
 */
function escalateNewPublisher(hits: SignalHit[]): void {
  const index = hits.findIndex((hit) => hit.signal === 'new-publisher' && hit.severity === 'warning');
  const newcomer = hits[index];
  if (!newcomer) return;
  const others = hits
    .filter((hit) => hit !== newcomer && hit.signal !== 'recent-release' && SEVERITY_RANK[hit.severity] >= SEVERITY_RANK.warning)
    .map((hit) => hit.signal);
  if (others.length === 0) return;
  hits[index] = {
    ...newcomer,
    severity: 'error',
    message: `${newcomer.message} With ${others.join(' and ')} on the same release, this is the takeover pattern.`,
    evidence: { ...newcomer.evidence, escalatedBy: others },
  };
}

function aliasRange(spec: string): string {
  const target = spec.slice(4);
  const at = target.indexOf('@', target.startsWith('@') ? 1 : 0);
  return at === -1 ? '' : target.slice(at + 1);
}

/** A dependency from outside the registry: say so rather than pretend it was checked. */
export function nonRegistryFinding(report: DependencyReport, spec: ClassifiedSpec): Finding | undefined {
  const remote = spec.kind === 'git' || spec.kind === 'github' || spec.kind === 'tarball-url';
  const pinnedCommit = /#[0-9a-f]{40}$/i.test(report.spec);
  const severity: Severity = remote ? (pinnedCommit ? 'information' : 'warning') : spec.kind === 'other' ? 'information' : 'hint';
  const where = describeSpecKind(spec.kind);
  const message = spec.kind === 'other'
    ? `${report.name} uses a spec that is not a registry range (${spec.alias ? 'an npm: alias with an invalid target name' : 'a package-manager protocol'}); Vigil cannot check it.`
    : remote
    ? `${report.name} is installed from ${where}, not from the registry: there is no publish history to check, and ` +
      (pinnedCommit
        ? 'although it is pinned to a commit, nobody reviewed that commit as a release.'
        : 'what you get can change at any time without a version change. Use a registry release, or pin an exact commit.')
    : `${report.name} comes from ${where}; Vigil does not check local code.`;
  return {
    file: report.file,
    range: report.range,
    package: report.name,
    spec: report.spec,
    signal: 'non-registry-source',
    severity,
    message,
    evidence: { source: spec.kind, section: report.section },
  };
}
