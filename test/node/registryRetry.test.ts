/**
 * Retries: what is retried (5xx, 429, resets), how long it waits (backoff with jitter, Retry-After,
 * caps and a total budget), and what never is (other 4xx, bad documents, timeouts, cancelled lookups).
 * Waits go through an injected scheduler: nothing here sleeps for real backoff.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import type { HttpGetResult } from '../../server/src/node/httpGet';
import { DEFAULT_RETRY, parseRetryAfter, planRetry, timerScheduler, withRetries, type RetryOptions, type Scheduler } from '../../server/src/node/retry';
import { FakeClock, makeClient, packument, recordingScheduler, testServer } from './helpers';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const options = (overrides: Partial<RetryOptions> = {}): RetryOptions => ({ ...DEFAULT_RETRY, random: () => 0.5, ...overrides });
const status = (code: number, headers: Record<string, string> = {}): HttpGetResult => ({ kind: 'status', status: code, headers });

test('parseRetryAfter: delay-seconds and HTTP dates; anything else is ignored', () => {
  const table: Array<[string | undefined, number | undefined]> = [
    ['0', 0],
    ['7', 7000],
    [' 12 ', 12_000],
    ['Wed, 01 May 2024 12:00:30 GMT', 30_000],
    ['Wednesday, 01-May-24 12:01:00 GMT', 60_000],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['2024-05-01T12:00:30Z', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of table) assert.equal(parseRetryAfter(value, NOW), expected, String(value));
});

test('planRetry: which answers are retried, after how long, and what the final one says', () => {
  const reset: HttpGetResult = { kind: 'failed', reason: 'network', detail: 'ECONNRESET', code: 'ECONNRESET' };
  const table: Array<[string, HttpGetResult, number, number, Partial<RetryOptions>, { delay?: number; detail?: string }]> = [
    ['500, first try: base backoff, jittered to 3/4', status(500), 1, 0, {}, { delay: 188 }],
    ['502, second try: doubled', status(502), 2, 188, {}, { delay: 375 }],
    ['503, jitter at its least: half the step', status(503), 1, 0, { random: () => 0 }, { delay: 125 }],
    ['504, jitter at its most: the whole step', status(504), 1, 0, { random: () => 0.999999 }, { delay: 250 }],
    ['backoff is capped', status(503), 6, 0, { attempts: 10, maxDelayMs: 1000, random: () => 0.999999 }, { delay: 1000 }],
    ['a reset is retried', reset, 1, 0, {}, { delay: 188 }],
    ['a truncated body is retried', { kind: 'failed', reason: 'network', detail: 'closed', code: 'truncated' }, 1, 0, {}, { delay: 188 }],
    ['the last try is reported with the count', status(503), 3, 500, {}, { detail: 'gave up after 3 tries' }],
    ['a reset on the last try keeps its cause', reset, 3, 500, {}, { detail: 'ECONNRESET; gave up after 3 tries' }],
    ['429 waits as long as Retry-After says', status(429, { 'retry-after': '5' }), 1, 0, {}, { delay: 5000 }],
    ['503 with Retry-After as a date', status(503, { 'retry-after': 'Wed, 01 May 2024 12:00:02 GMT' }), 1, 0, {}, { delay: 2000 }],
    ['429 without Retry-After backs off', status(429), 1, 0, {}, { delay: 188 }],
    [
      '429 asking for more than the cap: give up now, say when',
      status(429, { 'retry-after': '3600' }),
      1,
      0,
      {},
      { detail: 'too many requests: it asks to wait 60 min, longer than Vigil waits (30 s); try again after 2024-05-01T13:00:00Z' },
    ],
    ['waiting past the budget: give up', status(429, { 'retry-after': '20' }), 2, 50_000, {}, { detail: 'gave up after 2 tries: waiting longer would exceed 60 s' }],
    ['attempts: 1 turns retries off', status(503), 1, 0, { attempts: 1 }, {}],
  ];
  for (const [label, result, tries, waited, overrides, expected] of table) {
    const plan = planRetry(result, tries, waited, options(overrides), NOW);
    if (expected.delay !== undefined) {
      assert.ok(plan.retry, label);
      assert.equal(plan.delayMs, expected.delay, label);
    } else {
      assert.ok(!plan.retry, label);
      const detail = plan.result.kind === 'status' || plan.result.kind === 'failed' ? plan.result.detail : undefined;
      assert.equal(detail, expected.detail ?? (result.kind === 'failed' ? result.detail : undefined), label);
    }
  }
});

test('planRetry: answers that are never retried', () => {
  const never: Array<[string, HttpGetResult]> = [
    ...[400, 401, 403, 404, 405, 406, 408, 409, 410, 418, 451, 501, 505].map((code): [string, HttpGetResult] => [`HTTP ${code}`, status(code)]),
    ['a timeout', { kind: 'failed', reason: 'timeout', detail: 'no data' }],
    ['a DNS miss', { kind: 'failed', reason: 'network', detail: 'ENOTFOUND', code: 'ENOTFOUND' }],
    ['a certificate error', { kind: 'failed', reason: 'network', detail: 'CERT_HAS_EXPIRED', code: 'CERT_HAS_EXPIRED' }],
    ['a network failure without a code', { kind: 'failed', reason: 'network', detail: 'connection failed' }],
    ['too large', { kind: 'failed', reason: 'too-large', detail: 'big' }],
    ['cancelled', { kind: 'failed', reason: 'cancelled', detail: 'cancelled' }],
    ['a redirect refused', { kind: 'failed', reason: 'redirect', detail: 'elsewhere' }],
    ['an answer', { kind: 'ok', body: Buffer.from('{}'), headers: {} }],
  ];
  for (const [label, result] of never) {
    const plan = planRetry(result, 1, 0, options(), NOW);
    assert.ok(!plan.retry, label);
    assert.equal(plan.result, result, `${label}: reported as it came`);
  }
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const ok: Handler = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument('pkg')));
const reply = (code: number, headers: Record<string, string> = {}): Handler => (_req, res) => void res.writeHead(code, headers).end('{"error":"x"}');
const reset: Handler = (_req, res) => void res.socket?.destroy();
const truncated: Handler = (_req, res) => {
  res.writeHead(200, { 'content-length': '1000' });
  res.write('{"name":"pkg",', () => res.socket?.destroy());
};

/** Answers request i with `script[i]`, and with the last entry from then on. */
function scripted(script: Handler[]): Handler {
  let count = 0;
  return (req, res) => (script[Math.min(count++, script.length - 1)] as Handler)(req, res);
}

