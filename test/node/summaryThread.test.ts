/**
 * Packuments summarised on the worker thread: the same summaries as on the calling thread, however the
 * bytes are chunked and even though chunk memory is reused; the stored form is what the disk cache would
 * have written; failures of the worker end as clear answers, and reading pauses while it is behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BodySink } from '../../server/src/node/httpGet';
import { summarizeChunks } from '../../server/src/node/packumentStream';
import { encodeSummary } from '../../server/src/node/summaryCodec';
import {
  FIRST_RETIREMENT_MS,
  HIGH_WATER,
  LONGEST_RETIREMENT_MS,
  SUMMARY_WORKER_FILE,
  SummaryThread,
  inThreadSink,
  retirementDelayMs,
  sharedSummaryThread,
  type PackumentResult,
  type StartTimer,
} from '../../server/src/node/summaryThread';
import type { FileText } from '../../server/src/node/wholeFile';
import { PACKUMENTS, RECORDED_PACKUMENTS, tempDir } from './helpers';

/** Feeds `bytes` in `size`-byte pieces through one reused buffer, as the pool does, honouring pressure. */
async function feed(sink: BodySink<Promise<PackumentResult>>, bytes: Buffer, size: number): Promise<PackumentResult> {
  const scratch = Buffer.alloc(size);
  for (let at = 0; at < bytes.length; at += size) {
    const piece = scratch.subarray(0, Math.min(size, bytes.length - at));
    bytes.copy(piece, 0, at, at + piece.length);
    if (!sink.write(piece)) break;
    scratch.fill(0x7b);
    await sink.pressure?.();
  }
  return sink.end();
}

function thread(t: { after: (fn: () => Promise<void>) => void }): SummaryThread {
  const made = new SummaryThread(SUMMARY_WORKER_FILE);
  t.after(() => made.close());
  return made;
}

test('the worker gives the calling thread’s summary, and its stored form is the cache encoding, for every recorded document', async (t) => {
  const worker = thread(t);
  assert.ok(RECORDED_PACKUMENTS.length >= 28);
  for (const file of RECORDED_PACKUMENTS) {
    const bytes = readFileSync(file);
    const name = (JSON.parse(bytes.toString('utf8')) as { name: string }).name;
    const expected = summarizeChunks([bytes], name);
    assert.ok(expected.ok, file);
    for (const size of [65_536, 4093]) {
      const result = await feed(worker.sink(name), bytes, size);
      assert.ok(result.ok, `${file} in ${size}-byte chunks`);
      assert.equal(JSON.stringify(result.summary), JSON.stringify(expected.summary), `${file} in ${size}-byte chunks`);
      assert.equal(result.stored, JSON.stringify(encodeSummary(expected.summary)), file);
    }
  }
});

test('a chunk’s memory may be reused once written: member names cut at a chunk end survive (every split of a small document)', async (t) => {
  const worker = thread(t);
  const bytes = readFileSync(join(PACKUMENTS, 'ms.json'));
  const expected = JSON.stringify((summarizeChunks([bytes], 'ms') as { summary: unknown }).summary);
  for (const size of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]) {
    const onWorker = await feed(worker.sink('ms'), bytes, size);
    const inThread = await feed(inThreadSink('ms'), bytes, size);
    assert.ok(onWorker.ok && inThread.ok, `${size}-byte chunks`);
    assert.equal(JSON.stringify(onWorker.summary), expected, `worker, ${size}-byte chunks`);
    assert.equal(JSON.stringify(inThread.summary), expected, `calling thread, ${size}-byte chunks`);
  }
});

test('a broken document gets the same answer on the worker as on the calling thread', async (t) => {
  const worker = thread(t);
  const cases: Array<[string, string]> = [
    ['not JSON', '{"name":"x","versions":{'],
    ['wrong shape', '{"name":"x","versions":[1,2,3],"time":"yesterday"}'],
    ['garbage', '<html>Service Unavailable</html>'],
    ['other name', '{"name":"y","versions":{}}'],
  ];
  for (const [label, text] of cases) {
    const bytes = Buffer.from(text);
    const onWorker = await feed(worker.sink('x'), bytes, 7);
    const inThread = await feed(inThreadSink('x'), bytes, 7);
    assert.deepEqual(onWorker, inThread, label);
  }
});

