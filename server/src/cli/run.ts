/**
 * `vigil check` and `vigil baseline`: a thin adapter over analyze(). Reads the folder's package.json,
 * lockfile and settings through the runtime, asks the registry through the runtime, narrows the report
 * (--changed-since, --baseline), prints it in the format asked for, and returns the exit code.
 */
import { join, relative, resolve, sep } from 'node:path';
import { analyze, type ProjectFile } from '../core/analyze';
import { ReusableAnalysis } from '../node/cachedAnalysis';
import { DEFAULT_CONFIG } from '../core/config';
import { SEVERITY_RANK } from '../core/finding';
import { readLockfiles, readProjectFiles, tolerantReader, workspaceMembers, type ReadText } from '../node/projectFiles';
import type { Runtime } from '../node/runtime';
import { parseArgs, USAGE, type CheckOptions } from './args';
import { applyBaseline, buildBaseline, parseBaseline, renderBaseline } from './baseline';
import { changedSince, restrictToChanged, type ChangedPackages } from './changed';
import { renderMarkdown } from './markdown';
import { buildReport, countedFindings, plural, renderJson, renderText, type Report } from './output';
import { renderSarif } from './sarif';
import { version as VIGIL_VERSION } from '../../../package.json';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Text output may use ANSI colours: stdout is a terminal and NO_COLOR is unset (main.ts decides). */
  color?: boolean;
  /** A progress line may be shown on stderr: stderr is a terminal. */
  progress?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;

export async function runCli(argv: readonly string[], runtime: Runtime, io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  switch (args.command) {
    case 'help':
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    case 'version':
      io.stdout(`vigil ${VIGIL_VERSION}\n`);
      return EXIT_OK;
    case 'error':
      io.stderr(`vigil: ${args.message}\n\n${USAGE}\n`);
      return EXIT_FAILURE;
    case 'check':
    case 'baseline':
      return check(args, runtime, io);
  }
}

async function check(options: CheckOptions, runtime: Runtime, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, options.dir);
  const fail = (message: string): number => {
    io.stderr(`vigil: ${message}\n`);
    return EXIT_FAILURE;
  };
  if (options.command === 'baseline' && !runtime.writeFile) return fail('this runtime cannot write files');
  // Everything that can fail without the registry fails first: no network time spent on a bad baseline or ref.
  const baseline = options.baseline === undefined ? undefined : await readBaseline(options.baseline, runtime, io);
  if (typeof baseline === 'string') return fail(baseline);
  const project = await readProject(dir, runtime, io);
  if (typeof project === 'string') return fail(project);
  let changed: ChangedPackages | undefined;
  if (options.changedSince !== undefined) {
    const found = await changedSince(options.changedSince, dir, project.files, runtime.git?.bind(runtime));
    if (!found.ok) return fail(found.message);
    changed = found.changed;
  }

  if (io.progress) io.stderr(`vigil: checking the dependencies of ${options.dir}…`);
  let report = await analyzeProject(options, dir, project, runtime);
  if (io.progress) io.stderr('\r\x1b[K');
  if (options.asOf) io.stderr(`vigil: replaying as of ${report.asOf}: versions published later are invisible.\n`);
  if (changed) report = restrictToChanged(report, changed);
  if (baseline && options.baseline !== undefined) report = applyBaseline(report, baseline, options.baseline);
  if (options.command === 'baseline') return writeBaseline(report, options, runtime, io);

  const code = exitCode(report, options);
  io.stdout(render(report, options, code, dir, io));
  return code;
}

function render(report: Report, options: CheckOptions, code: number, dir: string, io: CliIo): string {
  switch (options.format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'sarif': {
      const base = options.sarifBase === undefined ? dir : resolve(io.cwd, options.sarifBase);
      const pathPrefix = relative(base, dir).split(sep).join('/');
      return renderSarif(report, { toolVersion: VIGIL_VERSION, pathPrefix, exitCode: code, executionSuccessful: unchecked(report).length === 0 });
    }
    case 'text':
      return renderText(report, { color: io.color === true });
  }
}

