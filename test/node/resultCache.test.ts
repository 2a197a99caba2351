/**
 * ResultCache on its own: a record is given back only for its key, before its instant, with the registry
 * data folders untouched and the routing unchanged; it is not stored when the folders changed during the
 * analysis; a damaged record is ignored; old records are cleared away.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisResult } from '../../server/src/core/analyze';
import { RESULT_FOLDER, ResultCache, resultKey, type ResultId, type Routes, type RoutingNow } from '../../server/src/node/resultCache';
import { tempDir } from './helpers';

const NOW = Date.parse('2026-11-22T08:00:00Z');
const RESULT: AnalysisResult = { asOf: new Date(NOW).toISOString(), findings: [], errors: [], dependencies: [], notes: [], suppressed: [] };
const ROUTES: Routes = { registry: [['ms', 'https://registry.example/'], ['@corp/ui', 'https://npm.corp.example/']], privateSource: [['@corp/ui', 'https://npm.corp.example/']] };
const ROUTING: RoutingNow = {
  registryUrlFor: (name) => (name.startsWith('@corp/') ? 'https://npm.corp.example/' : 'https://registry.example/'),
  privateSourceOf: (name) => (name.startsWith('@corp/') ? 'https://npm.corp.example/' : undefined),
};

/** What is analysed (`slot`) and with which inputs (`key`). */
function id(slot: string, inputs: unknown = slot): ResultId {
  return { slot: resultKey(['slot', slot]), key: resultKey(['inputs', inputs]) };
}

async function stored(t: TestContext): Promise<{ cache: ResultCache; root: string; key: ResultId }> {
  const root = await tempDir(t, 'vigil-resultcache-');
  await mkdir(join(root, 'summaries-v2'));
  const cache = new ResultCache(root);
  const key = id('project', { files: ['package.json'] });
  cache.write(key, RESULT, { until: NOW + 60_000, changesAt: NOW + 90_000 }, ROUTES, cache.folders(), NOW);
  return { cache, root, key };
}

test('a record is given back for its inputs, before its instant', async (t) => {
  const { cache, key } = await stored(t);
  assert.deepEqual(cache.read(key, NOW, ROUTING), { result: RESULT, changesAt: NOW + 90_000 });
  assert.deepEqual(cache.read(key, NOW + 59_999, ROUTING)?.result, RESULT);
  assert.equal(cache.read(key, NOW + 60_000, ROUTING), undefined, 'at its instant');
  assert.equal(cache.read(key, NOW - 1, ROUTING), undefined, 'before the instant it was computed for (a clock set back)');
  assert.equal(cache.read(id('project', { files: ['other'] }), NOW, ROUTING), undefined, 'other inputs');
  assert.equal(cache.read(id('other project', { files: ['package.json'] }), NOW, ROUTING), undefined, 'another project');
  assert.notEqual(resultKey({ a: 1 }), resultKey({ a: 2 }));
});

test('a project keeps one record, the newest', async (t) => {
  const { cache, root, key } = await stored(t);
  const edited = id('project', { files: ['package.json', 'edited'] });
  cache.write(edited, RESULT, { until: NOW + 60_000, changesAt: NOW + 90_000 }, ROUTES, cache.folders(), NOW);
  assert.equal((await readdir(join(root, RESULT_FOLDER))).length, 1);
  assert.equal(cache.read(key, NOW, ROUTING), undefined);
  assert.deepEqual(cache.read(edited, NOW, ROUTING)?.result, RESULT);
});

test('not given back once the registry data folders or the routing changed', async (t) => {
  const changes: Array<[string, (root: string) => Promise<unknown>, RoutingNow?]> = [
    ['an entry written', (root) => writeFile(join(root, 'summaries-v2', 'x.json'), '{}')],
    ['a folder of another kind appears', (root) => mkdir(join(root, 'missing-v1'))],
    ['a scope routed elsewhere', async () => undefined, { ...ROUTING, registryUrlFor: (name) => (name === '@corp/ui' ? 'https://other.example/' : ROUTING.registryUrlFor(name)) }],
    ['a private source no longer private', async () => undefined, { ...ROUTING, privateSourceOf: () => undefined }],
  ];
  for (const [name, change, routing] of changes) {
    const { cache, root, key } = await stored(t);
    await change(root);
    assert.equal(cache.read(key, NOW, routing ?? ROUTING), undefined, name);
  }
  // Its own folder and files beside the data folders are not registry data.
  const { cache, root, key } = await stored(t);
  await writeFile(join(root, 'notes.txt'), 'x');
  await writeFile(join(root, RESULT_FOLDER, 'other.json'), 'x');
  assert.deepEqual(cache.read(key, NOW, ROUTING)?.result, RESULT);
});

test('not stored when the folders changed while analysing, or with nothing left of its time', async (t) => {
  const root = await tempDir(t, 'vigil-resultcache-');
  await mkdir(join(root, 'summaries-v2'));
  const cache = new ResultCache(root);
  const key = id('k');
  const before = cache.folders();
  await writeFile(join(root, 'summaries-v2', 'fetched.json'), '{}');
  cache.write(key, RESULT, { until: NOW + 60_000, changesAt: NOW + 60_000 }, ROUTES, before, NOW);
  cache.write(key, RESULT, { until: NOW, changesAt: NOW }, ROUTES, cache.folders(), NOW);
  assert.deepEqual(await readdir(root).then((names) => names.includes(RESULT_FOLDER)), false);
});

test('a damaged or foreign record is ignored', async (t) => {
  const texts = ['', '{"format":1,', 'null', '[]', '{"format":1,"key":"k"}', JSON.stringify({ format: 99 })];
  for (const text of texts) {
    const { cache, root, key } = await stored(t);
    await writeFile(join(root, RESULT_FOLDER, `${key.slot}.json`), text);
    assert.equal(cache.read(key, NOW, ROUTING), undefined, JSON.stringify(text));
  }
});

test('records of other projects an hour older than the one written are removed, by the file system clock', async (t) => {
  const { cache, root, key } = await stored(t);
  // NOW is the analysis clock, not the machine's: ages are judged against the new file's own time.
  const fileNow = Date.now();
  const old = join(root, RESULT_FOLDER, 'old.json');
  await writeFile(old, '{}');
  await utimes(old, new Date(fileNow - 61 * 60_000), new Date(fileNow - 61 * 60_000));
  const recent = join(root, RESULT_FOLDER, 'recent.json');
  await writeFile(recent, '{}');
  await utimes(recent, new Date(fileNow - 50 * 60_000), new Date(fileNow - 50 * 60_000));
  const another = id('another');
  cache.write(another, RESULT, { until: NOW + 60_000, changesAt: Number.POSITIVE_INFINITY }, ROUTES, cache.folders(), NOW);
  assert.deepEqual((await readdir(join(root, RESULT_FOLDER))).sort(), [`${key.slot}.json`, `${another.slot}.json`, 'recent.json'].sort());
  assert.equal(cache.read(another, NOW, ROUTING)?.changesAt, Number.POSITIVE_INFINITY, 'a result time never changes');
  await rm(recent);
});
