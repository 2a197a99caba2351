/** Spawns the bundled CLI (dist/cli.js) the way a user runs it, and starts loopback fixture registries. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface FixtureRegistry {
  url: string;
  close(): Promise<void>;
  requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body?: Record<string, string[]> }>;
}

/** `advisories`: files the registry's bulk advisory endpoint answers from; none: that endpoint is a 404. */
export async function startFixtureRegistry(dirs: string[], advisories: string[] = []): Promise<FixtureRegistry> {
  const module = (await import(pathToFileURL(join(ROOT, 'scripts', 'fixture-registry.mjs')).href)) as {
    startFixtureRegistry(options: { dirs: string[]; advisories: string[] }): Promise<FixtureRegistry>;
  };
  return module.startFixtureRegistry({ dirs, advisories });
}
