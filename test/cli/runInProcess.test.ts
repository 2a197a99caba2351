/**
 * runCli in-process with a fake runtime: the progress line goes to stderr only when stderr is a terminal
 * (and is wiped before anything else is written), stdout carries only the report, and --changed-since
 * without a runtime able to run git fails clearly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { runCli, type CliIo } from '../../server/src/cli/run';
import type { CachingAdvisorySource, CachingRegistry, Runtime } from '../../server/src/node/runtime';

const CWD = resolve('/project');

function fakeRuntime(files: Record<string, string>): Runtime {
  const registry: CachingRegistry = {
    registryUrl: 'https://registry.example/',
    registrySource: 'test',
    stats: { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 },
    peek: () => undefined,
    getPackument: async (name) => ({ ok: false, error: { kind: 'network', message: `${name}: offline test` } }),
  };
  return {
    now: () => new Date('2024-01-01T00:00:00Z'),
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    registry: async () => registry,
    advisories: async () => ({}) as CachingAdvisorySource,
    log: () => undefined,
  };
}

async function run(argv: string[], io: Partial<CliIo> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, fakeRuntime({ [resolve(CWD, 'package.json')]: '{ "name": "empty" }' }), {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: CWD,
    ...io,
  });
  return { code, stdout, stderr };
}

test('progress on stderr only when it is a terminal, wiped before the report', async () => {
  const tty = await run(['check', '--no-advisories'], { progress: true });
  assert.equal(tty.code, 0);
  assert.match(tty.stderr, /^vigil: checking the dependencies of \.…\r\x1b\[K$/);
  assert.match(tty.stdout, /^vigil: no findings — 0 of 0 dependencies checked/);
  const piped = await run(['check', '--no-advisories']);
  assert.equal(piped.stderr, '');
  assert.equal(piped.stdout, tty.stdout);
});

test('--changed-since needs a runtime that can run git', async () => {
  const result = await run(['check', '--no-advisories', '--changed-since', 'main']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--changed-since needs git, which this runtime cannot run/);
  assert.equal(result.stdout, '');
});

test('vigil baseline needs a runtime that can write files', async () => {
  const result = await run(['baseline', '--no-advisories']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /cannot write files/);
});
