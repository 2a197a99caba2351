import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CACHE_FORMAT } from '../../server/src/node/diskCache';
import { nodeRuntime, type NodeRuntime, type NodeRuntimeOptions } from '../../server/src/node/runtime';
import { fixtureRegistry, tempDir, writeTree } from './helpers';

/** A runtime that sees only the temp folder's npm config and caches into it. */
async function sandbox(t: TestContext, options: NodeRuntimeOptions = {}): Promise<{ root: string; runtime: NodeRuntime; logs: string[] }> {
  const root = await tempDir(t);
  await writeTree(root, { 'home/.keep': '', 'a/package.json': '{}', 'b/package.json': '{}' });
  const logs: string[] = [];
  const runtime = nodeRuntime({
    log: (m) => logs.push(m),
    env: { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), XDG_CACHE_HOME: join(root, 'xdg'), PATH: '' },
    npm: { npmPath: join(root, 'npm') },
    ...options,
  });
  t.after(() => runtime.dispose());
  return { root, runtime, logs };
}

test('nodeRuntime: now, readFile, log', async (t) => {
  const { root, runtime, logs } = await sandbox(t);
  const before = Date.now();
  const now = runtime.now().getTime();
  assert.ok(now >= before && now <= Date.now());
  await writeFile(join(root, 'x.json'), '{"ü": 1}');
  assert.equal(await runtime.readFile(join(root, 'x.json')), '{"ü": 1}');
  await assert.rejects(runtime.readFile(join(root, 'missing.json')), { code: 'ENOENT' });
  runtime.log('hello');
  assert.deepEqual(logs, ['hello']);
});

test('registry(): the URL comes from npm config for the project when none is given', async (t) => {
  const fixture = await fixtureRegistry(t);
  const { root, runtime } = await sandbox(t);
  await writeFile(join(root, 'a/.npmrc'), `registry=${fixture.url}\n`);
  const table: Array<[string, string, string]> = [
    ['a', `${fixture.url}/`, join(root, 'a/.npmrc')],
    ['b', 'https://registry.npmjs.org/', 'npm default'],
  ];
  for (const [dir, url, source] of table) {
    const registry = await runtime.registry({ projectDir: join(root, dir), cacheDir: null });
    assert.deepEqual([registry.registryUrl, registry.registrySource], [url, source], dir);
  }
  const registry = await runtime.registry({ projectDir: join(root, 'a'), cacheDir: null });
  const result = await registry.getPackument('ms');
  assert.ok(result.ok);
  assert.equal(fixture.requests.length, 1);
});

test('registry(): an explicit URL wins, is normalized, and names its source', async (t) => {
  const { root, runtime } = await sandbox(t);
  await writeFile(join(root, 'a/.npmrc'), 'registry=https://npmrc.test/\n');
  const table: Array<[string | undefined, string, string]> = [
    [undefined, 'https://explicit.test/npm/', 'configured registry URL'],
    ['--registry', 'https://explicit.test/npm/', '--registry'],
  ];
  for (const [registrySource, url, source] of table) {
    const registry = await runtime.registry({
      projectDir: join(root, 'a'),
      registryUrl: 'https://user:tok@explicit.test/npm',
      cacheDir: null,
      ...(registrySource && { registrySource }),
    });
    assert.deepEqual([registry.registryUrl, registry.registrySource], [url, source]);
  }
});

test('registry(): an unusable explicit URL fails closed, as values, without asking anyone', async (t) => {
  const { runtime } = await sandbox(t);
  const registry = await runtime.registry({ projectDir: '/', registryUrl: 'ftp://files.test/', registrySource: 'vigil.registry' });
  assert.equal(registry.registryUrl, '');
  assert.equal(registry.registrySource, 'vigil.registry (not a valid http(s) URL)');
  const result = await registry.getPackument('ms');
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'network');
  assert.match(result.error.message, /vigil\.registry is not an http\(s\) URL/);
  assert.ok(!result.error.message.includes('files.test'));
});

test('registry(): equal settings share a client; projects on the same registry share memory', async (t) => {
  const fixture = await fixtureRegistry(t);
  const { root, runtime } = await sandbox(t);
  await writeFile(join(root, 'a/.npmrc'), `registry=${fixture.url}\n`);
  await writeFile(join(root, 'b/.npmrc'), `registry=${fixture.url}/\n`);
  const settingsA = { projectDir: join(root, 'a'), cacheDir: null };
  const first = await runtime.registry(settingsA);
  assert.equal(await runtime.registry({ ...settingsA }), first);
  const b = await runtime.registry({ projectDir: join(root, 'b'), cacheDir: null });
  assert.notEqual(b, first);
  assert.equal(b.registrySource, join(root, 'b/.npmrc'));
  assert.ok((await first.getPackument('ms')).ok);
  assert.equal(b.peek('ms')?.ok, true, "b sees a's summary: one memory cache per registry");
  const offline = await runtime.registry({ ...settingsA, offline: true });
  assert.equal(offline.peek('ms'), undefined, 'offline is a different client');
  assert.equal(fixture.requests.length, 1);
});

test('registry(): cacheDir null → memory only; undefined → the default folder; a path → that folder', async (t) => {
  const fixture = await fixtureRegistry(t);
  const { root, runtime } = await sandbox(t);
  const table: Array<[string | null | undefined, string | undefined]> = [
    [null, undefined],
    [undefined, join(root, 'xdg', 'vigil')],
    [join(root, 'custom'), join(root, 'custom')],
  ];
  for (const [cacheDir, expected] of table) {
    const registry = await runtime.registry({ projectDir: root, registryUrl: fixture.url, ...(cacheDir !== undefined && { cacheDir }) });
    assert.ok((await registry.getPackument('ms')).ok);
    if (expected) assert.equal((await readdir(join(expected, `summaries-v${CACHE_FORMAT}`))).length, 1, String(cacheDir));
  }
  assert.deepEqual((await readdir(root)).sort(), ['a', 'b', 'custom', 'home', 'xdg']);
});

test('reloadNpmConfig(): an edited .npmrc is read again', async (t) => {
  const { root, runtime } = await sandbox(t);
  const settings = { projectDir: join(root, 'a'), cacheDir: null };
  await writeFile(join(root, 'a/.npmrc'), 'registry=https://one.test/\n');
  assert.equal((await runtime.registry(settings)).registryUrl, 'https://one.test/');
  await writeFile(join(root, 'a/.npmrc'), 'registry=https://two.test/\n');
  assert.equal((await runtime.registry(settings)).registryUrl, 'https://one.test/', 'memoized until told');
  runtime.reloadNpmConfig();
  assert.equal((await runtime.registry(settings)).registryUrl, 'https://two.test/');
});

test('registry(): client tuning reaches the client', async (t) => {
  const fixture = await fixtureRegistry(t);
  const { runtime } = await sandbox(t, { client: { maxBytes: 10 } });
  const registry = await runtime.registry({ projectDir: '/', registryUrl: fixture.url, cacheDir: null });
  const result = await registry.getPackument('ms');
  assert.equal(!result.ok && result.error.kind, 'too-large');
});
