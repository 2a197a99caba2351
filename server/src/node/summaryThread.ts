/**
 * Packument bodies summarised on another thread. Reading registry documents is the heaviest work of a
 * cold run (1,500 packages: 230 MB of JSON scanned, about 1.5 s of one core); on the main thread it
 * competes with the analysis, and in the editor with every request the language server answers. One
 * worker (summaryWorker.ts: started on first use, not holding the process open while idle, and stopped
 * once idle for a moment, see FIRST_RETIREMENT_MS) takes the bytes as they arrive and answers with the
 * summary's stored form (summaryCodec.ts). The main thread decodes that exactly as it decodes a cache
 * entry, so a cold run and a warm one see the same summary, and hands the text to the disk cache as it
 * is instead of encoding it again.
 *
 * The same worker writes the disk cache's files (fileWriter.ts), so a run keeps one extra thread.
 *
 * Where no worker can run (the file is missing, threads are forbidden, the worker dies), bodies are
 * summarised and files written on the calling thread: the same answers, only slower.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PackageSummary, RegistryError } from '../core/registry/types';
import type { BodySink } from './httpGet';
import { packumentSink } from './packumentStream';
import { decodeSummary } from './summaryCodec';
import { writeFileNow, type FileText, type WriteOutcome } from './wholeFile';

/** A summary, with its stored form when it came from the worker (the disk cache writes that as is). */
export type PackumentResult = { ok: true; summary: PackageSummary; stored?: string } | { ok: false; error: RegistryError };

const MB = 1024 * 1024;
/**
 * Bytes posted but not yet read by the worker above which reading from the network pauses, and below
 * which it goes on. The worker reads far faster than a registry sends, so a short queue keeps it as
 * busy as a long one; what the queue holds stays resident (the chunk buffers come back to a pool), and
 * at 8 MB it cost 10–15 MB of peak memory in a cold run for no measurable speed (bench).
 */
export const HIGH_WATER = 1 * MB;
const LOW_WATER = HIGH_WATER / 4;

/** Chunks are copied into buffers of this size, which travel to the worker and back (see #buffer). */
const POOL_BUFFER = 64 * 1024;

type Outbound =
  | { op: 'written'; id: number; error?: string }
  | { op: 'consumed'; bytes: number; buffer?: ArrayBuffer }
  | { op: 'stop'; id: number }
  | { op: 'done'; id: number; stored?: string; error?: RegistryError };

interface Job {
  name: string;
  stopped: boolean;
  resolve?: (result: PackumentResult) => void;
}

function lost(name: string, why: string): PackumentResult {
  return { ok: false, error: { kind: 'network', message: `Vigil could not finish reading the registry's document for ${name} (${why}); try again.` } };
}

/** The worker's answer as the main thread's result: decoded the way a cache entry is. */
function fromStored(name: string, reply: { stored?: string; error?: RegistryError }): PackumentResult {
  if (reply.error) return { ok: false, error: reply.error };
  let summary: PackageSummary | undefined;
  try {
    summary = reply.stored === undefined ? undefined : decodeSummary(JSON.parse(reply.stored));
  } catch {
    summary = undefined;
  }
  return summary ? { ok: true, summary, stored: reply.stored as string } : lost(name, 'an internal error');
}

/** Runs `run` after `ms` unless the returned function is called first. */
export type StartTimer = (run: () => void, ms: number) => () => void;

