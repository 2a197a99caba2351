/** The client with its disk cache: freshness, revalidation, stale fallback, offline, damaged entries. */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { RegistryResult } from '../../server/src/core/registry/types';
import { CACHE_FORMAT, cacheKey, DiskCache } from '../../server/src/node/diskCache';
import type { RegistryClient } from '../../server/src/node/registryClient';
import { closeServer, FakeClock, fixtureRegistry, jsonHandler, makeClient, packument, tempDir, testServer } from './helpers';

const T0 = '2024-05-01T12:00:00.000Z';

interface Setup {
  url: string;
  cacheDir: string;
  clock: FakeClock;
  /** A new client, as a new process would make: empty memory, same disk cache and clock. */
  client(options?: { offline?: boolean }): RegistryClient;
}

async function setup(t: TestContext, url: string): Promise<Setup> {
  const cacheDir = await tempDir(t);
  const clock = new FakeClock(T0);
  return { url, cacheDir, clock, client: (o = {}) => makeClient(t, url, { cache: new DiskCache(cacheDir), now: clock.now, ...o }) };
}

function fetchedAt(result: RegistryResult): { fetchedAt?: string; stale?: boolean } | undefined {
  assert.ok(result.ok, JSON.stringify(result));
  return result.source;
}

test('disk cache: fresh → no request; stale → If-None-Match and 304 → refreshed; unreachable → stale, labelled', async (t) => {
  const registry = await fixtureRegistry(t);
  const s = await setup(t, registry.url);

  assert.deepEqual(fetchedAt(await s.client().getPackument('ms')), { fetchedAt: T0 });
  assert.equal(registry.requests.length, 1);
  assert.equal(registry.requests[0]?.headers['if-none-match'], undefined);

  s.clock.advanceMinutes(5);
  const warm = s.client();
  assert.deepEqual(fetchedAt(await warm.getPackument('ms')), { fetchedAt: T0 });
  assert.equal(registry.requests.length, 1, 'fresh entries are used without asking');
  assert.equal(warm.stats.diskHits, 1);

  s.clock.advanceMinutes(20);
  const revalidating = s.client();
  assert.deepEqual(fetchedAt(await revalidating.getPackument('ms')), { fetchedAt: '2024-05-01T12:25:00.000Z' });
  assert.equal(registry.requests.length, 2);
  assert.match(String(registry.requests[1]?.headers['if-none-match']), /^".+"$/);
  assert.equal(revalidating.stats.notModified, 1);
  const onDisk = JSON.parse(await readFile(new DiskCache(s.cacheDir).fileFor(cacheKey(`${registry.url}/`, 'ms')), 'utf8')) as { fetchedAt: string };
  assert.equal(onDisk.fetchedAt, '2024-05-01T12:25:00.000Z', '304 refreshes fetchedAt on disk');

  await registry.close();
  s.clock.advanceMinutes(60);
  const down = s.client();
  const result = await down.getPackument('ms');
  assert.deepEqual(fetchedAt(result), { fetchedAt: '2024-05-01T12:25:00.000Z', stale: true });
  assert.equal(down.stats.staleServed, 1);
  assert.equal(result.ok && Object.keys(result.summary.versions).length > 10, true);
});

test('disk cache: stale fallback covers every kind of registry failure except 404 and cancel', async (t) => {
  const failures: Array<[string, (res: import('node:http').ServerResponse) => void]> = [
    ['500', (res) => void res.writeHead(500).end()],
    ['503', (res) => void res.writeHead(503).end()],
    ['malformed', (res) => void res.writeHead(200).end('{not json')],
    ['reset', (res) => void res.socket?.destroy()],
  ];
  for (const [why, fail] of failures) {
    let healthy = true;
    const doc = packument('pkg');
    const server = await testServer(t, (req, res) => (healthy ? jsonHandler({ '/pkg': doc })(req, res) : fail(res)));
    const s = await setup(t, server.url);
    assert.ok((await s.client().getPackument('pkg')).ok);
    healthy = false;
    s.clock.advanceMinutes(30);
    assert.deepEqual(fetchedAt(await s.client().getPackument('pkg')), { fetchedAt: T0, stale: true }, why);
  }
});

test('disk cache: a 404 on revalidation deletes the entry (the package is gone)', async (t) => {
  let exists = true;
  const server = await testServer(t, (req, res) => jsonHandler(exists ? { '/pkg': packument('pkg') } : {})(req, res));
  const s = await setup(t, server.url);
  assert.ok((await s.client().getPackument('pkg')).ok);
  exists = false;
  s.clock.advanceMinutes(30);
  const gone = await s.client().getPackument('pkg');
  assert.equal(!gone.ok && gone.error.kind, 'not-found');
  assert.deepEqual(await readdir(new DiskCache(s.cacheDir).dir), []);
});

