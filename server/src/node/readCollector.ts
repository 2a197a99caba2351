/**
 * Garbage from reading registry documents is collected when it is cheapest to, instead of when V8 gets
 * round to it. Two kinds, measured on the bench's cold run (1,500 packages, 230 MB of JSON):
 *
 * - **Read chunks.** Node's HTTP parser hands each piece of a body over in a buffer of its own (a copy of
 *   the socket's bytes, up to 64 KB), and a decompressor does the same with its output. Vigil reads each
 *   one once and drops it, but V8 frees such a buffer only when it collects its small wrapper object: when
 *   the young generation fills, or when outside memory has grown by about 64 MB. Reading allocates few
 *   objects per byte, so neither came soon, and 20–35 MB of read chunks waited at a time. So every
 *   CHUNK_BYTES_PER_COLLECTION read, a minor collection (the young generation only, about a millisecond).
 * - **What each document left behind.** Requests, responses and decoded summaries that lived across an
 *   await were promoted to the old generation, and die there; V8 collects it only once it has grown a
 *   good deal, so by the end of a run 10–20 MB of it was resident. A document long enough to stream for a
 *   while (LONG_BODY_BYTES) leaves the main thread little to do, while the summary worker's heap is at its
 *   largest; a full collection then (30–50 ms) lowered the run's peak by 7–15 MB, for about 0.1 s. At
 *   most one per READ_BYTES_PER_FULL_COLLECTION read, so its cost stays a few per cent of the reading.
 *
 * Node exposes collections only as `gc`, behind `--expose-gc`. When the process was not started with
 * it, the function is taken the way jest-leak-detector does: set the flag, read `gc` from a new context,
 * and unset the flag, so no other context, worker or user code sees it. Where none of that works,
 * reading goes on as before and only the memory is higher.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's `gc`: a minor collection with `{ type: 'minor' }`, a full one without options. */
export type Collect = (options?: { type: 'minor' }) => void;

/** About 60 minor collections in the bench's cold run; each frees what is dead of the last 4 MB. */
export const CHUNK_BYTES_PER_COLLECTION = 4 * 1024 * 1024;
/** A body past this size streams for a while (at the bench's rates, 50 ms and more). */
export const LONG_BODY_BYTES = 8 * 1024 * 1024;
/** Bytes read (before and since) that allow a full collection. */
export const READ_BYTES_PER_FULL_COLLECTION = 64 * 1024 * 1024;

/** V8's `gc`, from the process or (without `--expose-gc`) from a new context; null where neither works. */
export function findCollector(): Collect | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as Collect;
  try {
    setFlagsFromString('--expose-gc');
    const taken: unknown = runInNewContext('gc');
    return typeof taken === 'function' ? (taken as Collect) : null;
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export interface ReadCollectorLimits {
  chunkBytesPerCollection: number;
  longBodyBytes: number;
  readBytesPerFullCollection: number;
}

const LIMITS: ReadCollectorLimits = {
  chunkBytesPerCollection: CHUNK_BYTES_PER_COLLECTION,
  longBodyBytes: LONG_BODY_BYTES,
  readBytesPerFullCollection: READ_BYTES_PER_FULL_COLLECTION,
};

/**
 * Counts what is read and asks for collections as described above. `lookUp` finds the collector on the
 * first collection, not before: a process that reads little never touches V8's flags.
 */
export class ReadCollector {
  readonly #lookUp: () => Collect | null;
  readonly #limits: ReadCollectorLimits;
  #collect: Collect | null | undefined;
  #sinceMinor = 0;
  #sinceFull = 0;

  constructor(lookUp: () => Collect | null, limits: ReadCollectorLimits = LIMITS) {
    this.#lookUp = lookUp;
    this.#limits = limits;
  }

  /** Each chunk read: raw from the socket and, when the body is compressed, decoded. */
  chunk(bytes: number): void {
    this.#sinceMinor += bytes;
    this.#sinceFull += bytes;
    if (this.#sinceMinor < this.#limits.chunkBytesPerCollection) return;
    this.#sinceMinor = 0;
    this.#run({ type: 'minor' });
  }

  /** A body's decoded size before and after its latest chunk. */
  bodyGrew(before: number, after: number): void {
    const long = this.#limits.longBodyBytes;
    if (before >= long || after < long || this.#sinceFull < this.#limits.readBytesPerFullCollection) return;
    this.#sinceFull = 0;
    this.#sinceMinor = 0;
    this.#run(undefined);
  }

  #run(options: { type: 'minor' } | undefined): void {
    if (this.#collect === undefined) this.#collect = this.#lookUp();
    try {
      this.#collect?.(options);
    } catch {
      // A V8 that refuses the options object: stop asking rather than fail a read over memory.
      this.#collect = null;
    }
  }
}

/** The process's: httpGet.ts reports every body to it. */
export const readCollector = new ReadCollector(findCollector);
