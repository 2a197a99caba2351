/**
 * The public registry the runtime gives analyze() for registry-shadowing: by default npm's default
 * registry, compared only with packages of scopes routed elsewhere; an explicit URL compares everything
 * not from it; null or an unusable URL turns the check off. Two loopback registries stand in for the
 * public and the private one.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { nodeRuntime, type NodeRuntime, type RegistrySettings } from '../../server/src/node/runtime';
import { fixtureRegistry, tempDir, writeTree } from './helpers';

async function sandbox(t: TestContext): Promise<{ root: string; runtime: NodeRuntime }> {
  const root = await tempDir(t);
  await writeTree(root, { 'home/.keep': '', 'project/package.json': '{}' });
  const runtime = nodeRuntime({
    log: () => undefined,
    env: { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), XDG_CACHE_HOME: join(root, 'xdg'), PATH: '' },
    npm: { npmPath: join(root, 'npm') },
  });
  t.after(() => runtime.dispose());
  return { root, runtime };
}

test('publicRegistry: by default the default registry, compared only with packages of scopes routed elsewhere', async (t) => {
  const publicOne = await fixtureRegistry(t);
  const privateOne = await fixtureRegistry(t);
  const { root, runtime } = await sandbox(t);
  await writeFile(join(root, 'project/.npmrc'), `registry=${publicOne.url}\n@corp:registry=${privateOne.url}\n`);
  const registry = await runtime.registry({ projectDir: join(root, 'project'), cacheDir: null });
  const comparison = registry.publicRegistry;
  assert.ok(comparison);
  assert.equal(comparison.url, `${publicOne.url}/`);
  assert.deepEqual(
    ['@corp/ui', '@other/x', 'ms'].map((name) => comparison.privateSourceOf(name)),
    [`${privateOne.url}/`, undefined, undefined],
  );
  assert.ok((await comparison.getPackument('ms')).ok);
  assert.deepEqual([publicOne.requests.map((r) => r.url), privateOne.requests.length], [['/ms'], 0]);
  assert.equal(comparison.peek('ms')?.ok, true);
});

test('publicRegistry: an explicit URL compares every package not installed from it; null or an unusable URL: none', async (t) => {
  const publicOne = await fixtureRegistry(t);
  const corporate = await fixtureRegistry(t);
  const { root, runtime } = await sandbox(t);
  const base: RegistrySettings = { projectDir: join(root, 'project'), registryUrl: corporate.url, cacheDir: null };
  const explicit = (await runtime.registry({ ...base, publicRegistryUrl: publicOne.url })).publicRegistry;
  assert.equal(explicit?.url, `${publicOne.url}/`);
  assert.equal(explicit?.privateSourceOf('ms'), `${corporate.url}/`);
  assert.ok((await explicit?.getPackument('ms'))?.ok);
  assert.deepEqual([publicOne.requests.length, corporate.requests.length], [1, 0]);
  assert.equal((await runtime.registry({ ...base, publicRegistryUrl: null })).publicRegistry, undefined);
  assert.equal((await runtime.registry({ ...base, publicRegistryUrl: 'ftp://nope/' })).publicRegistry, undefined);
  const same = (await runtime.registry({ ...base, publicRegistryUrl: `${corporate.url}/` })).publicRegistry;
  assert.equal(same?.privateSourceOf('ms'), undefined, 'the registry packages come from is never compared with itself');
});
