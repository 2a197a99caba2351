/** `vigil` command-line parsing. Pure: argv in, options or a usage error out. */
import type { Severity } from '../core/finding';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'markdown';
export type FailOn = Severity | 'never';

/** Options of `vigil check` and of `vigil baseline` (which runs the same check and writes its findings). */
export interface CheckOptions {
  command: 'check' | 'baseline';
  dir: string;
  format: OutputFormat;
  registry?: string;
  asOf?: Date;
  /** undefined: the default per-user cache; null: no disk cache. */
  cacheDir?: string | null;
  /** False: analyse again even when the last result for the same project and registry data still holds (`--no-result-cache`). */
  resultCache: boolean;
  offline: boolean;
  /** False: do not ask the registry's advisory endpoint (`--no-advisories`). */
  advisories: boolean;
  failOn: FailOn;
  cooldownDays?: number;
  /** `--public-registry URL|off`: what registry-shadowing compares with; null: off; undefined: the default registry. */
  publicRegistry?: string | null;
  /** `--baseline FILE`: findings listed there are "unchanged" and do not count for the exit code. */
  baseline?: string;
  /** `--changed-since REF`: only packages whose locked (or declared) version changed since that git ref. */
  changedSince?: string;
  /** `--sarif-base DIR`: SARIF locations are written relative to DIR (default: the checked folder). */
  sarifBase?: string;
  /** `vigil baseline --output FILE` (default vigil-baseline.json). */
  output?: string;
}

export type ParsedArgs = CheckOptions | { command: 'help' } | { command: 'version' } | { command: 'error'; message: string };

export const USAGE = `Usage: vigil check [DIR] [options]
       vigil baseline [DIR] [--output FILE] [options]

Checks the npm dependencies declared in DIR/package.json (default: the current folder), its lockfile and
workspace members against the registry's own history and prints what changed: install scripts that just
appeared, new publishers, releases inside the cooldown, deprecations, and the registry's malware and
vulnerability advisories. Each finding has its evidence and a known-good version to pin.
\`vigil baseline\` runs the same check and writes its findings to FILE (default: vigil-baseline.json), so
that later runs with --baseline fail only on new ones.

Options:
  --format FORMAT           text (default), json, sarif (SARIF 2.1.0, for GitHub code scanning) or
                            markdown (a summary for a pull-request comment)
  --fail-on LEVEL           exit 1 when a finding is at or above LEVEL:
                            error|warning|information|hint|never (default: error)
  --baseline FILE           findings listed in FILE (written by vigil baseline) are reported as unchanged
                            and do not count for the exit code; only new ones do
  --changed-since REF       only packages whose locked version (or declared spec, without a lockfile)
                            changed since the git commit REF, e.g. origin/main: a pull request is judged
                            on what it changes
  --sarif-base DIR          write SARIF locations relative to DIR (default: the folder being checked);
                            use the repository root when checking a subfolder
  --output FILE             (vigil baseline) where to write the baseline (default: vigil-baseline.json)
  --registry URL            registry to ask (default: the one npm uses for DIR: .npmrc, npm_config_registry)
  --as-of ISO8601           analyse as of that instant: later versions are invisible (incident replay;
                            advisories are skipped: they cannot be dated)
  --cache-dir DIR           where to cache registry summaries (default: ~/.cache/vigil)
  --no-cache                do not read or write the disk cache
  --no-result-cache         analyse again even when the last run's result still holds (the same files,
                            options and cached registry data, and nothing in it due to change yet)
  --offline                 use cached registry data only; never touch the network (advisories are skipped)
  --no-advisories           do not ask the registry's advisory endpoint (npm audit's bulk endpoint)
  --public-registry URL|off compare packages from other registries with URL (registry-shadowing; default:
                            the default registry, so packages of scopes routed elsewhere); off: never ask
  --cooldown-days N         releases younger than N days are flagged, whatever the project's files say
                            (default: the project's own cooldown from pnpm, npm, Yarn, Bun or Renovate
                            settings in DIR, else .vigilrc.json's thresholds.cooldownDays, else 3)
  -h, --help                show this help
  --version                 print the version

DIR/.vigilrc.json (JSON with comments) sets the project's policy: severity per signal (or off),
thresholds, allowed registries, and suppressions with a reason and an optional expiry. Suppressed
findings do not count towards the exit code; --format json lists them under "suppressed", SARIF as
suppressed results.

Output goes to stdout; messages to stderr. Colours only on a terminal (never with NO_COLOR set).

Exit codes: 0 nothing (new) at or above --fail-on; 1 findings at or above --fail-on;
            2 operational failure (bad arguments, unreadable folder or baseline, git errors for
            --changed-since, packages that could not be checked).`;

const FORMATS: readonly string[] = ['text', 'json', 'sarif', 'markdown'];
const FAIL_ON: readonly string[] = ['error', 'warning', 'information', 'hint', 'never'];
/** Flags that only make sense for `vigil check` (the baseline records every finding, in one shape). */
const CHECK_ONLY: ReadonlyArray<[keyof CheckOptions, string]> = [
  ['baseline', '--baseline'],
  ['changedSince', '--changed-since'],
  ['sarifBase', '--sarif-base'],
];

