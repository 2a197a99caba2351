/**
 * Small building blocks of the registry client: a counting semaphore whose waiters can give up, a
 * weighted LRU map, and a shared task that many callers await but that is aborted only when every one
 * of them has given up.
 */
import type { AbortSignalLike } from '../core/registry/types';

/** A signal we can listen to (the core's AbortSignalLike only promises a flag). */
export function isEventSignal(signal: AbortSignalLike | undefined): signal is AbortSignal {
  return typeof (signal as AbortSignal | undefined)?.addEventListener === 'function';
}

export class Limiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('Limiter needs room for at least one task');
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Resolves true once a slot is held (call release()), false if `signal` aborted first. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        resolve(false);
      };
      // release() hands its slot straight to the next waiter, so #active is not touched here.
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}

/** LRU by total weight (a summary's weight is its version count: memory grows with versions, not names). */
export class WeightedLru<V> {
  readonly #items = new Map<string, { value: V; weight: number }>();
  #total = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#items.size;
  }

  get weight(): number {
    return this.#total;
  }

  /** Marks `key` most recently used. */
  get(key: string): V | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    this.#items.delete(key);
    this.#items.set(key, item);
    return item.value;
  }

  /** Without touching recency: peeking is not using. */
  peek(key: string): V | undefined {
    return this.#items.get(key)?.value;
  }

  /** Every item, least recently used first, without touching recency. */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, item] of this.#items) yield [key, item.value];
  }

  set(key: string, value: V, weight: number): void {
    this.delete(key);
    // Always keep the newest item, even one heavier than the whole budget: it is about to be used.
    this.#items.set(key, { value, weight });
    this.#total += weight;
    for (const [oldKey, item] of this.#items) {
      if (this.#total <= this.capacity || oldKey === key) break;
      this.#items.delete(oldKey);
      this.#total -= item.weight;
    }
  }

  delete(key: string): void {
    const item = this.#items.get(key);
    if (!item) return;
    this.#items.delete(key);
    this.#total -= item.weight;
  }
}

/**
 * One run of `task`, awaited by any number of callers. A caller whose signal fires gets `onCancel()`
 * at once; the task itself is aborted only when no caller is left, so one impatient caller cannot
 * cancel a lookup others still wait for.
 */
export class SharedTask<T> {
  /** Made when the task first asks for its signal: an AbortController costs more than most lookups (a cache hit). */
  #controller: AbortController | undefined;
  #abandoned = false;
  readonly #promise: Promise<T>;
  readonly #onAbandon: () => void;
  #waiters = 0;

  /** `task` gets the signal through a function: ask for it only when there is something to abort. */
  constructor(task: (signal: () => AbortSignal) => Promise<T>, onAbandon: () => void) {
    this.#onAbandon = onAbandon;
    this.#promise = task(() => this.#signal());
  }

  #signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abandoned) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  get settled(): Promise<T> {
    return this.#promise;
  }

  join(signal: AbortSignalLike | undefined, onCancel: () => T): Promise<T> {
    this.#waiters++;
    // A plain flag cannot tell us when it flips, so such a caller waits for the end like everyone else.
    if (!isEventSignal(signal)) return this.#promise;
    if (signal.aborted) {
      this.#leave();
      return Promise.resolve(onCancel());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        resolve(onCancel());
        this.#leave();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  #leave(): void {
    this.#waiters--;
    if (this.#waiters === 0) {
      this.#onAbandon();
      this.#abandoned = true;
      this.#controller?.abort();
    }
  }
}
