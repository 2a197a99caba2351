/**
 * readCollector.ts: a minor collection every CHUNK_BYTES_PER_COLLECTION read, a full one when a body
 * passes LONG_BODY_BYTES (at most one per READ_BYTES_PER_FULL_COLLECTION read), with V8's `gc` taken
 * without leaving it exposed. The counting is table-driven with a recording collector; the real thing
 * is observed as V8 reports it (perf_hooks `gc` entries flagged as forced), so a collector that does
 * nothing fails here.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import {
  CHUNK_BYTES_PER_COLLECTION,
  findCollector,
  LONG_BODY_BYTES,
  READ_BYTES_PER_FULL_COLLECTION,
  ReadCollector,
  type Collect,
} from '../../server/src/node/readCollector';
import { httpGet } from '../../server/src/node/httpGet';
import { testServer } from './helpers';

const EVERY = CHUNK_BYTES_PER_COLLECTION;

/**
 * Resolves once `count` forced collections of `kind` have been reported after the call. V8's reports
 * are queued for a later turn of the event loop without holding it open, and an idle loop may not turn
 * for seconds: the loop is kept turning (setImmediate) until they arrive, and a deadline turns a
 * collection that never comes into a failure instead of a hang.
 */
function forcedCollections(kind: number, count: number): { seen: Promise<number> } {
  let seen = 0;
  let observer: PerformanceObserver | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let settled = false;
  const turn = (): void => {
    if (!settled) setImmediate(turn);
  };
  turn();
  const done = new Promise<number>((resolve, reject) => {
    deadline = setTimeout(() => reject(new Error(`${seen} of ${count} forced collections of kind ${kind} reported in 20 s`)), 20_000);
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const detail = entry.detail as { kind: number; flags: number };
        if (detail.kind === kind && (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) seen++;
      }
      if (seen >= count) resolve(seen);
    });
    observer.observe({ entryTypes: ['gc'] });
  });
  return {
    seen: done.finally(() => {
      settled = true;
      clearTimeout(deadline);
      observer?.disconnect();
    }),
  };
}

/** Small limits, so the table reads in units: a minor every 4, a long body at 8, a full per 20 read. */
const LIMITS = { chunkBytesPerCollection: 4, longBodyBytes: 8, readBytesPerFullCollection: 20 };

type Step = { chunk: number } | { body: [number, number] };

const COUNTING: Array<{ name: string; steps: Step[]; asked: string[] }> = [
  { name: 'nothing read', steps: [], asked: [] },
  { name: 'short of a period', steps: [{ chunk: 3 }], asked: [] },
  { name: 'a period in two chunks', steps: [{ chunk: 3 }, { chunk: 1 }], asked: ['minor'] },
  { name: 'one chunk of three periods counts once', steps: [{ chunk: 12 }], asked: ['minor'] },
  { name: 'two periods', steps: [{ chunk: 4 }, { chunk: 4 }], asked: ['minor', 'minor'] },
  { name: 'a long body before enough was read', steps: [{ chunk: 3 }, { body: [7, 9] }], asked: [] },
  { name: 'a long body once enough was read', steps: [{ chunk: 3 }, { chunk: 17 }, { body: [7, 9] }], asked: ['minor', 'full'] },
  { name: 'a body still growing past the mark', steps: [{ chunk: 20 }, { body: [9, 12] }], asked: ['minor'] },
  { name: 'a body reaching the mark exactly', steps: [{ chunk: 20 }, { body: [0, 8] }], asked: ['minor', 'full'] },
  {
    name: 'a second long body too soon after the first',
    steps: [{ chunk: 20 }, { body: [7, 9] }, { chunk: 3 }, { body: [7, 9] }],
    asked: ['minor', 'full'],
  },
  {
    name: 'a second long body once enough was read again',
    steps: [{ chunk: 20 }, { body: [7, 9] }, { chunk: 20 }, { body: [7, 9] }],
    asked: ['minor', 'full', 'minor', 'full'],
  },
  { name: 'a full collection restarts the minor count', steps: [{ chunk: 3 }, { chunk: 17 }, { body: [7, 9] }, { chunk: 3 }], asked: ['minor', 'full'] },
];

