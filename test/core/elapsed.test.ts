/**
 * The tracked analysis instant (core/elapsed.ts): each question notes exactly when its answer flips, any
 * other use of the instant makes the result not reusable, and a whole analysis gives the same result at
 * every instant before the one it names.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type AnalysisResult, type ProjectFile } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { dependenceOf, elapsedSince, stampOf, trackedNow } from '../../server/src/core/elapsed';
import { DAY_MS, duration, HOUR_MS } from '../../server/src/core/format';
import type { Registry } from '../../server/src/core/registry/types';
import { FileRegistry, FIXTURES, loadPackuments, scenarioDir } from '../helpers/fileRegistry';

const T = Date.parse('2026-11-22T08:00:00.000Z');

/** The instant `until` says, checked by asking the same question a millisecond before and at it. */
function untilOf(ask: (now: Date) => unknown): number {
  const now = trackedNow(T);
  ask(now);
  const dependence = dependenceOf(now);
  assert.equal(dependence.reusable, true);
  return dependence.reusable ? dependence.until : Number.NaN;
}

describe('elapsedSince on a tracked instant', () => {
  const cases: Array<{ name: string; at: number; ask: (now: Date, at: number) => unknown; until: number }> = [
    { name: 'atLeast, not yet: flips when the span is reached', at: T - 5 * DAY_MS, ask: (n, at) => elapsedSince(n, at).atLeast(7 * DAY_MS), until: T + 2 * DAY_MS },
    { name: 'atLeast, already: never flips back', at: T - 9 * DAY_MS, ask: (n, at) => elapsedSince(n, at).atLeast(7 * DAY_MS), until: Number.POSITIVE_INFINITY },
    { name: 'atLeast(0) of a future instant: flips at it', at: T + 1234, ask: (n, at) => elapsedSince(n, at).atLeast(0), until: T + 1234 },
    { name: 'over, not yet: flips one millisecond after the span', at: T - 5 * DAY_MS, ask: (n, at) => elapsedSince(n, at).over(7 * DAY_MS), until: T + 2 * DAY_MS + 1 },
    { name: 'whole days: the next whole day', at: T - 3.25 * DAY_MS, ask: (n, at) => elapsedSince(n, at).whole(DAY_MS), until: T + 0.75 * DAY_MS },
    { name: 'whole hours of a future instant', at: T + 90 * 60_000, ask: (n, at) => elapsedSince(n, at).whole(HOUR_MS), until: T + 30 * 60_000 },
    { name: 'words: "3 days" until 3.5 days', at: T - 3 * DAY_MS, ask: (n, at) => elapsedSince(n, at).words(), until: T + 0.5 * DAY_MS },
    { name: 'words: "47 hours" until 47.5 hours', at: T - 47 * HOUR_MS, ask: (n, at) => elapsedSince(n, at).words(), until: T + 0.5 * HOUR_MS },
    { name: 'words: "48 hours" until the day band at 2 days', at: T - 47.6 * HOUR_MS, ask: (n, at) => elapsedSince(n, at).words(), until: T + 0.4 * HOUR_MS },
    { name: 'an unparsable date never changes its answer', at: Number.NaN, ask: (n, at) => elapsedSince(n, at).atLeast(DAY_MS), until: Number.POSITIVE_INFINITY },
  ];
  for (const { name, at, ask, until } of cases) {
    test(name, () => assert.equal(untilOf((now) => ask(now, at)), until));
  }

  test('several questions: the earliest change wins', () => {
    const now = trackedNow(T);
    elapsedSince(now, T - 10 * DAY_MS).atLeast(90 * DAY_MS);
    elapsedSince(now, T - 2 * DAY_MS).atLeast(3 * DAY_MS);
    elapsedSince(now, T - 400 * DAY_MS).words();
    assert.deepEqual(dependenceOf(now), { reusable: true, until: T + DAY_MS });
  });

  test('words() changes exactly at the instant named, over ages from seconds to years', () => {
    // A seeded walk over ages: the words a millisecond before `until` are the same, at `until` they differ.
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 400; i++) {
      const age = Math.floor(next() ** 3 * 5 * 365 * DAY_MS);
      const until = untilOf((now) => elapsedSince(now, T - age).words());
      const steps = until - T;
      assert.ok(steps >= 1 && Number.isInteger(steps), `age ${age}: ${steps}`);
      assert.equal(duration(age + steps - 1), duration(age), `age ${age}: same words just before`);
      assert.notEqual(duration(age + steps), duration(age), `age ${age}: new words at until`);
    }
  });

  test('a plain Date is answered the same and records nothing', () => {
    const plain = new Date(T);
    assert.equal(elapsedSince(plain, T - 3 * DAY_MS).words(), '3 days');
    assert.equal(elapsedSince(plain, T - 3 * DAY_MS).atLeast(2 * DAY_MS), true);
    assert.deepEqual(dependenceOf(plain), { reusable: false });
  });
});

