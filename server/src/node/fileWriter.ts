/**
 * Whole-file writes (temp file + rename) off the main thread. Creating a file can stall for a long time
 * when the disk is busy (a journal commit, other writers): measured at up to 0.35 ms per entry on a cold
 * run right after a large write, against 0.05 ms on a quiet disk. On the main thread that stall is the
 * CLI's (and the language server's) to wait out; the fs thread pool avoids it but costs four round trips
 * per file (open, write, close, rename), each a wake-up of another thread that a 2-core machine pays in
 * main-thread time. One worker thread doing the writes synchronously takes one message per file, and
 * whatever the disk does only delays the acknowledgement.
 *
 * The worker is started on the first write (a run that writes nothing never pays for it) and does not
 * keep the process alive once nothing is pending. Where it cannot be started, writes fall back to
 * synchronous ones on the calling thread.
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';

/** The worker: writes `text` to `temp`, making the folder if needed, then renames it over `file`. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
parentPort.on('message', ({ id, file, temp, bytes }) => {
  let error;
  try {
    try {
      fs.writeFileSync(temp, bytes);
    } catch (first) {
      if (!first || first.code !== 'ENOENT') throw first;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(temp, bytes);
    }
    fs.renameSync(temp, file);
  } catch (failure) {
    error = failure && typeof failure.code === 'string' ? failure.code : 'unknown error';
    try { fs.unlinkSync(temp); } catch {}
  }
  parentPort.postMessage({ id, error });
});
`;

/** Resolves to undefined once written, or to the error code when the file could not be written. */
export type WriteOutcome = string | undefined;

/** The same write on the calling thread. */
export function writeFileNow(file: string, temp: string, data: string | Uint8Array): WriteOutcome {
  try {
    try {
      fs.writeFileSync(temp, data);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      fs.mkdirSync(dirname(file), { recursive: true });
      fs.writeFileSync(temp, data);
    }
    fs.renameSync(temp, file);
    return undefined;
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // Never made.
    }
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : 'unknown error';
  }
}

let worker: Worker | undefined;
let broken = false;
let nextId = 0;
const pending = new Map<number, { resolve: (outcome: WriteOutcome) => void; file: string; temp: string; bytes: Uint8Array }>();
const encoder = new TextEncoder();

function start(): Worker | undefined {
  if (broken) return undefined;
  try {
    // It only ever holds a message: a small heap (the bytes themselves are moved, not copied, and live outside it).
    const made = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
    made.on('message', ({ id, error }: { id: number; error: string | undefined }) => {
      const job = pending.get(id);
      pending.delete(id);
      if (pending.size === 0) made.unref();
      job?.resolve(error);
    });
    // A worker that dies (or never starts) hands its pending writes back to the calling thread.
    const fail = (): void => {
      broken = true;
      worker = undefined;
      for (const [id, job] of pending) {
        pending.delete(id);
        job.resolve(writeFileNow(job.file, job.temp, job.bytes));
      }
    };
    made.on('error', fail);
    made.on('exit', fail);
    made.unref();
    return made;
  } catch {
    broken = true;
    return undefined;
  }
}

/** Writes `text` to `file` whole (through `temp`, a name next to it no one else uses). */
export function writeFileOffThread(file: string, temp: string, text: string): Promise<WriteOutcome> {
  worker ??= start();
  const current = worker;
  if (!current) return Promise.resolve(writeFileNow(file, temp, text));
  // UTF-8 into a buffer of its own, whose memory then moves to the worker instead of being copied.
  const bytes = encoder.encode(text);
  return new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, { resolve, file, temp, bytes });
    current.ref();
    current.postMessage({ id, file, temp, bytes }, [bytes.buffer as ArrayBuffer]);
  });
}
