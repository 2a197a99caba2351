/**
 * Retries for registry GETs, the way npm's own fetcher behaves, with every wait bounded:
 * - 500/502/503/504 and transient network failures (reset, refused, truncated body): exponential
 *   backoff with jitter, a bounded number of attempts;
 * - 429 (and a 5xx carrying Retry-After): wait as long as the registry asks, up to a cap; asked to wait
 *   longer, give up at once with a message saying when to try again;
 * - nothing else: other 4xx are answers, timeouts already waited their full length, and a cancelled
 *   lookup is never retried;
 * - the total time spent waiting is capped as well, so one package cannot stall an analysis.
 *
 * Timers come from an injected Scheduler so tests never sleep through real backoff.
 */
import type { HttpGetResult } from './httpGet';

export interface Scheduler {
  /** Resolves true after `ms`, or false as soon as `signal` aborts (the timer is then cleared). */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** First backoff; doubles with each retry, then jittered to between half and all of it. */
  baseDelayMs: number;
  /** Cap on one backoff. */
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer → fail now, saying when to retry. */
  maxRetryAfterMs: number;
  /** Cap on the total waited between attempts of one lookup. */
  budgetMs: number;
  scheduler: Scheduler;
  /** [0, 1), for jitter. */
  random: () => number;
}

export interface RetryContext {
  signal: AbortSignal;
  /** Wall clock, to read Retry-After dates and to say when to try again. */
  now: () => Date;
  /** Told before each wait, for the log: why, and how long. */
  onRetry?: (why: string, delayMs: number) => void;
}

export const timerScheduler: Scheduler = {
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      // Not unref'd: a CLI waiting out a backoff must not exit half-way through its analysis.
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
  budgetMs: 60_000,
  scheduler: timerScheduler,
  random: Math.random,
};

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** Network failures worth another try; DNS misses, TLS and certificate errors are not. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'truncated']);

type Plan<T> = { retry: true; delayMs: number; why: string } | { retry: false; result: HttpGetResult<T> };

export async function withRetries<T>(
  attempt: () => Promise<HttpGetResult<T>>,
  options: RetryOptions,
  context: RetryContext,
): Promise<HttpGetResult<T>> {
  const cancelled: HttpGetResult<T> = { kind: 'failed', reason: 'cancelled', detail: 'cancelled' };
  let waited = 0;
  for (let tries = 1; ; tries++) {
    if (context.signal.aborted) return cancelled;
    const result = await attempt();
    const plan = planRetry(result, tries, waited, options, context.now());
    if (!plan.retry) return plan.result;
    context.onRetry?.(plan.why, plan.delayMs);
    if (!(await options.scheduler.sleep(plan.delayMs, context.signal))) return cancelled;
    waited += plan.delayMs;
  }
}

/** Whether and how long to wait after try number `tries`; when not, the result to report. */
export function planRetry<T>(result: HttpGetResult<T>, tries: number, waited: number, options: RetryOptions, now: Date): Plan<T> {
  const transientNetwork = result.kind === 'failed' && result.reason === 'network' && TRANSIENT_CODES.has(result.code ?? '');
  if (!transientNetwork && !(result.kind === 'status' && RETRY_STATUS.has(result.status))) return { retry: false, result };

  const retryAfter = result.kind === 'status' ? parseRetryAfter(result.headers['retry-after'], now) : undefined;
  if (retryAfter !== undefined && retryAfter > options.maxRetryAfterMs) {
    const when = new Date(now.getTime() + retryAfter).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const asked = `it asks to wait ${formatWait(retryAfter)}, longer than Vigil waits (${formatWait(options.maxRetryAfterMs)}); try again after ${when}`;
    return { retry: false, result: annotate(result, result.kind === 'status' && result.status === 429 ? `too many requests: ${asked}` : asked) };
  }
  const delayMs = retryAfter ?? backoff(tries, options);
  const gaveUp = `gave up after ${tries} ${tries === 1 ? 'try' : 'tries'}`;
  if (tries >= options.attempts) return { retry: false, result: tries > 1 ? annotate(result, gaveUp) : result };
  if (waited + delayMs > options.budgetMs) return { retry: false, result: annotate(result, `${gaveUp}: waiting longer would exceed ${formatWait(options.budgetMs)}`) };
  const why = result.kind === 'status' ? `HTTP ${result.status}` : result.detail;
  return { retry: true, delayMs, why: `${why} (try ${tries} of ${options.attempts})` };
}

/** Equal jitter: half the exponential step fixed, half random, so clients that failed together spread out. */
function backoff(tries: number, options: RetryOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (tries - 1));
  return Math.round(step / 2 + (step / 2) * options.random());
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now` (a past date is 0); undefined if unusable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the HTTP-date shapes (IMF-fixdate and the obsolete ones all name a weekday and a GMT zone).
  if (!/^[A-Za-z]{3,9}, .*GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function annotate<T>(result: HttpGetResult<T>, note: string): HttpGetResult<T> {
  if (result.kind === 'status') return { ...result, detail: note };
  if (result.kind === 'failed') return { ...result, detail: `${result.detail}; ${note}` };
  return result;
}

function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`;
}
