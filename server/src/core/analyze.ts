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
import type { AbortSignalLike, DataSource, PackageSummary, Registry } from './registry/types';
import { resolveVersion } from './resolve';
import { checkDependency, nonRegistryFinding } from './check';
import { classifySpec, type SpecKind } from './spec';

export interface ProjectFile {
  /** Project-relative path with forward slashes, e.g. "package.json" or "packages/a/package.json". */
  path: string;
  text: string;
}

export interface AnalysisInput {
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
}

/** A registry dependency whose version is known, waiting for the advisories before its signals run. */
interface Resolved {
  report: DependencyReport;
  summary: PackageSummary;
  version: string;
  source: DataSource | undefined;
}

/** Bound on lookups in flight from one analysis; the registry client bounds its own concurrency too. */
const CONCURRENCY = 16;

export async function analyze(input: AnalysisInput, deps: AnalysisDeps): Promise<AnalysisResult> {
  const now = deps.asOf ?? deps.now;
  const result: AnalysisResult = { asOf: now.toISOString(), findings: [], errors: [], dependencies: [], notes: [] };
  const resolved: Resolved[] = [];
  const jobs = input.files
    .filter((file) => isPackageJson(file.path))
    .flatMap((file) => registryDependencies(file, result))
    .map(({ report, range }) => () => resolveOne(report, range, deps, now, result, resolved));

  await runBounded(jobs, CONCURRENCY, deps.signal);
  const advisories = await lookupAdvisories(
    resolved.map((r) => ({ package: r.report.package, version: r.version })),
    deps.advisories,
    deps.asOf,
    deps.signal,
  );
  result.notes.push(...advisories.notes);
  for (const { report, summary, version, source } of resolved) {
    const known = advisories.byPackage.get(report.package) ?? [];
    result.findings.push(...checkDependency(report, summary, version, now, deps.config, source, known));
  }
  result.findings.sort(compareFindings);
  result.errors.sort((a, b) => (a.file === b.file ? a.range.start - b.range.start : a.file < b.file ? -1 : 1));
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
): Promise<void> {
  if (deps.signal?.aborted) {
    report.status = 'cancelled';
    return;
  }
  const answer = await deps.registry.getPackument(report.package, deps.signal);
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

/** Runs jobs with at most `limit` in flight; stops starting new ones once cancelled. */
async function runBounded(jobs: Array<() => Promise<void>>, limit: number, signal?: AbortSignalLike): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const job = jobs[next++];
      if (job) await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