test('a worker that stops mid-document ends that document with a clear failure; later ones are read on the calling thread', async () => {
  const worker = new SummaryThread(SUMMARY_WORKER_FILE);
  const bytes = readFileSync(RECORDED_PACKUMENTS[0] as string);
  const sink = worker.sink('pkg');
  sink.write(bytes.subarray(0, 100));
  await worker.close();
  assert.equal(worker.alive, false);
  const result = await sink.end();
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'network');
  assert.match(result.error.message, /could not finish reading the registry's document for pkg \(its reader thread stopped\); try again/);
  const name = (JSON.parse(bytes.toString('utf8')) as { name: string }).name;
  const later = await feed(worker.sink(name), bytes, 65_536);
  assert.ok(later.ok);
  assert.equal(later.stored, undefined, 'read on the calling thread');
});

test('a worker that cannot start fails its pending documents clearly instead of hanging', async () => {
  const worker = new SummaryThread(join(PACKUMENTS, 'no-such-worker.js'));
  const sink = worker.sink('pkg');
  sink.write(Buffer.from('{"name":'));
  const result = await sink.end();
  assert.ok(!result.ok);
  assert.match(result.error.message, /its reader thread stopped/);
  assert.equal(worker.alive, false);
});

test('reading pauses while the worker is more than HIGH_WATER (1 MB) behind, and resumes once it caught up', async (t) => {
  const worker = thread(t);
  const sink = worker.sink('big');
  const piece = Buffer.from(`{"name":"big","readme":"${'x'.repeat(60_000)}`);
  const filler = Buffer.alloc(60_000, 0x78);
  sink.write(piece);
  let behind: Promise<void> | undefined;
  let written = piece.length;
  while (!behind && written < 64 * 1024 * 1024) {
    sink.write(filler);
    written += filler.length;
    behind = sink.pressure?.();
  }
  assert.ok(behind, 'pressure reported');
  assert.equal(HIGH_WATER, 1024 * 1024);
  assert.ok(written > HIGH_WATER, `${written} bytes before pressure`);
  await behind;
  sink.write(Buffer.from('","versions":{}}'));
  const result = await sink.end();
  assert.ok(result.ok, 'the document is still read whole');
  assert.equal(result.summary.name, 'big');
});

test('an abandoned document is dropped by the worker and does not hold the thread', async (t) => {
  const worker = thread(t);
  const sink = worker.sink('gone');
  sink.write(Buffer.from('{"name":"gone","versions":{'));
  sink.abandon?.();
  assert.equal(worker.busy, 0);
  const next = await feed(worker.sink('ms'), readFileSync(join(PACKUMENTS, 'ms.json')), 4096);
  assert.ok(next.ok);
});

/** A file's text in one piece, remade the same. */
function whole(text: string): FileText {
  return { pieces: [text], remake: () => text };
}

test('the worker writes files whole for the disk cache, from pieces, and a write it never acknowledged is remade on the calling thread', async (t) => {
  const dir = await tempDir(t);
  const worker = new SummaryThread(SUMMARY_WORKER_FILE);
  const file = join(dir, 'nested', 'entry.json');
  const pieces = { pieces: ['{"written":', '"by the worker"', '}'], remake: () => assert.fail('remade although written') };
  assert.equal(await worker.writeFile(file, `${file}.tmp`, pieces), undefined);
  assert.equal(readFileSync(file, 'utf8'), '{"written":"by the worker"}');
  assert.equal(await worker.writeFile(join(dir, 'nested'), join(dir, 'nested.tmp'), whole('x')), 'EISDIR', 'the error code, never a throw');
  let remade = 0;
  const pending = worker.writeFile(join(dir, 'late.json'), join(dir, 'late.json.tmp'), {
    pieces: ['la', 'te'],
    remake: () => {
      remade++;
      return 'late';
    },
  });
  await worker.close();
  assert.equal(await pending, undefined);
  assert.equal(remade, 1, 'made again from what the caller holds, not kept as text');
  assert.equal(readFileSync(join(dir, 'late.json'), 'utf8'), 'late');
  assert.equal(await worker.writeFile(join(dir, 'after.json'), join(dir, 'after.json.tmp'), { pieces: ['af', 'ter'], remake: () => 'after' }), undefined);
  assert.equal(readFileSync(join(dir, 'after.json'), 'utf8'), 'after');
});

