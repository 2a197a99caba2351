/**
 * `vigil check --changed-since REF`: a pull request is judged on what it changes. The lockfiles and
 * manifests the check read are compared with their versions at REF (`git show REF:./path`, through the
 * runtime, no shell); packages whose locked name@version is new, or whose declared spec is new (for
 * projects without a lockfile, and specs the lockfile does not follow yet), are "changed", and findings,
 * suppressed findings and unchecked packages are restricted to them. Findings about the project's own
 * files (no package) stay: they describe the files as they are now.
 */
import type { ProjectFile } from '../core/analyze';
import { isLockfile, parseLockfile } from '../core/lockfile/load';
import { parsePackageJson } from '../core/parse/packageJson';
import { classifySpec } from '../core/spec';
import type { GitResult } from '../node/runtime';
import { isSafeGitRef } from './args';
import { countBySeverity, type Report } from './output';

export type GitRunner = (args: readonly string[], cwd: string) => Promise<GitResult>;

export interface ChangedPackages {
  ref: string;
  /** The commit REF named when the check ran. */
  commit: string;
  /** `name@version` of registry packages locked now and not at REF. */
  locked: Set<string>;
  /** Packages whose declared spec in some package.json is new since REF. */
  declared: Set<string>;
}

export type ChangedResult = { ok: true; changed: ChangedPackages } | { ok: false; message: string };

export async function changedSince(ref: string, dir: string, files: readonly ProjectFile[], git: GitRunner | undefined): Promise<ChangedResult> {
  if (!isSafeGitRef(ref)) return { ok: false, message: `--changed-since: "${ref.slice(0, 40)}" is not a git ref Vigil passes to git` };
  if (!git) return { ok: false, message: '--changed-since needs git, which this runtime cannot run' };
  const commit = await resolveCommit(ref, dir, git);
  if (!commit.ok) return commit;
  const locked = new Set<string>();
  const declared = new Set<string>();
  for (const file of files) {
    const lockfile = isLockfile(file.path);
    if (!lockfile && !isManifest(file.path)) continue;
    const old = await textAt(commit.sha, file.path, dir, git);
    if (!old.ok) return old;
    const [now, before] = lockfile
      ? [lockedPackages(file.path, file.text), lockedPackages(file.path, old.text ?? '')]
      : [declaredSpecs(file.text), declaredSpecs(old.text ?? '')];
    for (const key of now) {
      if (before.has(key)) continue;
      if (lockfile) locked.add(key);
      else declared.add(key.slice(0, key.indexOf('\u0000')));
    }
  }
  return { ok: true, changed: { ref, commit: commit.sha, locked, declared } };
}

async function resolveCommit(ref: string, dir: string, git: GitRunner): Promise<{ ok: true; sha: string } | { ok: false; message: string }> {
  const inside = await git(['rev-parse', '--is-inside-work-tree'], dir);
  if (!inside.ok) {
    return {
      ok: false,
      message: inside.missing
        ? '--changed-since needs git, and git could not be started (is it installed and on PATH?)'
        : `--changed-since: ${dir} is not inside a git repository (${inside.stderr || `git exited with ${inside.code}`})`,
    };
  }
  const resolved = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], dir);
  const sha = resolved.ok ? resolved.stdout.trim() : '';
  if (!/^[0-9a-f]{40,64}$/.test(sha)) {
    return {
      ok: false,
      message:
        `--changed-since: git does not know the commit "${ref}" in this repository. ` +
        'In CI, fetch the history first (actions/checkout with fetch-depth: 0, or git fetch origin <branch>).',
    };
  }
  return { ok: true, sha };
}

/** The file at the commit; `text` undefined when it did not exist there (everything in it is new). */
async function textAt(sha: string, path: string, dir: string, git: GitRunner): Promise<{ ok: true; text: string | undefined } | { ok: false; message: string }> {
  // `<rev>:./path` and `<rev>:../path` are relative to git's working folder, which is DIR.
  const spec = `${sha}:${path.startsWith('../') ? path : `./${path}`}`;
  const shown = await git(['show', '--no-textconv', spec], dir);
  if (shown.ok) return { ok: true, text: shown.stdout };
  if (/does not exist in|exists on disk, but not in|outside repository|not in the working tree/i.test(shown.stderr)) return { ok: true, text: undefined };
  return { ok: false, message: `--changed-since: git could not show ${path} at ${sha.slice(0, 12)} (${shown.stderr || `exit ${shown.code}`})` };
}

function isManifest(path: string): boolean {
  return path === 'package.json' || path.endsWith('/package.json');
}

/** `name@version` of every registry package the lockfile locks (parsers never throw; a broken file locks nothing). */
export function lockedPackages(path: string, text: string): Set<string> {
  const keys = new Set<string>();
  if (text.trim() === '') return keys;
  for (const entry of parseLockfile(path, text).value.packages) {
    if (entry.source === 'registry') keys.add(`${entry.name}@${entry.version}`);
  }
  return keys;
}

/** `package NUL spec` for every dependency package.json declares (the package an alias installs). */
export function declaredSpecs(text: string): Set<string> {
  const keys = new Set<string>();
  if (text.trim() === '') return keys;
  for (const dependency of parsePackageJson(text).value.dependencies) {
    keys.add(`${classifySpec(dependency.name, dependency.spec).packageName}\u0000${dependency.spec.trim()}`);
  }
  return keys;
}

/** The report restricted to changed packages, with counts to match. */
export function restrictToChanged(report: Report, changed: ChangedPackages): Report {
  const lockedNames = new Set([...changed.locked].map((key) => key.slice(0, key.lastIndexOf('@') > 0 ? key.lastIndexOf('@') : key.length)));
  const keep = (f: { package: string; version?: string | undefined }): boolean =>
    f.package === '' ||
    changed.declared.has(f.package) ||
    (f.version !== undefined ? changed.locked.has(`${f.package}@${f.version}`) : lockedNames.has(f.package));
  const findings = report.findings.filter(keep);
  const suppressed = report.suppressed.filter(keep);
  const errors = report.errors.filter((e) => keep({ package: e.package }));
  const packages = changed.locked.size + [...changed.declared].filter((name) => !lockedNames.has(name)).length;
  const omitted = report.findings.length - findings.length;
  return {
    ...report,
    findings,
    suppressed,
    errors,
    summary: { ...report.summary, bySeverity: countBySeverity(findings), suppressed: suppressed.length },
    changedSince: { ref: changed.ref, commit: changed.commit, packages, omitted },
  };
}
