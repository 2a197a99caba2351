/**
 * Validating a document again when time changes its result (a cooldown ends, a warning fades, an age
 * changes words: core/elapsed.ts says when), so a finding does not outlive its reason while nobody types.
 */
import type { Schedule } from './validator';

/**
 * Validating again because time changed the answer happens at most this often: a release minutes old
 * changes its "published N minutes ago" every minute, which is not worth a re-analysis each time.
 */
export const TIME_REFRESH_MIN_MS = 5 * 60_000;
/** And at least this often while an answer is due to change later (timers this long are capped anyway). */
const TIME_REFRESH_MAX_MS = 24 * 60 * 60_000;

export class TimeRefresh {
  /** Per URI, the cancel function of its pending re-validation. */
  readonly #timers = new Map<string, () => void>();

  constructor(
    private readonly schedule: Schedule,
    private readonly revalidate: (uri: string) => void,
  ) {}

  /** Validates `uri` again at `until` (ms; not sooner than TIME_REFRESH_MIN_MS after `nowMs`); Infinity: never. */
  at(uri: string, until: number, nowMs: number): void {
    this.cancel(uri);
    if (!Number.isFinite(until)) return;
    const delay = Math.min(Math.max(until - nowMs, TIME_REFRESH_MIN_MS), TIME_REFRESH_MAX_MS);
    const cancel = this.schedule(() => {
      this.#timers.delete(uri);
      this.revalidate(uri);
    }, delay);
    this.#timers.set(uri, cancel);
  }

  cancel(uri: string): void {
    this.#timers.get(uri)?.();
    this.#timers.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.#timers.keys()]) this.cancel(uri);
  }
}