test('disk cache: Last-Modified is sent back as If-Modified-Since', async (t) => {
  const lastModified = 'Wed, 01 May 2024 10:00:00 GMT';
  const server = await testServer(t, (req, res) => {
    if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304).end();
    res.writeHead(200, { 'last-modified': lastModified }).end(JSON.stringify(packument('pkg')));
  });
  const s = await setup(t, server.url);
  assert.ok((await s.client().getPackument('pkg')).ok);
  s.clock.advanceMinutes(16);
  const client = s.client();
  assert.ok((await client.getPackument('pkg')).ok);
  assert.equal(client.stats.notModified, 1);
  assert.equal(server.requests[1]?.headers['if-none-match'], undefined);
});

test('offline: cache only; a missing entry is an offline error; old data is labelled stale', async (t) => {
  const registry = await fixtureRegistry(t);
  const s = await setup(t, registry.url);
  assert.ok((await s.client().getPackument('ms')).ok);
  const offline = s.client({ offline: true });
  assert.deepEqual(fetchedAt(await offline.getPackument('ms')), { fetchedAt: T0 });
  const missing = await offline.getPackument('once');
  assert.ok(!missing.ok);
  assert.equal(missing.error.kind, 'offline');
  assert.equal(missing.error.message, 'Offline, and once is not in the cache.');
  s.clock.advanceMinutes(24 * 60);
  assert.deepEqual(fetchedAt(await s.client({ offline: true }).getPackument('ms')), { fetchedAt: T0, stale: true });
  // Memory answers offline too, with the same label.
  assert.deepEqual(fetchedAt(await offline.getPackument('ms')), { fetchedAt: T0, stale: true });
  assert.equal(registry.requests.length, 1, 'offline never touches the network');
});

test('disk cache: a damaged entry is discarded and refetched, never a crash', async (t) => {
  const registry = await fixtureRegistry(t);
  const s = await setup(t, registry.url);
  assert.ok((await s.client().getPackument('ms')).ok);
  const file = new DiskCache(s.cacheDir).fileFor(cacheKey(`${registry.url}/`, 'ms'));
  await writeFile(file, '{"key": "trunc');
  const result = await s.client().getPackument('ms');
  assert.deepEqual(fetchedAt(result), { fetchedAt: T0 });
  assert.equal(registry.requests.length, 2);
  assert.equal(registry.requests[1]?.headers['if-none-match'], undefined, 'nothing to revalidate: a plain refetch');
  const rewritten = JSON.parse(await readFile(file, 'utf8')) as { summary: { name: string } };
  assert.equal(rewritten.summary.name, 'ms');
});

test('memory only (no disk cache): a stale memory entry is revalidated with its ETag', async (t) => {
  const registry = await fixtureRegistry(t);
  const clock = new FakeClock(T0);
  const client = makeClient(t, registry.url, { now: clock.now });
  const first = await client.getPackument('ms');
  clock.advanceMinutes(16);
  const peeked = client.peek('ms');
  assert.equal(peeked?.ok && peeked.source?.stale, true, 'peek labels old memory as stale');
  const second = await client.getPackument('ms');
  assert.ok(first.ok && second.ok);
  assert.equal(second.summary, first.summary, 'a 304 keeps the summary already held');
  assert.deepEqual(second.source, { fetchedAt: '2024-05-01T12:16:00.000Z' });
  assert.equal(client.stats.notModified, 1);
});

test('disk cache: entries are per registry', async (t) => {
  const a = await testServer(t, jsonHandler({ '/pkg': packument('pkg', ['1.0.0']) }));
  const b = await testServer(t, jsonHandler({ '/pkg': packument('pkg', ['2.0.0']) }));
  const cacheDir = await tempDir(t);
  const fromA = await makeClient(t, a.url, { cache: new DiskCache(cacheDir) }).getPackument('pkg');
  const fromB = await makeClient(t, b.url, { cache: new DiskCache(cacheDir) }).getPackument('pkg');
  assert.ok(fromA.ok && fromB.ok);
  assert.deepEqual(Object.keys(fromB.summary.versions), ['2.0.0']);
  assert.equal((await readdir(join(cacheDir, `summaries-v${CACHE_FORMAT}`))).length, 2);
  await closeServer(a.server);
});

test('disk cache: a cached validator that cannot be sent is dropped, and the package refetched', async (t) => {
  const registry = await fixtureRegistry(t);
  const s = await setup(t, registry.url);
  assert.ok((await s.client().getPackument('ms')).ok);
  const file = new DiskCache(s.cacheDir).fileFor(cacheKey(`${registry.url}/`, 'ms'));
  const entry = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...entry, etag: '"x"\r\nX-Injected: 1', lastModified: 'ü' }));
  s.clock.advanceMinutes(30);
  const client = s.client();
  assert.deepEqual(fetchedAt(await client.getPackument('ms')), { fetchedAt: '2024-05-01T12:30:00.000Z' });
  const request = registry.requests[1];
  assert.deepEqual([request?.headers['if-none-match'], request?.headers['if-modified-since'], request?.headers['x-injected']], [undefined, undefined, undefined]);
});
