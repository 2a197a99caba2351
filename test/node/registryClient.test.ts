/** The registry client against a real loopback server: naming, summaries, sharing, limits, cancellation. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fixtureRegistry, jsonHandler, makeClient, packument, PACKUMENTS, testServer } from './helpers';

test('getPackument: asks for the full document at the escaped path and summarises it', async (t) => {
  const registry = await fixtureRegistry(t);
  const client = makeClient(t, registry.url);
  const table: Array<[string, string, string]> = [
    ['ms', '/ms', 'ms.json'],
    ['@babel/helper-annotate-as-pure', '/@babel%2fhelper-annotate-as-pure', '@babel__helper-annotate-as-pure.json'],
  ];
  for (const [name, path, file] of table) {
    const result = await client.getPackument(name);
    assert.ok(result.ok, name);
    const recorded = JSON.parse(await readFile(join(PACKUMENTS, file), 'utf8')) as { versions: object; 'dist-tags': object };
    assert.equal(result.summary.name, name);
    assert.deepEqual(Object.keys(result.summary.versions).sort(), Object.keys(recorded.versions).sort());
    assert.deepEqual(result.summary.distTags, recorded['dist-tags']);
    assert.ok(result.source?.fetchedAt);
    assert.equal(result.source.stale, undefined);
    const request = registry.requests.at(-1);
    assert.equal(request?.url, path);
    // Full documents: the abbreviated format lacks maintainers and per-version times.
    assert.equal(request?.headers.accept, 'application/json');
  }
  assert.equal(client.stats.requests, 2);
  assert.ok(client.stats.bytesRead > 10_000);
});

test('getPackument: invalid names are refused without a request', async (t) => {
  const server = await testServer(t, jsonHandler({}));
  const client = makeClient(t, server.url);
  for (const name of ['', '../admin', '@scope/../x', 'a/b', 'ms?write=true', 'x'.repeat(300)]) {
    const result = await client.getPackument(name);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.kind, 'invalid-name');
    assert.ok(!result.ok && result.error.message.length < 200, 'a hostile name is not echoed whole');
    assert.equal(client.peek(name)?.ok, false);
  }
  assert.equal(server.requests.length, 0);
});

test('getPackument: one request per name however many callers ask at once', async (t) => {
  const registry = await fixtureRegistry(t);
  const client = makeClient(t, registry.url);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.getPackument(i % 2 ? 'ms' : 'once')));
  assert.equal(registry.requests.length, 2);
  assert.ok(results.every((r) => r.ok));
  // Every caller shares the same summary object: nothing is parsed twice.
  assert.equal(new Set(results.filter((_, i) => i % 2).map((r) => r.ok && r.summary)).size, 1);
});

test('getPackument / peek: memory answers without I/O once a summary is known', async (t) => {
  const registry = await fixtureRegistry(t);
  const client = makeClient(t, registry.url);
  assert.equal(client.peek('ms'), undefined);
  const first = await client.getPackument('ms');
  const peeked = client.peek('ms');
  assert.ok(first.ok && peeked?.ok);
  assert.equal(peeked.summary, first.summary);
  const second = await client.getPackument('ms');
  assert.ok(second.ok);
  assert.equal(second.summary, first.summary);
  assert.deepEqual(
    { requests: client.stats.requests, memoryHits: client.stats.memoryHits, diskHits: client.stats.diskHits },
    { requests: 1, memoryHits: 1, diskHits: 0 },
  );
});

test('getPackument: a 404 is not-found, and remembered while fresh', async (t) => {
  const registry = await fixtureRegistry(t);
  const client = makeClient(t, registry.url);
  for (let i = 0; i < 2; i++) {
    const result = await client.getPackument('no-such-package');
    assert.ok(!result.ok);
    assert.equal(result.error.kind, 'not-found');
    assert.match(result.error.message, /no-such-package does not exist on http:\/\/127\.0\.0\.1:\d+\//);
  }
  assert.equal(registry.requests.length, 1);
  assert.equal(client.peek('no-such-package')?.ok, false);
});

test('memory: the LRU is bounded by versions held, and evicts the least recently used', async (t) => {
  const docs = { '/a': packument('a', ['1.0.0', '1.0.1', '1.0.2']), '/b': packument('b', ['1.0.0', '1.0.1']), '/c': packument('c', ['1.0.0']) };
  const server = await testServer(t, jsonHandler(docs));
  // Budget 7: a (weight 4) + b (3) fit; c (2) pushes out the least recently used.
  const client = makeClient(t, server.url, { memoryVersions: 7 });
  await client.getPackument('a');
  await client.getPackument('b');
  await client.getPackument('a'); // a is now the most recently used
  await client.getPackument('c');
  assert.equal(client.peek('b'), undefined);
  assert.equal(client.peek('a')?.ok, true);
  assert.equal(client.peek('c')?.ok, true);
  assert.equal(server.requests.length, 3);
});

/** A server that holds every response until the test releases it. */
async function gatedServer(t: TestContext) {
  const held: Array<{ name: string; res: ServerResponse }> = [];
  let open = 0;
  let maxOpen = 0;
  const server = await testServer(t, (req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    let counted = true;
    const done = (): void => {
      if (counted) open--;
      counted = false;
    };
    res.on('finish', done);
    res.on('close', done);
    held.push({ name: decodeURIComponent((req.url ?? '/').slice(1)), res });
  });
  const release = (i: number): void => {
    const entry = held[i];
    assert.ok(entry);
    entry.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument(entry.name)));
  };
  return { server, held, release, maxOpen: () => maxOpen };
}

