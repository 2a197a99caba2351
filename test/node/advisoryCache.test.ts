/**
 * The advisory client's disk cache (advisoryCache.ts): answers per (registry, name@version) outlive the
 * process for the freshness window, so a second run asks nothing; a missing endpoint is remembered the
 * same way; entries are per registry; a damaged file is discarded, never trusted.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ADVISORY_CACHE_FORMAT, AdvisoryDiskCache } from '../../server/src/node/advisoryCache';
import { AdvisoryClient, type AdvisoryClientOptions } from '../../server/src/node/advisoryClient';
import { bulkEndpoint, JS_YAML, json } from './advisoryEndpoint';
import { FakeClock, tempDir } from './helpers';

function client(t: TestContext, url: string, options: Partial<AdvisoryClientOptions>): AdvisoryClient {
  const made = new AdvisoryClient({ registryUrl: url, ...options });
  t.after(() => made.close());
  return made;
}

test('advisory disk cache: a new process within the window asks nothing; after it, asks again', async (t) => {
  const server = await bulkEndpoint(t, (q, _n, res) => json(res, Object.hasOwn(q, 'js-yaml') ? { 'js-yaml': [JS_YAML] } : {}));
  const cacheDir = await tempDir(t);
  const clock = new FakeClock('2024-05-01T12:00:00.000Z');
  const query = { 'js-yaml': ['3.13.0'], ms: ['2.1.1'] };
  const first = await client(t, server.url, { cacheDir, now: clock.now }).bulk(query);
  assert.deepEqual(first, { ok: true, advisories: { 'js-yaml': [JS_YAML] } });
  assert.equal(server.queries.length, 1);
  assert.deepEqual(await readdir(join(cacheDir, `advisories-v${ADVISORY_CACHE_FORMAT}`)).then((f) => f.length), 1);

  clock.advanceMinutes(10);
  const second = client(t, server.url, { cacheDir, now: clock.now });
  assert.deepEqual(await second.bulk(query), first, 'the same answer, from disk');
  assert.equal(server.queries.length, 1, 'no request within the window');
  assert.equal(second.stats.requests, 0);

  clock.advanceMinutes(10);
  assert.deepEqual(await client(t, server.url, { cacheDir, now: clock.now }).bulk(query), first);
  assert.equal(server.queries.length, 2, 'older than 15 minutes: asked again');
});

test('advisory disk cache: per registry, merged across processes, and only the versions asked', async (t) => {
  const a = await bulkEndpoint(t, (_q, _n, res) => json(res, {}));
  const b = await bulkEndpoint(t, (_q, _n, res) => json(res, {}));
  const cacheDir = await tempDir(t);
  await client(t, a.url, { cacheDir }).bulk({ x: ['1.0.0'] });
  await client(t, a.url, { cacheDir }).bulk({ y: ['1.0.0'] });
  await client(t, a.url, { cacheDir }).bulk({ x: ['1.0.0'], y: ['1.0.0'] });
  assert.deepEqual(a.queries, [{ x: ['1.0.0'] }, { y: ['1.0.0'] }], 'both answers kept, neither asked again');
  await client(t, a.url, { cacheDir }).bulk({ x: ['2.0.0'] });
  assert.deepEqual(a.queries.at(-1), { x: ['2.0.0'] }, 'another version is another question');
  await client(t, b.url, { cacheDir }).bulk({ x: ['1.0.0'] });
  assert.equal(b.queries.length, 1, 'another registry is asked for itself');
});

test('advisory disk cache: a missing endpoint is remembered across processes for the window', async (t) => {
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, { error: 'Not found' }, 404));
  const cacheDir = await tempDir(t);
  const first = await client(t, server.url, { cacheDir }).bulk({ x: ['1.0.0'] });
  assert.equal(first.ok ? undefined : first.error.kind, 'unsupported');
  const again = await client(t, server.url, { cacheDir }).bulk({ y: ['1.0.0'] });
  assert.deepEqual(again, first);
  assert.equal(server.requests.length, 1);
});

test('advisory disk cache: a damaged file is discarded and the registry asked; offline uses only fresh answers', async (t) => {
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, { 'js-yaml': [JS_YAML] }));
  const cacheDir = await tempDir(t);
  const logs: string[] = [];
  await client(t, server.url, { cacheDir }).bulk({ 'js-yaml': ['3.13.0'] });
  const file = new AdvisoryDiskCache(cacheDir, server.url).file;
  const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const damaged: Array<[string, unknown]> = [
    ['not JSON', '{"registry":'],
    ['another registry', { ...stored, registry: 'https://other.test/' }],
    ['answers not an object', { ...stored, answers: [] }],
    ['an index out of the table', { ...stored, answers: { 'js-yaml': { '3.13.0': [Date.now(), 7] } } }],
    ['a time that is not a number', { ...stored, answers: { 'js-yaml': { '3.13.0': ['today'] } } }],
  ];
  for (const [label, content] of damaged) {
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    const before = server.queries.length;
    const answer = await client(t, server.url, { cacheDir, log: (m) => logs.push(m) }).bulk({ 'js-yaml': ['3.13.0'] });
    assert.deepEqual(answer, { ok: true, advisories: { 'js-yaml': [JS_YAML] } }, label);
    assert.equal(server.queries.length, before + 1, `${label}: asked again`);
  }
  assert.ok(logs.some((m) => m.includes('damaged')));
  const offline = client(t, server.url, { cacheDir, offline: true });
  assert.deepEqual(await offline.bulk({ 'js-yaml': ['3.13.0'] }), { ok: true, advisories: { 'js-yaml': [JS_YAML] } }, 'offline: the disk answers');
  assert.equal((await offline.bulk({ other: ['1.0.0'] })).ok, false, 'offline: nothing else is known');
});

test('advisory disk cache: without a cache folder nothing is written', async (t) => {
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, {}));
  const cacheDir = await tempDir(t);
  await client(t, server.url, { cacheDir: null }).bulk({ x: ['1.0.0'] });
  await client(t, server.url, {}).bulk({ x: ['1.0.0'] });
  assert.deepEqual(await readdir(cacheDir), []);
  assert.equal(server.queries.length, 2);
});
