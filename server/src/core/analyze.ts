/**
 * analyze(input, deps): the whole analysis, pure. Text in, findings with offsets out. The registry, the
 * clock and the configuration are injected; nothing here does I/O of its own.
 */
import { lookupAdvisories } from './advisories/lookup';
import type { AdvisorySource } from './advisories/types';
import type { AnalysisConfig } from './config';
import { compareFindings, type AnalysisError, type AnalysisNote, type Finding, type OffsetRange } from './finding';
import { parsePackageJson, type DependencySection } from './parse/packageJson';
import { viewAsOf } from './registry/asOf';
import type { AbortSignalLike, DataSource, PackageSummary, PublicRegistry, Registry, RegistryResult } from './registry/types';
import { resolveVersion } from './resolve';
import { runBounded } from './bounded';
import { nonRegistryFinding } from './check';
import { checkResolved, type Resolved } from './checkResolved';
import type { SuppressedFinding } from './policy';
import { finishWithPolicy, readProject } from './project';
import { classifySpec, type SpecKind } from './spec';
import { unclaimedNameFinding } from './signals/unclaimedName';
import { requestedUnpublished, unpublishedFinding } from './signals/unpublished';
import { recordingAnswers, typosquatFindings } from './signals/typosquat';
import type { HighImpactIndex } from './similar/highImpact';

export interface ProjectFile {
  /** Project-relative path with forward slashes, e.g. "package.json" or "packages/a/package.json". */
  path: string;
  text: string;
}

export interface AnalysisInput {
  /**
   * Manifests (package.json) and the project's own settings beside them: .vigilrc.json and the package
   * manager's and Renovate's files (project.ts PROJECT_FILES), named relative to the manifest's folder.
   */
  files: ProjectFile[];
}

export interface AnalysisDeps {
  registry: Registry;
  /** Known vulnerabilities and malware (npm's bulk advisory endpoint). Absent: not checked, no note. */
  advisories?: AdvisorySource;
  /** The clock. With `asOf`, ignored: the analysis runs at `asOf`. */
  now: Date;
  /** Replay: versions (and their times) published after this instant are invisible. */
  asOf?: Date;
  config: AnalysisConfig;
  signal?: AbortSignalLike;
  /**
   * The high-impact packages (npm-high-impact), indexed once per process by the adapter: declared names
   * close to one of them are `typosquat`. Absent: names are not checked.
   */
  highImpact?: HighImpactIndex;
  /**
   * The public default registry, to compare packages installed from other registries with
   * (registry-shadowing). Absent: not checked. The node runtime gives one whose `privateSourceOf` names
   * only packages routed elsewhere, so nothing else is asked there.
   */
  publicRegistry?: PublicRegistry;
}

export type DependencyStatus = 'checked' | 'not-registry' | 'unresolved' | 'error' | 'cancelled';

/** One declared dependency and what became of it, for hovers, status counts and reports. */
export interface DependencyReport {
  file: string;
  /** The key as written in package.json. */
  name: string;
  /** The package actually looked up (the target of an `npm:` alias). */
  package: string;
  spec: string;
  section: DependencySection;
  kind: SpecKind;
  /** The key's range; findings are reported on the key. */
  range: OffsetRange;
  specRange: OffsetRange;
  status: DependencyStatus;
  version?: string;
  source?: DataSource;
}

export interface AnalysisResult {
  /** The instant the analysis describes (ISO-8601). */
  asOf: string;
  findings: Finding[];
  errors: AnalysisError[];
  dependencies: DependencyReport[];
  /** About the analysis as a whole (advisories skipped or unavailable): shown once, not per package. */
  notes: AnalysisNote[];
  /** Findings a .vigilrc.json suppression hides, each with the suppression's reason. */
  suppressed: SuppressedFinding[];
}

/** Bound on lookups in flight from one analysis; the registry client bounds its own concurrency too. */
const CONCURRENCY = 16;

export async function analyze(input: AnalysisInput, deps: AnalysisDeps): Promise<AnalysisResult> {
  const now = deps.asOf ?? deps.now;
  const result: AnalysisResult = { asOf: now.toISOString(), findings: [], errors: [], dependencies: [], notes: [], suppressed: [] };
  const project = readProject(input.files, deps.config, deps.now);
  const resolved: Resolved[] = [];
  // Every answer, failures included: a name's typosquat severity depends on what the registry knows of it.
  const answers = new Map<string, RegistryResult>();
  const lookup = { ...deps, registry: recordingAnswers(deps.registry, answers) };
  const jobs = input.files
    .filter((file) => isPackageJson(file.path))
    .flatMap((file) => registryDependencies(file, result))
    .map(({ report, range }) => () => resolveOne(report, range, lookup, now, result, resolved, project.configFor));

  await runBounded(jobs, CONCURRENCY, deps.signal);
  if (!deps.signal?.aborted) result.findings.push(...typosquatFindings(result.dependencies, answers, deps.highImpact, now, deps.asOf));
  const advisories = await lookupAdvisories(
    resolved.map((r) => ({ package: r.report.package, version: r.version })),
    deps.advisories,
    deps.asOf,
    deps.signal,
  );
  result.notes.push(...advisories.notes);
  const checked = await checkResolved(resolved, advisories.byPackage, deps, now, project.configFor);
  result.findings.push(...checked.findings);
  result.notes.push(...checked.notes);
  result.findings.sort(compareFindings);
  result.errors.sort((a, b) => (a.file === b.file ? a.range.start - b.range.start : a.file < b.file ? -1 : 1));
  finishWithPolicy(result, project, deps.now);
  return result;
}