/** A timer the test fires by hand: the retirement's wait is the thread's to choose, not a sleep here. */
function manualTimer(): StartTimer & { pending: () => number[]; fire: () => void } {
  const timers: Array<{ run: () => void; ms: number; live: boolean }> = [];
  const start: StartTimer = (run, ms) => {
    const timer = { run, ms, live: true };
    timers.push(timer);
    return () => {
      timer.live = false;
    };
  };
  return Object.assign(start, {
    pending: () => timers.filter((timer) => timer.live).map((timer) => timer.ms),
    fire: () => {
      for (const timer of timers.splice(0)) if (timer.live) timer.run();
    },
  });
}

test('an idle worker is stopped after its wait, never while a document is read or a file written', async (t) => {
  const timer = manualTimer();
  const worker = new SummaryThread(SUMMARY_WORKER_FILE, { retireAfterMs: 1000, startTimer: timer });
  t.after(() => worker.close());
  const dir = await tempDir(t);
  assert.deepEqual(timer.pending(), [], 'a thread that never worked waits for work, not for retirement');

  const bytes = readFileSync(join(PACKUMENTS, 'ms.json'));
  const sink = worker.sink('ms');
  sink.write(bytes.subarray(0, 100));
  const write = worker.writeFile(join(dir, 'a.json'), join(dir, 'a.json.tmp'), whole('a'));
  timer.fire();
  assert.deepEqual(timer.pending(), [], 'busy: no retirement armed');
  assert.equal(await write, undefined);
  assert.deepEqual(timer.pending(), [], 'still reading a document');
  sink.write(bytes.subarray(100));
  const read = await sink.end();
  assert.ok(read.ok && read.stored !== undefined, 'read on the worker');

  assert.deepEqual(timer.pending(), [1000], 'idle: the wait starts');
  const again = worker.writeFile(join(dir, 'b.json'), join(dir, 'b.json.tmp'), whole('b'));
  assert.deepEqual(timer.pending(), [], 'new work cancels it');
  assert.equal(await again, undefined);
  assert.deepEqual(timer.pending(), [1000]);
  timer.fire();
  await worker.whenExited();
  assert.equal(worker.retired, true);
  assert.equal(worker.alive, false);

  const after = await feed(worker.sink('ms'), bytes, 4096);
  assert.ok(after.ok && after.stored === undefined, 'a retired thread still answers, on the calling thread');
  assert.equal(await worker.writeFile(join(dir, 'c.json'), join(dir, 'c.json.tmp'), whole('c')), undefined);
  assert.equal(readFileSync(join(dir, 'c.json'), 'utf8'), 'c');
});

/**
 * The real retirement timer and worker do not hold the process open (by design), so a deadline does
 * while the test waits, and turns a retirement that never comes into a failure instead of a hang.
 */
async function exitedWithin(worker: SummaryThread, ms: number): Promise<void> {
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => reject(new Error(`the worker did not retire within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([worker.whenExited(), late]);
  } finally {
    clearTimeout(deadline);
  }
}

test('the shared worker is started again after it retired, and waits twice as long each time, up to a minute', async (t) => {
  const table: Array<[number, number]> = [
    [0, FIRST_RETIREMENT_MS],
    [1, 2 * FIRST_RETIREMENT_MS],
    [4, 16 * FIRST_RETIREMENT_MS],
    [30, LONGEST_RETIREMENT_MS],
  ];
  for (const [restarts, ms] of table) assert.equal(retirementDelayMs(restarts), ms, `${restarts} restarts`);

  const dir = await tempDir(t);
  const first = sharedSummaryThread();
  assert.ok(first, 'a worker can run here');
  assert.equal(sharedSummaryThread(), first, 'one per process');
  assert.equal(first.retireAfterMs, FIRST_RETIREMENT_MS);
  assert.equal(await first.writeFile(join(dir, 'a.json'), join(dir, 'a.json.tmp'), whole('a')), undefined);
  await exitedWithin(first, 10_000);
  assert.equal(first.retired, true);
  const second = sharedSummaryThread();
  assert.ok(second && second !== first && second.alive, 'a new worker for new work');
  assert.equal(second.retireAfterMs, 2 * FIRST_RETIREMENT_MS);
  const read = await feed(second.sink('ms'), readFileSync(join(PACKUMENTS, 'ms.json')), 4096);
  assert.ok(read.ok && read.stored !== undefined, 'read on the new worker');
  await exitedWithin(second, 10_000);
  assert.equal(second.retired, true);
});