const RECOVERIES: Array<[string, Handler[], number[]]> = [
  ['500 then 200', [reply(500), ok], [188]],
  ['502, 502, 200', [reply(502), reply(502), ok], [188, 375]],
  ['503 then 200', [reply(503), ok], [188]],
  ['504 then 200', [reply(504), ok], [188]],
  ['a reset, then 200', [reset, ok], [188]],
  ['a truncated body, then 200', [truncated, ok], [188]],
  ['429 with Retry-After seconds, then 200', [reply(429, { 'retry-after': '2' }), ok], [2000]],
  ['429 with a Retry-After date, then 200', [reply(429, { 'retry-after': 'Wed, 01 May 2024 12:00:03 GMT' }), ok], [3000]],
  ['429 without Retry-After, then 200', [reply(429), ok], [188]],
];

for (const [label, script, waits] of RECOVERIES) {
  test(`retry against a server: ${label}`, async (t) => {
    const s = await testServer(t, scripted(script));
    const scheduler = recordingScheduler();
    const client = makeClient(t, s.url, { now: new FakeClock('2024-05-01T12:00:00.000Z').now, retry: { scheduler, random: () => 0.5 } });
    const result = await client.getPackument('pkg');
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(scheduler.waits, waits);
    assert.equal(s.requests.length, waits.length + 1);
    assert.equal(client.stats.requests, waits.length + 1);
  });
}

const FAILURES: Array<[string, Handler, number, RegExp]> = [
  ['503 every time', reply(503), 3, /^http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 503 for pkg \(gave up after 3 tries\)\.$/],
  ['a reset every time', reset, 3, /^Could not get pkg from http:\/\/127\.0\.0\.1:\d+\/ \(ECONNRESET; gave up after 3 tries\)\.$/],
  ['429 asking for an hour', reply(429, { 'retry-after': '3600' }), 1, /HTTP 429 for pkg \(too many requests: it asks to wait 60 min, longer than Vigil waits \(30 s\); try again after 2024-05-01T13:00:00Z\)\.$/],
  ['400', reply(400), 1, /answered HTTP 400 for pkg\.$/],
  ['403', reply(403), 1, /answered HTTP 403 for pkg\.$/],
  ['408', reply(408), 1, /answered HTTP 408 for pkg\.$/],
  ['501', reply(501), 1, /answered HTTP 501 for pkg\.$/],
  ['invalid JSON', (_q, res) => void res.writeHead(200).end('{"name":'), 1, /not valid JSON/],
];

for (const [label, handler, requests, message] of FAILURES) {
  test(`retry against a server gives up: ${label}`, async (t) => {
    const s = await testServer(t, handler);
    const client = makeClient(t, s.url, { now: new FakeClock('2024-05-01T12:00:00.000Z').now, retry: { scheduler: recordingScheduler() } });
    const result = await client.getPackument('pkg');
    assert.ok(!result.ok);
    assert.match(result.error.message, message);
    assert.equal(s.requests.length, requests);
  });
}