test('getPackument: no more than `concurrency` requests in flight', async (t) => {
  const { server, release, maxOpen } = await gatedServer(t);
  const client = makeClient(t, server.url, { concurrency: 2 });
  const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const results = Promise.all(names.map((name) => client.getPackument(name)));
  await server.nthRequest(2);
  assert.deepEqual([client.stats.active, client.stats.queued], [2, 3]);
  // Release one at a time, each only once the next request has had its chance to arrive.
  for (let i = 0; i < names.length; i++) {
    await server.nthRequest(Math.min(i + 2, names.length));
    release(i);
  }
  assert.ok((await results).every((r) => r.ok));
  assert.equal(maxOpen(), 2);
  assert.equal(server.requests.length, 5);
});

// Long client timeouts, short test timeouts: only the abort itself can end these requests in time.
const ABORT_TEST = { timeout: 10_000 };
const PATIENT = { timeoutMs: 600_000 };

test('getPackument: an AbortSignal aborts the request and answers cancelled', ABORT_TEST, async (t) => {
  const { server } = await gatedServer(t);
  const client = makeClient(t, server.url, PATIENT);
  const controller = new AbortController();
  const pending = client.getPackument('slow', controller.signal);
  const req = await server.nthRequest(1);
  const closed = new Promise((resolve) => req.socket.once('close', resolve));
  controller.abort();
  const result = await pending;
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'cancelled');
  await closed; // the server saw the connection go away: the request was really aborted
  const early = await client.getPackument('other', AbortSignal.abort());
  assert.equal(!early.ok && early.error.kind, 'cancelled');
  assert.equal(server.requests.length, 1);
});

test('getPackument: one caller giving up does not cancel the lookup others wait for', async (t) => {
  const { server, release } = await gatedServer(t);
  const client = makeClient(t, server.url);
  const impatient = new AbortController();
  const first = client.getPackument('shared', impatient.signal);
  const second = client.getPackument('shared', new AbortController().signal);
  await server.nthRequest(1);
  impatient.abort();
  assert.equal((await first).ok, false);
  release(0);
  const result = await second;
  assert.ok(result.ok);
  assert.equal(result.summary.name, 'shared');
  assert.equal(server.requests.length, 1);
});

test('getPackument: when every caller gives up, the request is aborted and the next ask starts afresh', ABORT_TEST, async (t) => {
  const { server, release } = await gatedServer(t);
  const client = makeClient(t, server.url, PATIENT);
  const a = new AbortController();
  const b = new AbortController();
  const calls = [client.getPackument('pkg', a.signal), client.getPackument('pkg', b.signal)];
  const req = await server.nthRequest(1);
  const closed = new Promise((resolve) => req.socket.once('close', resolve));
  a.abort();
  b.abort();
  for (const call of calls) assert.equal(((await call) as { ok: boolean }).ok, false);
  await closed;
  const again = client.getPackument('pkg');
  await server.nthRequest(2);
  release(1);
  assert.ok((await again).ok);
});

test('getPackument: a caller queued behind the limit can cancel before it is sent', async (t) => {
  const { server, release } = await gatedServer(t);
  const client = makeClient(t, server.url, { concurrency: 1 });
  const running = client.getPackument('first');
  await server.nthRequest(1);
  const controller = new AbortController();
  const queued = client.getPackument('second', controller.signal);
  controller.abort();
  assert.equal(((await queued) as { ok: boolean }).ok, false);
  release(0);
  assert.ok((await running).ok);
  assert.equal(server.requests.length, 1);
});

test('getPackument: sequential lookups reuse one keep-alive connection, without piling up listeners', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): number => warnings.push(warning);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const server = await testServer(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument(decodeURIComponent((req.url ?? '/').slice(1)))));
  });
  let connections = 0;
  server.server.on('connection', () => connections++);
  const client = makeClient(t, server.url);
  for (let i = 0; i < 30; i++) assert.ok((await client.getPackument(`pkg-${i}`)).ok);
  await new Promise(setImmediate); // warnings are emitted on a later tick
  assert.equal(connections, 1);
  assert.deepEqual(warnings.map((w) => w.name), []);
});
