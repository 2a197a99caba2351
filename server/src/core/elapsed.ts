/**
 * How the analysis instant meets the data: "is this release older than the cooldown", "how long ago, in
 * words". Every such question goes through elapsedSince(), so that an analysis run with a tracked instant
 * (trackedNow) can say afterwards until when its result stays exactly the same: the earliest instant at
 * which any answer it gave would flip. The result cache (node/resultCache.ts) reuses a result until then
 * and not a millisecond longer, and the language server checks a document again then (lsp/timeRefresh.ts).
 *
 * A tracked instant is a Date to the type checker and to `instanceof`, but any direct use of it (getTime,
 * toISOString, valueOf, `new Date(now)`, ...) marks the result as not reusable, since nobody noted what that
 * use depended on. So a new signal that reads the clock some other way costs the cache a hit, never a
 * wrong answer.
 */
import { duration } from './format';

export interface Elapsed {
  /** now − at ≥ span. */
  atLeast(span: number): boolean;
  /** now − at > span. */
  over(span: number): boolean;
  /** Math.floor((now − at) / unit). */
  whole(unit: number): number;
  /** The age in words: format.ts duration(now − at). */
  words(): string;
}

/** What an analysis with a tracked instant depended on. */
export type TimeDependence =
  /** Same result for every instant from the tracked one until `until` (exclusive; Infinity: for ever). */
  | { reusable: true; until: number }
  /** The instant was used directly: no saying when the result changes. */
  | { reusable: false };

interface Tracking {
  readonly ms: number;
  until: number;
  raw: boolean;
}

const tracking = new WeakMap<object, Tracking>();

/** A Date-like instant whose uses are recorded (see the module comment); read the record with dependenceOf(). */
export function trackedNow(ms: number): Date {
  const instant = Object.create(TrackedDate.prototype) as Date;
  tracking.set(instant, { ms, until: Number.POSITIVE_INFINITY, raw: false });
  return instant;
}

export function dependenceOf(now: Date): TimeDependence {
  const state = tracking.get(now);
  if (!state) return { reusable: false };
  return state.raw ? { reusable: false } : { reusable: true, until: state.until };
}

/**
 * The ISO form of `now` for a result's `asOf` stamp, not counted as a dependence: a cache that reuses the
 * result writes its own instant there (cachedAnalysis.ts does).
 */
export function stampOf(now: Date): string {
  const state = tracking.get(now);
  return state ? new Date(state.ms).toISOString() : now.toISOString();
}

/** Questions about the time from `at` (ms since the epoch) to `now`. */
export function elapsedSince(now: Date, at: number): Elapsed {
  const state = tracking.get(now);
  return new Age(state, state ? state.ms : now.getTime(), at);
}

/** A class, not closures: the burst and pin checks ask once per release of every package. */
class Age implements Elapsed {
  readonly #age: number;

  constructor(
    readonly state: Tracking | undefined,
    readonly nowMs: number,
    at: number,
  ) {
    this.#age = nowMs - at;
  }

  atLeast(span: number): boolean {
    if (!this.state) return this.#age >= span;
    // A comparison that holds, holds for ever: ages only grow.
    return this.#ask((a) => a >= span, (holds) => (holds ? Number.POSITIVE_INFINITY : Math.ceil(span - this.#age)));
  }

  over(span: number): boolean {
    if (!this.state) return this.#age > span;
    return this.#ask((a) => a > span, (holds) => (holds ? Number.POSITIVE_INFINITY : Math.floor(span - this.#age) + 1));
  }

  whole(unit: number): number {
    if (!this.state) return Math.floor(this.#age / unit);
    return this.#ask((a) => Math.floor(a / unit), (count) => Math.ceil((count + 1) * unit - this.#age));
  }

  words(): string {
    if (!this.state) return duration(this.#age);
    return this.#ask(duration);
  }

  /** answer(age), noting when it changes; `guess` says where, and is checked before it is believed. */
  #ask<T>(answer: (age: number) => T, guess?: (value: T) => number): T {
    const value = answer(this.#age);
    const state = this.state;
    if (state) state.until = Math.min(state.until, this.nowMs + stepsUntilChange(answer, this.#age, value, guess?.(value)));
    return value;
  }
}

/** Beyond this (about 35,000 years) an answer that has not changed is taken never to change. */
const HORIZON_MS = 2 ** 50;

/**
 * The smallest whole number of milliseconds d ≥ 1 with answer(age + d) ≠ value; Infinity when none within
 * the horizon. Exact for answers that never return to a value once they left it (true of every question
 * Elapsed asks: comparisons flip once, counts and duration() words only grow), so the search can double
 * its step and then halve it without missing a change.
 */
function stepsUntilChange<T>(answer: (age: number) => T, age: number, value: T, guess?: number): number {
  if (guess === Number.POSITIVE_INFINITY) return guess;
  // The arithmetic guess, when the answer agrees it is the first changed millisecond (floating point may not).
  if (guess !== undefined && guess >= 1 && guess <= HORIZON_MS && !Object.is(answer(age + guess), value) && (guess === 1 || Object.is(answer(age + guess - 1), value))) return guess;
  let unchanged = 0;
  let step = 1;
  while (Object.is(answer(age + step), value)) {
    unchanged = step;
    if (step >= HORIZON_MS) return Number.POSITIVE_INFINITY;
    step *= 2;
  }
  let changed = step;
  while (changed - unchanged > 1) {
    const middle = unchanged + Math.floor((changed - unchanged) / 2);
    if (Object.is(answer(age + middle), value)) unchanged = middle;
    else changed = middle;
  }
  return changed;
}

/** Date's methods, each marking the instant as used directly before answering as a Date would. */
class TrackedDate {}
Object.setPrototypeOf(TrackedDate.prototype, Date.prototype);
for (const key of Reflect.ownKeys(Date.prototype)) {
  if (key === 'constructor') continue;
  const original = (Date.prototype as unknown as Record<PropertyKey, unknown>)[key];
  if (typeof original !== 'function') continue;
  const setter = typeof key === 'string' && key.startsWith('set');
  Object.defineProperty(TrackedDate.prototype, key, {
    configurable: true,
    writable: true,
    value(this: object, ...args: unknown[]): unknown {
      const state = tracking.get(this);
      if (!state) throw new TypeError('not a tracked instant');
      if (setter) throw new TypeError('the analysis instant cannot be changed');
      state.raw = true;
      return (original as (...a: unknown[]) => unknown).apply(new Date(state.ms), args);
    },
  });
}