test('retry: the total wait is bounded by the budget', async (t) => {
  const s = await testServer(t, reply(503, { 'retry-after': '20' }));
  const scheduler = recordingScheduler();
  const client = makeClient(t, s.url, { retry: { scheduler, attempts: 10, budgetMs: 45_000 } });
  const result = await client.getPackument('pkg');
  assert.ok(!result.ok);
  assert.deepEqual(scheduler.waits, [20_000, 20_000]);
  assert.match(result.error.message, /gave up after 3 tries: waiting longer would exceed 45 s/);
});

/** A scheduler whose waits last until the test releases them (or the lookup is cancelled). */
function heldScheduler(): Scheduler & { sleeping(n: number): Promise<void>; release(): void; aborted: number } {
  const pending: Array<(slept: boolean) => void> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let count = 0;
  const held = {
    aborted: 0,
    sleeping: (n: number) => new Promise<void>((resolve) => (count >= n ? resolve() : void waiters.push({ n, resolve }))),
    release: () => pending.shift()?.(true),
    sleep: (_ms: number, signal: AbortSignal) =>
      new Promise<boolean>((resolve) => {
        pending.push(resolve);
        signal.addEventListener('abort', () => (held.aborted++, resolve(false)), { once: true });
        count++;
        for (const waiter of waiters.filter((w) => w.n <= count)) waiter.resolve();
      }),
  };
  return held;
}

test('withRetries: cancelled while backing off → cancelled, and no further attempt', async () => {
  const scheduler = heldScheduler();
  const controller = new AbortController();
  let attempts = 0;
  const pending = withRetries(async () => (attempts++, status(503)), options({ scheduler }), { signal: controller.signal, now: () => NOW });
  await scheduler.sleeping(1);
  controller.abort();
  assert.deepEqual(await pending, { kind: 'failed', reason: 'cancelled', detail: 'cancelled' });
  assert.equal(attempts, 1);
  assert.equal(scheduler.aborted, 1);
});

test('withRetries: an attempt that was cancelled is not retried; an aborted signal starts none', async () => {
  const controller = new AbortController();
  let attempts = 0;
  const attempt = async (): Promise<HttpGetResult> => {
    attempts++;
    controller.abort();
    return { kind: 'failed', reason: 'cancelled', detail: 'cancelled' };
  };
  const scheduler = recordingScheduler();
  assert.equal((await withRetries(attempt, options({ scheduler }), { signal: controller.signal, now: () => NOW })).kind, 'failed');
  assert.equal((await withRetries(attempt, options({ scheduler }), { signal: controller.signal, now: () => NOW })).kind, 'failed');
  assert.equal(attempts, 1);
  assert.deepEqual(scheduler.waits, []);
});

test('retry against a server: cancelling the lookup aborts its backoff', async (t) => {
  const s = await testServer(t, reply(503));
  const scheduler = heldScheduler();
  const client = makeClient(t, s.url, { retry: { scheduler } });
  const controller = new AbortController();
  const pending = client.getPackument('pkg', controller.signal);
  await scheduler.sleeping(1);
  controller.abort();
  const result = await pending;
  assert.equal(!result.ok && result.error.kind, 'cancelled');
  // The caller was the only one waiting, so the lookup itself was aborted, its wait with it.
  assert.equal(scheduler.aborted, 1);
  assert.equal(s.requests.length, 1);
});

test('retry against a server: a backing-off lookup gives up its connection slot to the others', async (t) => {
  const s = await testServer(t, (req, res) => (req.url === '/flaky' ? reply(503)(req, res) : ok(req, res)));
  const scheduler = heldScheduler();
  const client = makeClient(t, s.url, { concurrency: 1, retry: { scheduler } });
  const flaky = client.getPackument('flaky');
  await scheduler.sleeping(1);
  // With one slot, this could not be sent if the flaky lookup held it while waiting.
  assert.ok((await client.getPackument('pkg')).ok);
  scheduler.release();
  await scheduler.sleeping(2);
  scheduler.release();
  const result = await flaky;
  assert.equal(!result.ok && result.error.status, 503);
  assert.deepEqual(s.requests.map((r) => r.url), ['/flaky', '/pkg', '/flaky', '/flaky']);
});

test('timerScheduler: sleeps for real, and an abort ends the sleep at once', async () => {
  const controller = new AbortController();
  assert.equal(await timerScheduler.sleep(1, controller.signal), true);
  const long = timerScheduler.sleep(600_000, controller.signal);
  controller.abort();
  assert.equal(await long, false);
  assert.equal(await timerScheduler.sleep(1, controller.signal), false);
});