test('collections are asked for as bytes are read and bodies grow long (table)', () => {
  for (const { name, steps, asked } of COUNTING) {
    const seen: string[] = [];
    let lookUps = 0;
    const collector = new ReadCollector(() => {
      lookUps++;
      return (options) => seen.push(options?.type ?? 'full');
    }, LIMITS);
    for (const step of steps) {
      if ('chunk' in step) collector.chunk(step.chunk);
      else collector.bodyGrew(...step.body);
    }
    assert.deepEqual(seen, asked, name);
    assert.equal(lookUps, asked.length > 0 ? 1 : 0, `${name}: looked up once, and only when first needed`);
  }
});

test('the limits in use: a minor every 4 MB, a full one at 8 MB into a body, at most once per 64 MB read', () => {
  assert.equal(CHUNK_BYTES_PER_COLLECTION, 4 * 1024 * 1024);
  assert.equal(LONG_BODY_BYTES, 8 * 1024 * 1024);
  assert.equal(READ_BYTES_PER_FULL_COLLECTION, 64 * 1024 * 1024);
});

test('a collector that throws, or none at all, never makes a read fail and is not asked again', () => {
  let calls = 0;
  const throwing: Collect = () => {
    calls++;
    throw new TypeError('options not supported');
  };
  const collector = new ReadCollector(() => throwing, LIMITS);
  for (let i = 0; i < 5; i++) collector.chunk(20);
  collector.bodyGrew(0, 10);
  assert.equal(calls, 1);
  const none = new ReadCollector(() => null, LIMITS);
  for (let i = 0; i < 5; i++) none.chunk(20);
  none.bodyGrew(0, 10);
});

test("V8's gc is found without --expose-gc, triggers real minor and full collections, and stays hidden", async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'this test needs a process started without --expose-gc');
  const collect = findCollector();
  assert.equal(typeof collect, 'function');
  const minor = forcedCollections(constants.NODE_PERFORMANCE_GC_MINOR, 1);
  collect?.({ type: 'minor' });
  assert.equal(await minor.seen, 1);
  const full = forcedCollections(constants.NODE_PERFORMANCE_GC_MAJOR, 1);
  collect?.();
  assert.equal(await full.seen, 1);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'not exposed to this context');
  assert.equal(runInNewContext('typeof gc'), 'undefined', 'nor to contexts made later');
});

const MB = 1024 * 1024;

/** Writes `bytes` of filler in 1 MB pieces, waiting for the socket to drain: never the whole body at once. */
function stream(res: ServerResponse, bytes: number): void {
  const piece = Buffer.alloc(MB, 0x61);
  let left = bytes;
  const more = (): void => {
    while (left > 0) {
      left -= piece.length;
      const end = left <= 0;
      if (end) return void res.end(piece);
      if (!res.write(piece)) return void res.once('drain', more);
    }
  };
  more();
}

test('reading bodies over HTTP asks for minor collections as bytes arrive, plain and gzip, and a full one in a long body', async (t) => {
  const zipped = gzipSync(Buffer.alloc(3 * EVERY, 0x61));
  const server = await testServer(t, (req, res) => {
    if (req.url === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      return void res.end(zipped);
    }
    res.writeHead(200);
    stream(res, req.url === '/long' ? READ_BYTES_PER_FULL_COLLECTION + LONG_BODY_BYTES : 3 * EVERY);
  });
  const options = { headers: {}, idleTimeoutMs: 10_000, deadlineMs: 60_000, maxBytes: 1024 * MB, maxRedirects: 0, signal: new AbortController().signal };
  const discard = { sink: () => ({ write: () => true, end: () => undefined }) };
  for (const path of ['plain', 'gzip']) {
    // Two of the three periods read complete a period whatever an earlier read left counted.
    const observed = forcedCollections(constants.NODE_PERFORMANCE_GC_MINOR, 2);
    const result = await httpGet(new URL(`${server.url}${path}`), { ...options, ...discard });
    assert.equal(result.kind, 'ok', path);
    assert.ok((await observed.seen) >= 2, path);
  }
  // The first long body may pass its mark before enough was read; the second passes it after.
  const full = forcedCollections(constants.NODE_PERFORMANCE_GC_MAJOR, 1);
  for (let i = 0; i < 2; i++) assert.equal((await httpGet(new URL(`${server.url}long`), { ...options, ...discard })).kind, 'ok');
  assert.ok((await full.seen) >= 1);
});
