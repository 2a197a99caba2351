/**
 * The registry's 404s on disk (missingCache.ts): a new process within the freshness window does not ask
 * again about a name that does not exist; after it, or once the name exists, the registry decides again.
 */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { DiskCache } from '../../server/src/node/diskCache';
import { MissingNamesCache } from '../../server/src/node/missingCache';
import { FakeClock, makeClient, packument, tempDir, testServer } from './helpers';

test('missing names: a 404 is remembered on disk for the window, and forgotten once the name exists', async (t) => {
  let exists = false;
  const server = await testServer(t, (req, res) => {
    if (exists && req.url === '/pkg') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument('pkg')));
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  const cacheDir = await tempDir(t);
  const clock = new FakeClock('2024-05-01T12:00:00.000Z');
  const client = () => makeClient(t, server.url, { cache: new DiskCache(cacheDir), now: clock.now });

  const first = await client().getPackument('pkg');
  assert.equal(!first.ok && first.error.kind, 'not-found');
  assert.equal(server.requests.length, 1);
  assert.deepEqual(await readdir(new DiskCache(cacheDir).dir).catch(() => []), [], 'no summary claims it exists');

  clock.advanceMinutes(10);
  const again = client();
  const second = await again.getPackument('pkg');
  assert.deepEqual(second, first, 'the same answer, from disk');
  assert.equal(server.requests.length, 1, 'not asked within the window');
  assert.equal(again.stats.diskHits, 1);
  const offline = await makeClient(t, server.url, { cache: new DiskCache(cacheDir), now: clock.now, offline: true }).getPackument('pkg');
  assert.equal(!offline.ok && offline.error.kind, 'not-found', 'offline: the registry said so');

  clock.advanceMinutes(10);
  exists = true;
  assert.ok((await client().getPackument('pkg')).ok, 'after the window the registry is asked, and the name exists now');
  assert.equal(server.requests.length, 2);
  assert.ok((await client().getPackument('pkg')).ok);
  assert.equal(server.requests.length, 2, 'its summary is fresh; the 404 is forgotten');
  assert.equal(new MissingNamesCache(cacheDir, server.url).checkedAt('pkg'), undefined);
});

test('missing names: per registry; a damaged file is discarded', async (t) => {
  const a = await testServer(t, (_req, res) => void res.writeHead(404).end());
  const b = await testServer(t, (_req, res) => void res.writeHead(404).end());
  const cacheDir = await tempDir(t);
  const logs: string[] = [];
  const client = (url: string) => makeClient(t, url, { cache: new DiskCache(cacheDir), log: (m) => logs.push(m) });
  await client(a.url).getPackument('x');
  await client(b.url).getPackument('x');
  assert.deepEqual([a.requests.length, b.requests.length], [1, 1]);
  await client(a.url).getPackument('x');
  assert.equal(a.requests.length, 1);
  await writeFile(new MissingNamesCache(cacheDir, a.url).file, '{"registry": 1');
  await client(a.url).getPackument('x');
  assert.equal(a.requests.length, 2, 'a damaged file remembers nothing');
  assert.ok(logs.some((m) => m.includes('damaged')));
});
