/**
 * Read response chunks are freed soon after they are read, instead of when V8 gets round to it.
 *
 * Node's HTTP parser hands each piece of a body over in a buffer of its own (a copy of the socket's
 * bytes, up to 64 KB), and a decompressor does the same with its output. Vigil reads each one once and
 * drops it. V8 frees such a buffer only when it collects its small wrapper object, and it collects
 * when its young generation fills or when outside memory has grown by about 64 MB. Reading registry
 * documents allocates few objects per byte, so neither comes soon. In a cold run of 1,500 packages
 * (bench), 20–35 MB of read chunks waited at a time while the giant documents streamed in, and the
 * process kept that memory resident until the end.
 *
 * So every CHUNK_BYTES_PER_COLLECTION of chunks read, this asks for a minor collection (a scavenge of
 * the young generation, where the dead wrappers are; about a millisecond, never the whole heap).
 * Node exposes that only as `gc`, behind `--expose-gc`. When the process was not started with it, the
 * function is taken the way jest-leak-detector does: set the flag, read `gc` from a new context, and
 * unset the flag, so no other context, worker or user code sees it. Where none of that works, reading
 * goes on as before and only the memory is higher.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type Collect = (options: { type: 'minor' }) => void;

/** About 60 collections in the bench's cold run (230 MB read); each frees what is dead of the last 4 MB. */
export const CHUNK_BYTES_PER_COLLECTION = 4 * 1024 * 1024;

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

/**
 * A counter of chunk bytes that asks `collect` for a minor collection each time `every` bytes have been
 * read since the last one. `collect` is looked up on the first collection, not before: a process that
 * reads nothing much never touches V8's flags.
 */
export function chunkCollector(lookUp: () => Collect | null, every = CHUNK_BYTES_PER_COLLECTION): (bytes: number) => void {
  let sinceCollection = 0;
  let collect: Collect | null | undefined;
  return (bytes) => {
    sinceCollection += bytes;
    if (sinceCollection < every) return;
    sinceCollection = 0;
    if (collect === undefined) collect = lookUp();
    try {
      collect?.({ type: 'minor' });
    } catch {
      // A V8 that refuses the options object: stop asking rather than fail a read over memory.
      collect = null;
    }
  };
}

/** Call with the size of each body chunk read (raw and, when the body is compressed, decoded). */
export const noteChunkRead = chunkCollector(findCollector);
