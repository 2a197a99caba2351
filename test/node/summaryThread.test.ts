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
import { SUMMARY_WORKER_FILE, SummaryThread, inThreadSink, type PackumentResult } from '../../server/src/node/summaryThread';
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

test('reading pauses while the worker is more than 8 MB behind, and resumes once it caught up', async (t) => {
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
  assert.ok(written > 8 * 1024 * 1024, `${written} bytes before pressure`);
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

test('the worker writes files whole for the disk cache, and a write it never acknowledged is done on the calling thread', async (t) => {
  const dir = await tempDir(t);
  const worker = new SummaryThread(SUMMARY_WORKER_FILE);
  const file = join(dir, 'nested', 'entry.json');
  assert.equal(await worker.writeFile(file, `${file}.tmp`, '{"written":"by the worker"}'), undefined);
  assert.equal(readFileSync(file, 'utf8'), '{"written":"by the worker"}');
  assert.equal(await worker.writeFile(join(dir, 'nested'), join(dir, 'nested.tmp'), 'x'), 'EISDIR', 'the error code, never a throw');
  const pending = worker.writeFile(join(dir, 'late.json'), join(dir, 'late.json.tmp'), 'late');
  await worker.close();
  assert.equal(await pending, undefined);
  assert.equal(readFileSync(join(dir, 'late.json'), 'utf8'), 'late');
  assert.equal(await worker.writeFile(join(dir, 'after.json'), join(dir, 'after.json.tmp'), 'after'), undefined);
  assert.equal(readFileSync(join(dir, 'after.json'), 'utf8'), 'after');
});
