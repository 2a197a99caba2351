/**
 * `vigil check`: a thin adapter over analyze(). Reads the folder's package.json through the runtime,
 * asks the registry through the runtime, prints a report, and returns the exit code.
 */
import { resolve } from 'node:path';
import { analyze } from '../core/analyze';
import { DEFAULT_CONFIG } from '../core/config';
import { SEVERITY_RANK } from '../core/finding';
import { readProjectFiles, tolerantReader } from '../node/projectFiles';
import type { Runtime } from '../node/runtime';
import { parseArgs, USAGE, type CheckOptions } from './args';
import { buildReport, renderJson, renderText, type Report } from './output';
import { version as VIGIL_VERSION } from '../../../package.json';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
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
      return check(args, runtime, io);
  }
}

async function check(options: CheckOptions, runtime: Runtime, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, options.dir);
  let text: string;
  try {
    text = await runtime.readFile(resolve(dir, 'package.json'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no package.json in' : code === 'EISDIR' ? 'package.json is a folder in' : 'cannot read package.json in';
    io.stderr(`vigil: ${why} ${dir}${code && code !== 'ENOENT' && code !== 'EISDIR' ? ` (${code})` : ''}\n`);
    return EXIT_FAILURE;
  }

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
  const unreadable = (path: string, code: string): void => io.stderr(`vigil: cannot read ${path} (${code}); its settings are ignored.\n`);
  const files = [{ path: 'package.json', text }, ...(await readProjectFiles(dir, [], tolerantReader((path) => runtime.readFile(path), unreadable)))];
  const highImpact = await runtime.highImpact?.();
  const result = await analyze(
    { files },
    {
      registry,
      now: runtime.now(),
      config,
      ...(options.asOf ? { asOf: options.asOf } : {}),
      ...(advisories && { advisories }),
      ...(highImpact && { highImpact }),
      ...(registry.publicRegistry && { publicRegistry: registry.publicRegistry }),
    },
  );
  const report = buildReport(result, new Map(files.map((file) => [file.path, file.text])), registry.registryUrl);
  if (options.asOf) {
    io.stderr(`vigil: replaying as of ${result.asOf}: versions published later are invisible.\n`);
  }
  io.stdout(options.format === 'json' ? renderJson(report) : renderText(report));
  return exitCode(report, options);
}

/**
 * Findings at or above --fail-on fail the run. Packages that could not be checked (registry down, bad
 * answers) are an operational failure: a gate that passes because it saw nothing would be worse than none.
 * Notes (advisories skipped or unavailable) are not: most private registries have no advisory endpoint,
 * and failing every run there would teach people to ignore the exit code. The note says what was missed.
 */
function exitCode(report: Report, options: CheckOptions): number {
  if (options.failOn === 'never') return EXIT_OK;
  const threshold = SEVERITY_RANK[options.failOn];
  if (report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold)) return EXIT_FINDINGS;
  // not-found is only left for a replay's "did not exist yet" (a 404 today is the unclaimed-name finding).
  const unchecked = report.errors.filter((e) => e.kind !== 'not-found' && e.kind !== 'invalid-name');
  return unchecked.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
