/**
 * Runs git for `vigil check --changed-since`: execFile (no shell), arguments as given, never a prompt
 * for credentials, bounded in time and output. Failures are values: `missing` when git itself cannot be
 * started, otherwise git's exit code and the first line of its stderr (git names refs and paths there,
 * never file contents).
 */
import { execFile } from 'node:child_process';

export type GitResult = { ok: true; stdout: string } | { ok: false; missing: boolean; code: number | null; stderr: string };

/** Lockfiles of large monorepos run to tens of megabytes. */
const MAX_OUTPUT = 512 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

export function runGit(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...args],
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: MAX_OUTPUT,
        timeout: TIMEOUT_MS,
        windowsHide: true,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout });
        const code = (error as NodeJS.ErrnoException).code;
        const firstLine = String(stderr ?? '').trim().split('\n')[0]?.slice(0, 300) ?? '';
        resolve({ ok: false, missing: code === 'ENOENT', code: typeof code === 'number' ? code : null, stderr: firstLine });
      },
    );
  });
}
