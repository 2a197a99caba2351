/**
 * The checks of resolved dependencies, including those that need more than their own packument:
 *
 * - the packages a release newly depends on (young-dependency-added, install scripts of a new
 *   dependency), looked up through the same registry, for the resolved version and then for the pin
 *   candidates the pin selection actually reaches (a few more rounds, only when it asks);
 * - the other resolved dependencies (publish-burst, across the project);
 * - the public registry's copy of privately installed packages (registry-shadowing), when the adapter
 *   injects one.
 */
import type { AnalysisDeps, DependencyReport } from './analyze';
import type { Advisory } from './advisories/types';
import { checkDependency } from './check';
import type { AnalysisConfig } from './config';
import type { AnalysisNote, Finding } from './finding';
import { list } from './format';
import { PackumentLookups, type Lookup, type LookupFn } from './lookups';
import { publishedBefore, publishHistory } from './registry/history';
import { own } from './registry/records';
import type { DataSource, PackageSummary, PublicRegistry, VersionSummary } from './registry/types';
import { addedRegistryDependencies } from './signals/dependencyChanges';
import { dependencyInstallScript } from './signals/dependencyInstallScript';
import { publishBursts } from './signals/publishBurst';
import { registryShadowing } from './signals/registryShadowing';
import type { SignalContext, SignalHit } from './signals/types';
import { MAX_ADDED_LOOKUPS, youngDependencyAdded } from './signals/youngDependencyAdded';

/** A registry dependency whose version is known, waiting for the checks. */
export interface Resolved {
  report: DependencyReport;
  summary: PackageSummary;
  version: string;
  source: DataSource | undefined;
}

/**
 * Rounds of lookups for pin candidates. Each round looks up what the candidates the selection reached
 * add; a candidate that turns out unsafe lets the next round reach further. A candidate still unknown
 * after the last round stays excluded: the pin may then be older, never unvetted.
 */
const MAX_PIN_ROUNDS = 3;

export async function checkResolved(
  resolved: readonly Resolved[],
  advisories: ReadonlyMap<string, readonly Advisory[]>,
  deps: AnalysisDeps,
  now: Date,
  configFor: (name: string, version: string) => AnalysisConfig = () => deps.config,
): Promise<{ findings: Finding[]; notes: AnalysisNote[] }> {
  const added = new PackumentLookups(deps.registry, deps.asOf, deps.signal);
  const names = resolved.flatMap((r) => {
    const version = own(r.summary.versions, r.version);
    return version ? addedNames(publishHistory(r.summary), version) : [];
  });
  const [, shadowing] = await Promise.all([added.fetch(names), shadowingFindings(resolved, deps)]);
  const bursts = publishBursts(resolved.map((r) => ({ summary: r.summary, version: r.version })), now, deps.config);

  const results = new Map<Resolved, Finding[]>();
  let pending = [...resolved];
  for (let round = 0; pending.length > 0; round++) {
    const again: Resolved[] = [];
    const missing = new Set<string>();
    for (const item of pending) {
      const asked = new Set<string>();
      const config = configFor(item.report.package, item.version);
      results.set(item, checkOne(item, advisories.get(item.report.package) ?? [], bursts, added.get, asked, now, config));
      if (asked.size === 0) continue;
      again.push(item);
      for (const name of asked) missing.add(name);
    }
    if (again.length === 0 || round >= MAX_PIN_ROUNDS || deps.signal?.aborted) break;
    await added.fetch(missing);
    pending = again;
  }
  const findings = resolved.flatMap((r) => results.get(r) ?? []);
  findings.push(...shadowing.findings);
  return { findings, notes: shadowing.notes };
}

function checkOne(
  item: Resolved,
  advisories: readonly Advisory[],
  bursts: ReadonlyMap<string, SignalHit>,
  lookup: LookupFn,
  asked: Set<string>,
  now: Date,
  config: AnalysisConfig,
): Finding[] {
  const { report, summary, version: resolvedVersion, source } = item;
  const version = own(summary.versions, resolvedVersion);
  if (!version) return [];
  const history = publishHistory(summary);
  const context: SignalContext = { summary, version, earlier: publishedBefore(history, version), now, config };
  const hits = dependencyHits(context, lookup);
  const burst = bursts.get(`${summary.name}@${resolvedVersion}`);
  if (burst) hits.push(burst);
  const unsafe = (candidate: VersionSummary): boolean => unsafeForPin(summary, history, candidate, lookup, asked, now, config);
  return checkDependency(report, summary, resolvedVersion, now, config, source, advisories, { hits, unsafe });
}