/**
 * Parses one manifest into `result` (its problems, every declared dependency, findings for the ones from
 * outside the registry) and returns the registry dependencies still to look up, with their ranges.
 */
function registryDependencies(file: ProjectFile, result: AnalysisResult): Array<{ report: DependencyReport; range: string }> {
  const parsed = parsePackageJson(file.text);
  for (const problem of parsed.problems) {
    result.findings.push({
      file: file.path,
      range: problem.range,
      package: '',
      spec: '',
      signal: problem.code,
      severity: problem.severity,
      message: problem.message,
      evidence: {},
    });
  }
  const pending: Array<{ report: DependencyReport; range: string }> = [];
  for (const dependency of parsed.value.dependencies) {
    const spec = classifySpec(dependency.name, dependency.spec);
    const report: DependencyReport = {
      file: file.path,
      name: dependency.name,
      package: spec.packageName,
      spec: dependency.spec,
      section: dependency.section,
      kind: spec.kind,
      range: dependency.nameRange,
      specRange: dependency.specRange,
      status: 'not-registry',
    };
    result.dependencies.push(report);
    if (spec.kind !== 'registry') {
      const finding = nonRegistryFinding(report, spec);
      if (finding) result.findings.push(finding);
      continue;
    }
    // Until its lookup completes, a registry dependency counts as not checked (cancelled if it never runs).
    report.status = 'cancelled';
    pending.push({ report, range: spec.range });
  }
  return pending;
}

/** Fetches and resolves one dependency; problems become findings or errors, a success joins `resolved`. */
async function resolveOne(
  report: DependencyReport,
  range: string,
  deps: AnalysisDeps,
  now: Date,
  result: AnalysisResult,
  resolved: Resolved[],
  configFor: (name: string, version: string) => AnalysisConfig,
): Promise<void> {
  if (deps.signal?.aborted) {
    report.status = 'cancelled';
    return;
  }
  const answer = await deps.registry.getPackument(report.package, deps.signal);
  if (!answer.ok && answer.error.kind === 'not-found') {
    // The registry says the name is free: that is a finding about the project, not a failure to check it.
    report.status = 'unresolved';
    result.findings.push(unclaimedNameFinding(report, answer.error));
    return;
  }
  if (!answer.ok) {
    report.status = answer.error.kind === 'cancelled' ? 'cancelled' : 'error';
    if (report.status === 'error') {
      result.errors.push({
        file: report.file,
        range: report.range,
        package: report.package,
        kind: answer.error.kind,
        message: answer.error.message,
      });
    }
    return;
  }
  if (answer.source) report.source = answer.source;
  const summary: PackageSummary | undefined = deps.asOf ? viewAsOf(answer.summary, deps.asOf) : answer.summary;
  if (!summary) {
    report.status = 'error';
    result.errors.push({
      file: report.file,
      range: report.range,
      package: report.package,
      kind: 'not-found',
      message: `${report.package} did not exist yet on ${now.toISOString()} (first published later).`,
    });
    return;
  }
  const resolution = resolveVersion(summary, range);
  // A removed release fails resolution too, but "no version satisfies" would hide why: say it first.
  const gone = requestedUnpublished(summary, range, !resolution.ok);
  if (gone.length > 0) {
    report.status = 'unresolved';
    result.findings.push(unpublishedFinding(report, summary, range, gone, now, configFor(report.package, gone[0] as string)));
    return;
  }
  if (!resolution.ok) {
    report.status = 'unresolved';
    result.findings.push({
      file: report.file,
      range: report.specRange,
      package: report.package,
      spec: report.spec,
      signal: 'unresolved-version',
      severity: 'warning',
      message: resolution.message,
      evidence: { range, latest: summary.distTags.latest ?? null },
    });
    return;
  }
  report.status = 'checked';
  report.version = resolution.version;
  resolved.push({ report, summary, version: resolution.version, source: answer.source });
}

function isPackageJson(path: string): boolean {
  return path === 'package.json' || path.endsWith('/package.json');
}
