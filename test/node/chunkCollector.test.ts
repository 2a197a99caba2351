/**
 * chunkCollector.ts: a minor collection every CHUNK_BYTES_PER_COLLECTION of body read, with V8's `gc`
 * taken without leaving it exposed. Collections are observed as V8 reports them (perf_hooks `gc`
 * entries flagged as forced), so a collector that does nothing fails here.
 */
import assert from 'node:assert/strict';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { CHUNK_BYTES_PER_COLLECTION, chunkCollector, findCollector, type Collect } from '../../server/src/node/chunkCollector';
import { httpGet } from '../../server/src/node/httpGet';
import { testServer } from './helpers';

const EVERY = CHUNK_BYTES_PER_COLLECTION;

/**
 * Resolves once `count` forced minor collections have been reported after the call. V8's reports come
 * through an unreferenced callback, so a deadline holds the event loop open meanwhile and turns a
 * collection that never comes into a failure instead of a hang.
 */
function forcedMinorCollections(count: number): { seen: Promise<number> } {
  let seen = 0;
  let observer: PerformanceObserver | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const done = new Promise<number>((resolve, reject) => {
    deadline = setTimeout(() => reject(new Error(`${seen} of ${count} forced minor collections reported in 10 s`)), 10_000);
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const detail = entry.detail as { kind: number; flags: number };
        if (detail.kind === constants.NODE_PERFORMANCE_GC_MINOR && (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) seen++;
      }
      if (seen >= count) resolve(seen);
    });
    observer.observe({ entryTypes: ['gc'] });
  });
  return {
    seen: done.finally(() => {
      clearTimeout(deadline);
      observer?.disconnect();
    }),
  };
}

const COUNTING: Array<{ reads: number[]; collections: number }> = [
  { reads: [], collections: 0 },
  { reads: [EVERY - 1], collections: 0 },
  { reads: [EVERY - 1, 1], collections: 1 },
  { reads: [EVERY], collections: 1 },
  { reads: [EVERY * 3], collections: 1 },
  { reads: [EVERY, EVERY - 1], collections: 1 },
  { reads: [EVERY, EVERY], collections: 2 },
  { reads: Array.from({ length: 256 }, () => 64 * 1024), collections: Math.floor((256 * 64 * 1024) / EVERY) },
];

test('a minor collection is asked for each time CHUNK_BYTES_PER_COLLECTION have been read since the last', () => {
  for (const { reads, collections } of COUNTING) {
    const asked: Array<{ type: string }> = [];
    let lookUps = 0;
    const note = chunkCollector(() => {
      lookUps++;
      return (options) => asked.push(options);
    });
    for (const bytes of reads) note(bytes);
    assert.equal(asked.length, collections, JSON.stringify(reads.slice(0, 3)));
    assert.ok(asked.every((options) => options.type === 'minor'), 'never a full collection');
    assert.equal(lookUps, collections > 0 ? 1 : 0, 'looked up once, and only when first needed');
  }
});

test('a collector that throws, or none at all, never makes a read fail and is not asked again', () => {
  let calls = 0;
  const throwing: Collect = () => {
    calls++;
    throw new TypeError('options not supported');
  };
  const note = chunkCollector(() => throwing, 10);
  for (let i = 0; i < 5; i++) note(10);
  assert.equal(calls, 1);
  const none = chunkCollector(() => null, 10);
  for (let i = 0; i < 5; i++) none(10);
});

test("V8's gc is found without --expose-gc, triggers a real minor collection, and stays hidden", async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'this test needs a process started without --expose-gc');
  const collect = findCollector();
  assert.equal(typeof collect, 'function');
  const observed = forcedMinorCollections(1);
  collect?.({ type: 'minor' });
  assert.equal(await observed.seen, 1);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'not exposed to this context');
  assert.equal(runInNewContext('typeof gc'), 'undefined', 'nor to contexts made later');
});

test('reading bodies over HTTP, plain and gzip, asks for collections as the bytes arrive', async (t) => {
  const plain = Buffer.alloc(3 * EVERY, 0x61);
  const zipped = gzipSync(plain);
  const server = await testServer(t, (req, res) => {
    const gzip = req.url === '/gzip';
    res.writeHead(200, gzip ? { 'content-encoding': 'gzip' } : {});
    res.end(gzip ? zipped : plain);
  });
  const options = { headers: {}, idleTimeoutMs: 5000, deadlineMs: 10_000, maxBytes: 10 * EVERY, maxRedirects: 0, signal: new AbortController().signal };
  for (const path of ['plain', 'gzip']) {
    // At least two of the three EVERYs read complete a period whatever an earlier read left counted.
    const observed = forcedMinorCollections(2);
    const result = await httpGet(new URL(`${server.url}${path}`), options);
    assert.equal(result.kind, 'ok', path);
    assert.ok((await observed.seen) >= 2, path);
  }
});
