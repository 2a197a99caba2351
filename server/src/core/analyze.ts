/**
 * analyze(input, deps): the whole analysis, pure. Text in, findings with offsets out. The registry, the
 * clock and the configuration are injected; nothing here does I/O of its own.
 */
import { lookupAdvisories } from './advisories/lookup';
import type { AdvisorySource } from './advisories/types';
import type { AnalysisConfig } from './config';
import { compareFindings, type AnalysisError, type AnalysisNote, type Finding, type OffsetRange } from './finding';
import { parsePackageJson, type DependencySection } from './parse/packageJson';
import type { AbortSignalLike, DataSource, PackageSummary, PublicRegistry, Registry, RegistryResult } from './registry/types';
import { runBounded } from './bounded';
import { nonRegistryFinding } from './check';
import { checkResolved, type Resolved } from './checkResolved';
import type { SuppressedFinding } from './policy';
import { finishWithPolicy, readProject } from './project';
import { classifySpec, type SpecKind } from './spec';
import { LockedProject, onEveryEntry } from './locked';
import { resolveOne, withLockedVersion, type Pending, type ResolveContext } from './resolveOne';
import { recordingAnswers, typosquatFindings } from './signals/typosquat';
import type { HighImpactIndex } from './similar/highImpact';
import { stampOf } from './elapsed';

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
  /**
   * Which lockfile entries to check on the lockfile itself: those the manifests bring in (the default: a
   * manifest's own view), or every entry (the lockfile is what is being looked at, or the whole project).
   */
  lockfileEntries?: 'reachable' | 'all';
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
  /**
   * The registry a package is installed from (scoped registries applied), for the lockfile's host checks.
   * Absent: lockfile-untrusted-host is not checked.
   */
  registryUrlFor?: (name: string) => string;
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
  /** 'lockfile' for a package checked on its lockfile entry. */
  section: DependencySection | 'lockfile';
  kind: SpecKind;
  /** The key's range; findings are reported on the key. */
  range: OffsetRange;
  specRange: OffsetRange;
  status: DependencyStatus;
  version?: string;
  source?: DataSource;
  /** Where the project's lockfile locks a declared dependency; its version is the one checked. */
  locked?: { lockfile: string; version: string; key: string };
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
  const result: AnalysisResult = { asOf: stampOf(now), findings: [], errors: [], dependencies: [], notes: [], suppressed: [] };
  const project = readProject(input.files, deps.config, deps.now);
  const locked = new LockedProject(input.files);
  result.findings.push(...locked.problemFindings());
  const resolved: Resolved[] = [];
  // Every answer, failures included: a name's typosquat severity depends on what the registry knows of it.
  const answers = new Map<string, RegistryResult>();
  const lookup = { ...deps, registry: recordingAnswers(deps.registry, answers) };
  const declared = input.files
    .filter((file) => isPackageJson(file.path))
    .flatMap((file) => registryDependencies(file, result))
    .map((pending) => withLockedVersion(pending, locked, result));
  const targets = locked.targets(input.lockfileEntries === 'all');
  result.dependencies.push(...targets.map((target) => target.report));
  const pending: Pending[] = [...declared, ...targets.map((target) => ({ report: target.report, range: target.report.spec, locked: target.report.spec }))];
  const summaries = new Map<DependencyReport, PackageSummary>();
  const context: ResolveContext = { deps: lookup, now, result, resolved, configFor: project.configFor, summaries };
  const jobs = pending.filter((item) => !item.local).map((item) => () => resolveOne(item, context));

  await runBounded(jobs, CONCURRENCY, deps.signal);
  const typed = result.dependencies.filter((report) => report.section !== 'lockfile');
  if (!deps.signal?.aborted) result.findings.push(...typosquatFindings(typed, answers, deps.highImpact, now, deps.asOf));
  result.findings.push(...locked.integrityFindings(targets, summaries, deps.registryUrlFor, project.policy.allowedRegistries));
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
  // Integrity findings are per entry already; the checks ran once per name@version and are copied.
  result.findings.push(...onEveryEntry(targets, checked.findings));
  result.findings.sort(compareFindings);
  result.errors.sort((a, b) => (a.file === b.file ? a.range.start - b.range.start : a.file < b.file ? -1 : 1));
  finishWithPolicy(result, project, deps.now, (kept) => locked.riskyTransitive(kept));
  return result;
}

/**
 * Parses one manifest into `result` (its problems, every declared dependency, findings for the ones from
 * outside the registry) and returns the registry dependencies still to look up, with their ranges.
 */
function registryDependencies(file: ProjectFile, result: AnalysisResult): Pending[] {
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
  const pending: Pending[] = [];
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

function isPackageJson(path: string): boolean {
  return path === 'package.json' || path.endsWith('/package.json');
}
