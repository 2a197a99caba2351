/**
 * The worker side of summaryThread.ts (bundled as dist/summaryWorker.js). Each job is one packument
 * body: its chunks go through the same packumentSink the main thread would use, and the answer goes back
 * as the summary's stored form (summaryCodec.ts), which is both what the disk cache writes and the
 * cheapest shape to post: one string instead of an object graph the receiving thread must rebuild.
 *
 * It also writes files for fileWriter.ts, synchronously: a busy disk then delays only the acknowledgement.
 *
 * Messages in:  { op: 'start', id, name } · { op: 'chunk', id, bytes } · { op: 'end', id } · { op: 'drop', id }
 *               · { op: 'write', id, file, temp, pieces } (the file's text in pieces, see FileText)
 * Messages out: { op: 'consumed', bytes, buffer } · { op: 'stop', id } · { op: 'done', id, stored } · { op: 'done', id, error }
 *               · { op: 'written', id, error }
 */
// First: starting this thread reset V8's young-generation growth for the whole process (see the module).
import './youngGeneration';
import { parentPort } from 'node:worker_threads';
import type { SummarizeResult } from '../core/registry/summarize';
import type { BodySink } from './httpGet';
import { packumentSink } from './packumentStream';
import { encodeSummary } from './summaryCodec';
import { writeFileNow } from './wholeFile';

type Inbound =
  | { op: 'start'; id: number; name: string }
  | { op: 'chunk'; id: number; bytes: Uint8Array }
  | { op: 'end'; id: number }
  | { op: 'drop'; id: number }
  | { op: 'write'; id: number; file: string; temp: string; pieces: string[] };

interface Job {
  sink: BodySink<SummarizeResult>;
  /** The sink said it has its answer (a syntax error): later chunks are not worth reading. */
  stopped: boolean;
  /** The sink threw (a bug): the answer is a failure whatever comes next. */
  broken?: boolean;
}

const jobs = new Map<number, Job>();

function finish(id: number, job: Job): void {
  let reply: { op: 'done'; id: number; stored?: string; error?: unknown };
  try {
    if (job.broken) throw new Error('sink failed');
    const result = job.sink.end();
    reply = result.ok ? { op: 'done', id, stored: JSON.stringify(encodeSummary(result.summary)) } : { op: 'done', id, error: result.error };
  } catch {
    // A bug, not the registry's fault; the main thread words it (summaryThread.ts).
    reply = { op: 'done', id };
  }
  parentPort?.postMessage(reply);
}

function write(job: Job, bytes: Uint8Array): boolean {
  try {
    return job.sink.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    job.broken = true;
    return false;
  }
}

function receive(message: Inbound): void {
  const job = jobs.get(message.id);
  switch (message.op) {
    case 'start':
      jobs.set(message.id, { sink: packumentSink(message.name), stopped: false });
      return;
    case 'chunk': {
      const bytes = message.bytes;
      if (job && !job.stopped && !write(job, bytes)) {
        job.stopped = true;
        parentPort?.postMessage({ op: 'stop', id: message.id });
      }
      // The buffer goes back for the next chunk (summaryThread.ts keeps a pool of them).
      parentPort?.postMessage({ op: 'consumed', bytes: bytes.byteLength, buffer: bytes.buffer }, [bytes.buffer as ArrayBuffer]);
      return;
    }
    case 'end':
      jobs.delete(message.id);
      if (job) finish(message.id, job);
      else parentPort?.postMessage({ op: 'done', id: message.id });
      return;
    case 'drop':
      jobs.delete(message.id);
      return;
    case 'write':
      parentPort?.postMessage({ op: 'written', id: message.id, error: writeFileNow(message.file, message.temp, message.pieces.join('')) });
  }
}

parentPort?.on('message', receive);