/**
 * Whether `ref` can be handed to git as a revision: never an option (a leading '-'), no whitespace,
 * control characters, ':' (it would change `git show REF:path`) or backslashes, and of sane length.
 */
export function isSafeGitRef(ref: string): boolean {
  return ref.length > 0 && ref.length <= 200 && !ref.startsWith('-') && !/[\s\x00-\x1f\x7f:\\]/.test(ref);
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help') return { command: 'help' };
  if (argv[0] === '--version' || argv[0] === '-v') return { command: 'version' };
  const command = argv[0];
  if (command !== 'check' && command !== 'baseline') {
    return { command: 'error', message: `unknown command "${command?.slice(0, 40)}"; try: vigil check [DIR]` };
  }

  const options: CheckOptions = { command, dir: '.', format: 'text', offline: false, advisories: true, resultCache: true, failOn: 'error' };
  const seen = new Set<string>();
  const positional: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq === -1 ? raw : raw.slice(0, eq);
    const takeValue = (): string | undefined => (eq !== -1 ? raw.slice(eq + 1) : argv[++i]);
    seen.add(flag);
    const error = applyFlag(options, flag, takeValue, positional, raw);
    if (error === 'help') return { command: 'help' };
    if (error) return { command: 'error', message: error };
  }
  const misplaced = misplacedFlag(options, seen);
  if (misplaced) return { command: 'error', message: misplaced };
  if (positional.length > 1) return { command: 'error', message: `vigil ${command} takes one folder` };
  if (options.offline && options.cacheDir === null) return { command: 'error', message: '--offline answers from the disk cache; it cannot be combined with --no-cache' };
  if (positional[0] !== undefined) options.dir = positional[0];
  return options;
}

function misplacedFlag(options: CheckOptions, seen: ReadonlySet<string>): string | undefined {
  if (options.command === 'check') return seen.has('--output') ? '--output is for vigil baseline; vigil check prints to stdout' : undefined;
  for (const [key, flag] of CHECK_ONLY) {
    if (options[key] !== undefined) return `${flag} is for vigil check, not vigil baseline`;
  }
  if (seen.has('--format') || seen.has('--fail-on')) return 'vigil baseline writes a baseline file: --format and --fail-on are for vigil check';
  return undefined;
}

function applyFlag(
  options: CheckOptions,
  flag: string,
  takeValue: () => string | undefined,
  positional: string[],
  raw: string,
): string | undefined | 'help' {
  switch (flag) {
    case '-h':
    case '--help':
      return 'help';
    case '--format': {
      const value = takeValue();
      if (!value || !FORMATS.includes(value)) return `--format takes one of: ${FORMATS.join(', ')}`;
      options.format = value as OutputFormat;
      return undefined;
    }
    case '--registry': {
      const value = takeValue();
      if (!value || !isHttpUrl(value)) return '--registry takes an http:// or https:// URL';
      options.registry = value;
      return undefined;
    }
    case '--as-of': {
      const value = takeValue();
      const date = value && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime())) return '--as-of takes an ISO-8601 date or time, e.g. 2021-10-22T13:15:00Z';
      options.asOf = date;
      return undefined;
    }
    case '--cache-dir': {
      const value = takeValue();
      if (!value) return '--cache-dir takes a folder';
      options.cacheDir = value;
      return undefined;
    }
    case '--no-cache':
      options.cacheDir = null;
      return undefined;
    case '--no-result-cache':
      options.resultCache = false;
      return undefined;
    case '--offline':
      options.offline = true;
      return undefined;
    case '--no-advisories':
      options.advisories = false;
      return undefined;
    case '--public-registry': {
      const value = takeValue();
      if (value === 'off') options.publicRegistry = null;
      else if (value && isHttpUrl(value)) options.publicRegistry = value;
      else return '--public-registry takes an http:// or https:// URL, or off';
      return undefined;
    }
    case '--cooldown-days': {
      const value = Number(takeValue());
      if (!Number.isFinite(value) || value < 0) return '--cooldown-days takes a number of days (0 or more)';
      options.cooldownDays = value;
      return undefined;
    }
    case '--fail-on': {
      const value = takeValue();
      if (!value || !FAIL_ON.includes(value)) return `--fail-on takes one of: ${FAIL_ON.join(', ')}`;
      options.failOn = value as FailOn;
      return undefined;
    }
    case '--baseline':
    case '--sarif-base':
    case '--output': {
      const value = takeValue();
      if (!value || value.startsWith('-')) return `${flag} takes a ${flag === '--sarif-base' ? 'folder' : 'file'}`;
      if (flag === '--baseline') options.baseline = value;
      else if (flag === '--sarif-base') options.sarifBase = value;
      else options.output = value;
      return undefined;
    }
    case '--changed-since': {
      const value = takeValue();
      if (value === undefined || !isSafeGitRef(value)) return '--changed-since takes a git commit or branch, e.g. origin/main (not starting with -, no spaces or colons)';
      options.changedSince = value;
      return undefined;
    }
    default:
      if (raw.startsWith('-')) return `unknown option ${raw.slice(0, 40)}`;
      positional.push(raw);
      return undefined;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