/** The fingerprints a --baseline file lists, or a message saying why it cannot be used. */
async function readBaseline(file: string, runtime: Runtime, io: CliIo): Promise<Set<string> | string> {
  let text: string;
  try {
    text = await runtime.readFile(resolve(io.cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    return code === 'ENOENT'
      ? `the baseline file ${file} does not exist; write one with: vigil baseline [DIR] --output ${file}`
      : `cannot read the baseline file ${file} (${code})`;
  }
  const parsed = parseBaseline(text);
  return parsed.ok ? parsed.fingerprints : `the baseline file ${file} ${parsed.message}; write it again with: vigil baseline [DIR] --output ${file}`;
}

/**
 * `vigil baseline`: every finding of the run, sorted, to --output. A baseline of a run that could not
 * check every package would silently accept whatever it missed, so then nothing is written.
 */
async function writeBaseline(report: Report, options: CheckOptions, runtime: Runtime, io: CliIo): Promise<number> {
  const missed = unchecked(report);
  const output = options.output ?? 'vigil-baseline.json';
  if (missed.length > 0) {
    io.stderr(`vigil: ${plural(missed.length, 'package')} could not be checked (e.g. ${missed[0]?.package}: ${missed[0]?.message}); ${output} was not written.\n`);
    return EXIT_FAILURE;
  }
  const baseline = buildBaseline(report.findings, runtime.now(), `vigil ${VIGIL_VERSION}`);
  try {
    await runtime.writeFile?.(resolve(io.cwd, output), renderBaseline(baseline));
  } catch (error) {
    io.stderr(`vigil: cannot write ${output} (${(error as NodeJS.ErrnoException).code ?? 'unknown'})\n`);
    return EXIT_FAILURE;
  }
  io.stderr(`vigil: wrote ${plural(baseline.entries.length, 'finding')} to ${output}; check against it with: vigil check --baseline ${output}\n`);
  return EXIT_OK;
}

interface ProjectInput {
  files: ProjectFile[];
  atRoot: boolean;
}

/** package.json, the settings files, the nearest lockfile and (at the root) the workspace members' manifests. */
async function readProject(dir: string, runtime: Runtime, io: CliIo): Promise<ProjectInput | string> {
  let text: string;
  try {
    text = await runtime.readFile(resolve(dir, 'package.json'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no package.json in' : code === 'EISDIR' ? 'package.json is a folder in' : 'cannot read package.json in';
    return `${why} ${dir}${code && code !== 'ENOENT' && code !== 'EISDIR' ? ` (${code})` : ''}`;
  }
  const unreadable = (path: string, code: string): void => io.stderr(`vigil: cannot read ${path} (${code}); its settings are ignored.\n`);
  const read = tolerantReader((path) => runtime.readFile(path), unreadable);
  const files = [{ path: 'package.json', text }, ...(await readProjectFiles(dir, [], read))];
  const lockfiles = await readLockfiles(dir, read);
  files.push(...lockfiles);
  // At the project's root (the lockfile beside it), the whole project is checked: every workspace member
  // against the root lockfile, and every entry of the lockfile.
  const atRoot = lockfiles.some((file) => !file.path.includes('/'));
  if (atRoot) files.push(...(await memberManifests(dir, text, lockfiles, read, runtime)));
  return { files, atRoot };
}

async function analyzeProject(options: CheckOptions, dir: string, project: ProjectInput, runtime: Runtime): Promise<Report> {
  const { files, atRoot } = project;
  const settings = {
    projectDir: dir,
    offline: options.offline,
    ...(options.registry ? { registryUrl: options.registry } : {}),
    ...(options.publicRegistry !== undefined && { publicRegistryUrl: options.publicRegistry }),
  };
  const registrySettings = options.cacheDir === undefined ? settings : { ...settings, cacheDir: options.cacheDir };
  const registry = await runtime.registry(registrySettings);
  const advisories = options.advisories ? await runtime.advisories(registrySettings) : undefined;
  // A cooldown asked for on the command line wins over the project's files; otherwise they win.
  const config = { ...DEFAULT_CONFIG, ...(options.cooldownDays !== undefined && { cooldownDays: options.cooldownDays, cooldownExplicit: true }) };
  const highImpact = await runtime.highImpact?.();
  const input = { files, lockfileEntries: atRoot ? ('all' as const) : ('reachable' as const) };
  const deps = {
    registry,
    now: runtime.now(),
    config,
    ...(options.asOf ? { asOf: options.asOf } : {}),
    ...(advisories && { advisories }),
    ...(highImpact && { highImpact }),
    ...(registry.publicRegistry && { publicRegistry: registry.publicRegistry }),
    registryUrlFor: (name: string) => registry.registryUrlFor?.(name) ?? registry.registryUrl,
  };
  const results = options.resultCache ? runtime.resultCache?.(registrySettings) : undefined;
  const reusable = results && new ReusableAnalysis(results, input, deps, registrySettings);
  const result = reusable ? (reusable.stored() ?? (await reusable.run())).result : await analyze(input, deps);
  return buildReport(result, new Map(files.map((file) => [file.path, file.text])), registry.registryUrl);
}

/**
 * Findings at or above --fail-on fail the run. Packages that could not be checked (registry down, bad
 * answers) are an operational failure: a gate that passes because it saw nothing would be worse than none.
 * Notes (advisories skipped or unavailable) are not: most private registries have no advisory endpoint,
 * and failing every run there would teach people to ignore the exit code. The note says what was missed.
 * --fail-on never: always 0, even then (a report-only step).
 */
export function exitCode(report: Report, options: Pick<CheckOptions, 'failOn'>): number {
  if (options.failOn === 'never') return EXIT_OK;
  const threshold = SEVERITY_RANK[options.failOn];
  // Findings a baseline lists are known and accepted: only new ones fail the run.
  if (countedFindings(report).some((f) => SEVERITY_RANK[f.severity] >= threshold)) return EXIT_FINDINGS;
  return unchecked(report).length > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** Packages that could not be checked. not-found is only left for a replay's "did not exist yet" (a 404 today is the unclaimed-name finding). */
function unchecked(report: Report): Report['errors'] {
  return report.errors.filter((e) => e.kind !== 'not-found' && e.kind !== 'invalid-name');
}

/** The package.json of each workspace member, named by its path from the root. */
async function memberManifests(dir: string, rootText: string, lockfiles: readonly ProjectFile[], read: ReadText, runtime: Runtime): Promise<ProjectFile[]> {
  const members = await workspaceMembers(dir, rootText, lockfiles, (path) => runtime.listDir?.(path) ?? Promise.resolve([]));
  const texts = await Promise.all(members.map((member) => read(join(dir, member, 'package.json'))));
  return members.flatMap((member, i) => {
    const text = texts[i];
    return text === undefined ? [] : [{ path: `${member}/package.json`, text }];
  });
}