describe('using a tracked instant directly makes the result not reusable', () => {
  const uses: Array<[string, (now: Date) => unknown]> = [
    ['getTime', (now) => now.getTime()],
    ['toISOString', (now) => now.toISOString()],
    ['valueOf through arithmetic', (now) => +now],
    ['a comparison', (now) => (now as unknown as number) > 0],
    ['new Date(now)', (now) => new Date(now)],
    ['a template literal', (now) => `${now}`],
    ['JSON.stringify', (now) => JSON.stringify({ now })],
    ['getUTCFullYear', (now) => now.getUTCFullYear()],
  ];
  for (const [name, use] of uses) {
    test(name, () => {
      const now = trackedNow(T);
      use(now);
      assert.deepEqual(dependenceOf(now), { reusable: false });
    });
  }

  test('it still answers as the Date it stands for', () => {
    const now = trackedNow(T);
    assert.ok(now instanceof Date);
    assert.equal(now.getTime(), T);
    assert.equal(now.toISOString(), '2026-11-22T08:00:00.000Z');
    assert.equal(new Date(now).getTime(), T);
  });

  test('it cannot be changed', () => {
    assert.throws(() => trackedNow(T).setTime(0), /cannot be changed/);
  });

  test("stampOf (the result's asOf) is not a use", () => {
    const now = trackedNow(T);
    assert.equal(stampOf(now), '2026-11-22T08:00:00.000Z');
    assert.deepEqual(dependenceOf(now), { reusable: true, until: Number.POSITIVE_INFINITY });
  });
});

/** The result without its stamp, which a reusing cache writes itself. */
function unstamped(result: AnalysisResult): unknown {
  return { ...result, asOf: undefined };
}

interface Project {
  name: string;
  files: ProjectFile[];
  registry: () => Registry;
  /** Instants to analyse at: where signals start and stop. */
  instants: number[];
}

/** Publish instants of every version in a set of packuments. */
function publishTimes(docs: Map<string, unknown>): number[] {
  return [...docs.values()].flatMap((doc) => Object.entries((doc as { time?: Record<string, string> }).time ?? {}).filter(([key]) => key !== 'created' && key !== 'modified').map(([, iso]) => Date.parse(iso))).filter(Number.isFinite);
}

/** Moments after the last few releases where cooldowns end, ages change words and warnings fade. */
function interesting(times: number[]): number[] {
  const last = [...new Set(times)].sort((a, b) => b - a).slice(0, 3);
  const offsets = [60_000, 2 * HOUR_MS, 2.6 * DAY_MS, 6.9 * DAY_MS, 40 * DAY_MS, 89.99 * DAY_MS, 120 * DAY_MS, 400 * DAY_MS];
  return last.flatMap((at) => offsets.map((offset) => Math.floor(at + offset)));
}

function projects(): Project[] {
  const scenarios = ['ua-parser-js-2021', 'maintainer-handover', 'trust-downgrade'].map((name) => {
    const dir = scenarioDir(name);
    const docs = loadPackuments(join(dir, 'registry'));
    return {
      name,
      files: [{ path: 'package.json', text: readFileSync(join(dir, 'project', 'package.json'), 'utf8') }],
      registry: () => new FileRegistry(docs),
      instants: interesting(publishTimes(docs)),
    };
  });
  const recorded = loadPackuments(join(FIXTURES, 'packuments'));
  const names = [...recorded.keys()].sort();
  const manifest = { name: 'all-recorded', dependencies: Object.fromEntries(names.map((name) => [name, '*'])) };
  // A suppression that expires inside the range of instants: its expiry must end the result's reuse.
  const expiry = '2026-12-01';
  const policy = { suppressions: [{ package: names[0], signal: 'deprecated', reason: 'known', expires: expiry }] };
  return [
    ...scenarios,
    {
      name: 'every recorded packument, with an expiring suppression',
      files: [
        { path: 'package.json', text: JSON.stringify(manifest, null, 2) },
        { path: '.vigilrc.json', text: JSON.stringify(policy, null, 2) },
      ],
      registry: () => new FileRegistry(recorded),
      instants: [...interesting(publishTimes(recorded)), Date.parse(`${expiry}T00:00:00Z`) - 5 * 60_000, T],
    },
  ];
}

describe('an analysis at a tracked instant is the same at every instant before the one it names', () => {
  for (const project of projects()) {
    test(project.name, async () => {
      const run = (now: Date): Promise<AnalysisResult> => analyze({ files: project.files }, { registry: project.registry(), now, config: DEFAULT_CONFIG });
      let boundaries = 0;
      for (const at of project.instants) {
        const now = trackedNow(at);
        const first = await run(now);
        const dependence = dependenceOf(now);
        assert.equal(dependence.reusable, true, `at ${new Date(at).toISOString()}: the analysis used the instant directly`);
        if (!dependence.reusable) continue;
        assert.ok(dependence.until > at);
        assert.equal(first.asOf, new Date(at).toISOString());
        const end = Number.isFinite(dependence.until) ? dependence.until : at + 20 * 365 * DAY_MS;
        for (const later of [at + 1, Math.floor((at + end) / 2), end - 1]) {
          assert.deepEqual(unstamped(await run(new Date(later))), unstamped(first), `from ${new Date(at).toISOString()} to ${new Date(later).toISOString()} (until ${new Date(end).toISOString()})`);
        }
        if (Number.isFinite(dependence.until) && JSON.stringify(unstamped(await run(new Date(dependence.until)))) !== JSON.stringify(unstamped(first))) boundaries++;
      }
      // Not every noted instant changes what is reported (a pin candidate may come of age behind the one
      // picked), but the instants chosen here cross real boundaries: the test would see a late one.
      assert.ok(boundaries > 0, 'some result changes exactly at the instant its analysis named');
    });
  }
});