/** The per-version signals that read the packuments of the packages a release adds. */
export function dependencyHits(context: SignalContext, lookup: LookupFn): SignalHit[] {
  return [youngDependencyAdded(context, lookup), dependencyInstallScript(context, lookup)].filter((hit): hit is SignalHit => hit !== undefined);
}

/** The packages (by registry name) `version` depends on and the release before it did not. */
function addedNames(history: VersionSummary[], version: VersionSummary): string[] {
  const previous = publishedBefore(history, version)[0];
  return addedRegistryDependencies(version, previous)
    .slice(0, MAX_ADDED_LOOKUPS)
    .map((change) => change.package);
}

/**
 * Whether a pin candidate raises an error through the packages it adds. Until those are looked up it
 * cannot be vouched for: it counts as unsafe and its names go to `asked`, so the caller looks them up and
 * asks again. A package it adds that does not exist makes it uninstallable; any other failed lookup is
 * given the benefit of the doubt (a flaky network must not move pins around).
 */
function unsafeForPin(
  summary: PackageSummary,
  history: VersionSummary[],
  candidate: VersionSummary,
  lookup: LookupFn,
  asked: Set<string>,
  now: Date,
  config: AnalysisConfig,
): boolean {
  const names = addedNames(history, candidate);
  const unknown = names.filter((name) => lookup(name) === undefined);
  if (unknown.length > 0) {
    for (const name of unknown) asked.add(name);
    return true;
  }
  if (names.some((name) => isMissing(lookup(name)))) return true;
  const context: SignalContext = { summary, version: candidate, earlier: publishedBefore(history, candidate), now, config };
  return dependencyHits(context, lookup).some((hit) => hit.severity === 'error');
}

function isMissing(answer: Lookup | undefined): boolean {
  return answer !== undefined && !answer.ok && answer.kind === 'not-found';
}

/** registry-shadowing for every resolved package installed from another registry than the public one. */
async function shadowingFindings(resolved: readonly Resolved[], deps: AnalysisDeps): Promise<{ findings: Finding[]; notes: AnalysisNote[] }> {
  const publicRegistry = deps.publicRegistry;
  if (!publicRegistry) return { findings: [], notes: [] };
  const targets = resolved.filter((r) => publicRegistry.privateSourceOf(r.report.package) !== undefined);
  const lookups = new PackumentLookups(publicRegistry, deps.asOf, deps.signal);
  await lookups.fetch(targets.map((r) => r.report.package));
  const findings: Finding[] = [];
  const failed = new Set<string>();
  for (const { report, summary, version } of targets) {
    const answer = lookups.get(report.package);
    if (answer && !answer.ok && answer.kind !== 'not-found' && answer.kind !== 'cancelled') failed.add(report.package);
    if (!answer?.ok) continue;
    const hit = registryShadowing({
      summary,
      resolved: version,
      registry: publicRegistry.privateSourceOf(report.package) as string,
      publicRegistry: publicRegistry.url,
      publicSummary: answer.summary,
    });
    if (hit) findings.push(shadowingFinding(report, summary, version, hit));
  }
  return { findings, notes: failed.size > 0 ? [shadowingNote(publicRegistry, [...failed])] : [] };
}

function shadowingFinding(report: DependencyReport, summary: PackageSummary, version: string, hit: SignalHit): Finding {
  return {
    file: report.file,
    range: report.range,
    package: summary.name,
    spec: report.spec,
    version,
    signal: hit.signal,
    severity: hit.severity,
    message: hit.message,
    evidence: hit.evidence,
  };
}

function shadowingNote(publicRegistry: PublicRegistry, names: string[]): AnalysisNote {
  const count = names.length === 1 ? '1 package' : `${names.length} packages`;
  return {
    code: 'shadowing-unavailable',
    message: `${publicRegistry.url} could not be asked about ${count} from other registries (${list(names.sort())}): whether the public registry shadows them was not checked.`,
  };
}