/** A timer that does not keep the process alive: a CLI that is done does not wait for a retirement. */
const unrefTimer: StartTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class SummaryThread {
  readonly #worker: Worker;
  readonly #jobs = new Map<number, Job>();
  readonly #writes = new Map<number, { file: string; temp: string; remake: () => string; resolve: (outcome: WriteOutcome) => void }>();
  #nextId = 0;
  #outstanding = 0;
  #drained: Array<() => void> = [];
  readonly #pool: ArrayBuffer[] = [];
  #dead = false;
  #retired = false;
  readonly #retireAfterMs: number;
  readonly #startTimer: StartTimer;
  #cancelRetirement: (() => void) | undefined;
  readonly #exited: Promise<void>;

  /**
   * Throws when the worker cannot be created; see sharedSummaryThread for the forgiving way.
   * `retireAfterMs`: how long the worker may sit idle before it is stopped, so that its heap (13 MB
   * empty, 25 MB or more after the giant documents) goes back to the system; Infinity keeps it.
   */
  constructor(workerFile: string, { retireAfterMs = Infinity, startTimer = unrefTimer }: { retireAfterMs?: number; startTimer?: StartTimer } = {}) {
    this.#retireAfterMs = retireAfterMs;
    this.#startTimer = startTimer;
    // A small young generation: the worker's garbage is chunk-sized and short-lived, and a default-sized
    // nursery would cost some 30 MB of resident memory for nothing measurable in speed.
    this.#worker = new Worker(workerFile, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.#worker.on('message', (message: Outbound) => this.#receive(message));
    const die = (): void => this.#die();
    this.#worker.on('error', die);
    this.#worker.on('exit', die);
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.unref();
  }

  get alive(): boolean {
    return !this.#dead;
  }

  /** Stopped for having been idle, not for failing: another may be started (sharedSummaryThread does). */
  get retired(): boolean {
    return this.#retired;
  }

  /** How long the worker may sit idle before it is stopped. */
  get retireAfterMs(): number {
    return this.#retireAfterMs;
  }

  /** Resolves once the worker thread has exited, for whatever reason. */
  whenExited(): Promise<void> {
    return this.#exited;
  }

  /** Documents started and not yet answered or abandoned, and files not yet written. */
  get busy(): number {
    return this.#jobs.size + this.#writes.size;
  }

  /** Writes `text` to `file` whole, through `temp` (see wholeFile.ts), on the worker. */
  writeFile(file: string, temp: string, text: FileText): Promise<WriteOutcome> {
    if (this.#dead) return Promise.resolve(writeFileNow(file, temp, text.pieces.join('')));
    this.#busyAgain();
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#writes.set(id, { file, temp, remake: text.remake, resolve });
      this.#worker.ref();
      this.#worker.postMessage({ op: 'write', id, file, temp, pieces: text.pieces });
    });
  }

  /** A body sink whose work happens on the worker; in-thread once the worker is gone. */
  sink(name: string): BodySink<Promise<PackumentResult>> {
    if (this.#dead) return inThreadSink(name);
    this.#busyAgain();
    const id = this.#nextId++;
    const job: Job = { name, stopped: false };
    this.#jobs.set(id, job);
    this.#worker.ref();
    this.#worker.postMessage({ op: 'start', id, name });
    return {
      write: (chunk) => {
        if (this.#dead || job.stopped) return false;
        // Socket chunks may share their memory with other data: a copy of our own can be moved, not cloned.
        const bytes = this.#buffer(chunk.length);
        bytes.set(chunk);
        this.#outstanding += bytes.byteLength;
        this.#worker.postMessage({ op: 'chunk', id, bytes }, [bytes.buffer as ArrayBuffer]);
        return true;
      },
      end: () =>
        new Promise<PackumentResult>((resolve) => {
          if (this.#dead) return resolve(lost(name, 'its reader thread stopped'));
          job.resolve = resolve;
          this.#worker.postMessage({ op: 'end', id });
        }),
      pressure: () => (this.#outstanding > HIGH_WATER && !this.#dead ? new Promise<void>((resolve) => this.#drained.push(resolve)) : undefined),
      abandon: () => {
        if (!this.#jobs.delete(id)) return;
        if (!this.#dead) this.#worker.postMessage({ op: 'drop', id });
        this.#idle();
      },
    };
  }

  /** Stops the worker; pending bodies end as failures, later ones are read in-thread. */
  async close(): Promise<void> {
    await this.#worker.terminate();
    this.#die();
  }

  /**
   * Room for one chunk. The buffers come back with the worker's acknowledgements and are used again: a
   * cold run moves 230 MB through here, and as many fresh allocations, made on one thread and freed on
   * another, leave the process holding far more memory than it uses.
   */
  #buffer(length: number): Uint8Array {
    if (length > POOL_BUFFER) return new Uint8Array(length);
    const reused = this.#pool.pop();
    return new Uint8Array(reused ?? new ArrayBuffer(POOL_BUFFER), 0, length);
  }

  #receive(message: Outbound): void {
    if (message.op === 'consumed') {
      if (message.buffer?.byteLength === POOL_BUFFER) this.#pool.push(message.buffer);
      this.#outstanding -= message.bytes;
      if (this.#outstanding <= LOW_WATER) this.#release();
      return;
    }
    if (message.op === 'written') {
      const write = this.#writes.get(message.id);
      this.#writes.delete(message.id);
      this.#idle();
      write?.resolve(message.error);
      return;
    }
    const job = this.#jobs.get(message.id);
    if (!job) return;
    if (message.op === 'stop') {
      job.stopped = true;
      return;
    }
    this.#jobs.delete(message.id);
    this.#idle();
    job.resolve?.(fromStored(job.name, message));
  }

  #busyAgain(): void {
    this.#cancelRetirement?.();
    this.#cancelRetirement = undefined;
  }

  #idle(): void {
    if (this.busy !== 0 || this.#dead) return;
    this.#worker.unref();
    if (!Number.isFinite(this.#retireAfterMs) || this.#cancelRetirement) return;
    this.#cancelRetirement = this.#startTimer(() => {
      this.#cancelRetirement = undefined;
      if (this.busy !== 0 || this.#dead) return;
      this.#retired = true;
      this.#dead = true;
      void this.#worker.terminate();
    }, this.#retireAfterMs);
  }

  #release(): void {
    const waiting = this.#drained;
    this.#drained = [];
    for (const resume of waiting) resume();
  }

  #die(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#outstanding = 0;
    this.#release();
    for (const [id, job] of this.#jobs) {
      this.#jobs.delete(id);
      job.stopped = true;
      job.resolve?.(lost(job.name, 'its reader thread stopped'));
    }
    // Files it was asked to write and may not have: written here (rewriting one it did write is harmless).
    for (const [id, write] of this.#writes) {
      this.#writes.delete(id);
      write.resolve(writeFileNow(write.file, write.temp, write.remake()));
    }
  }
}

/** The same work on the calling thread. */
export function inThreadSink(name: string): BodySink<Promise<PackumentResult>> {
  const sink = packumentSink(name);
  return { write: (chunk) => sink.write(chunk), end: () => Promise.resolve(sink.end()) };
}

/** Next to this file: dist/ in the bundles, out/server/src/node in the tests' build. */
export const SUMMARY_WORKER_FILE = join(__dirname, 'summaryWorker.js');

/**
 * How long the shared worker may sit idle before it is stopped: long enough to span the gaps between
 * documents of one run, short enough to be gone before the analysis that follows the last one, which
 * is when a cold run peaks (bench: 20 MB less resident memory for the CLI, about 10 MB for the language
 * server). Each time a retired worker has to be started again the wait doubles, up to a minute, so a
 * slow registry's trickle of documents cannot make it stop and start for each.
 */
export const FIRST_RETIREMENT_MS = 50;
export const LONGEST_RETIREMENT_MS = 60_000;

/** The idle time allowed to the shared worker after it had to be started again `restarts` times. */
export function retirementDelayMs(restarts: number): number {
  return Math.min(FIRST_RETIREMENT_MS * 2 ** restarts, LONGEST_RETIREMENT_MS);
}

let shared: SummaryThread | null | undefined;
let restarts = 0;

/** The process's summary thread, made on first use and again after it retired; null where none can run. */
export function sharedSummaryThread(): SummaryThread | null {
  if (shared?.retired) {
    shared = undefined;
    restarts++;
  }
  if (shared === undefined) {
    try {
      const retireAfterMs = retirementDelayMs(restarts);
      shared = existsSync(SUMMARY_WORKER_FILE) ? new SummaryThread(SUMMARY_WORKER_FILE, { retireAfterMs }) : null;
    } catch {
      shared = null;
    }
  } else if (shared && !shared.alive) {
    // Not started again: a worker that died once (say, out of memory) would likely die again.
    shared = null;
  }
  return shared;
}

/** A sink for one packument body: on the shared thread when there is one. */
export function packumentSinkOffThread(name: string): BodySink<Promise<PackumentResult>> {
  return sharedSummaryThread()?.sink(name) ?? inThreadSink(name);
}
