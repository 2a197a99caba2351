/**
 * The validator's scheduling, in process and without timers: registry answers are released by the test,
 * the debounce runs on a scheduler the test drives. Proves memory-first publishing, cancellation of stale
 * analyses, and debouncing, each deterministically.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { statusView } from '../../client/src/statusView';
import type { AbortSignalLike, RegistryResult } from '../../server/src/core/registry/types';
import { SettingsCache } from '../../server/src/lsp/settings';
import { StatusReporter } from '../../server/src/lsp/status';
import { TIME_REFRESH_MIN_MS } from '../../server/src/lsp/timeRefresh';
import { Validator, type DocumentSource, type Schedule } from '../../server/src/lsp/validator';
import type { AdvisoryQuery, AdvisoryResult } from '../../server/src/core/advisories/types';
import type { CachingAdvisorySource, CachingRegistry, Runtime } from '../../server/src/node/runtime';
import type { StatusParams } from '../../server/src/protocol';
import { FileRegistry, scenarioDir } from '../helpers/fileRegistry';
import { ResultCache } from '../../server/src/node/resultCache';

const AS_OF = '2020-09-30T13:15:21.378Z';
const URI = 'file:///project/package.json';
const MANIFEST = '{\n  "dependencies": {\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';

/** A registry whose network answers wait until the test releases them. */
class GatedRegistry implements CachingRegistry {
  readonly registryUrl = 'https://registry.test/';
  readonly registrySource = 'test';
  readonly stats = { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 };
  readonly memory = new Map<string, RegistryResult>();
  readonly signals: AbortSignalLike[] = [];
  private readonly waiting: Array<{ name: string; resolve(result: RegistryResult): void }> = [];
  private onAsked: (() => void) | undefined;
  /** After release(), fetches are answered as they come. */
  private released = false;

  constructor(private readonly source: FileRegistry) {}

  peek(name: string): RegistryResult | undefined {
    return this.memory.get(name);
  }

  /** Recorded documents do not go stale: a stored result over them holds (for as long as the store keeps any). */
  reusableUntil(): number {
    return Number.POSITIVE_INFINITY;
  }

  getPackument(name: string, signal?: AbortSignalLike): Promise<RegistryResult> {
    const known = this.memory.get(name);
    if (known) return Promise.resolve(known);
    if (signal) this.signals.push(signal);
    if (this.released) return this.fetch(name);
    return new Promise((resolve) => {
      this.waiting.push({ name, resolve });
      this.onAsked?.();
    });
  }

  /** Resolves once some fetch is waiting. */
  asked(): Promise<void> {
    if (this.waiting.length > 0) return Promise.resolve();
    return new Promise((resolve) => (this.onAsked = resolve));
  }

  /** Answers the waiting fetches, and every later one, from the recorded documents. */
  async release(): Promise<void> {
    this.released = true;
    for (let fetch = this.waiting.shift(); fetch; fetch = this.waiting.shift()) fetch.resolve(await this.fetch(fetch.name));
  }

  private async fetch(name: string): Promise<RegistryResult> {
    const result = await this.source.getPackument(name);
    this.memory.set(name, result);
    return result;
  }
}

/** An advisory source that records each call; `answer` decides what the endpoint says. */
class FakeAdvisories implements CachingAdvisorySource {
  readonly bulkCalls: AdvisoryQuery[] = [];
  readonly peekCalls: AdvisoryQuery[] = [];
  constructor(private readonly answer: (query: AdvisoryQuery) => AdvisoryResult = () => ({ ok: true, advisories: {} })) {}

  peek(query: AdvisoryQuery): AdvisoryResult {
    this.peekCalls.push(query);
    return { ok: false, error: { kind: 'cancelled', message: 'not in memory' } };
  }

  bulk(query: AdvisoryQuery): Promise<AdvisoryResult> {
    this.bulkCalls.push(query);
    return Promise.resolve(this.answer(query));
  }
}

interface Published {
  version: number | undefined;
  diagnostics: Diagnostic[];
}

/** `asOf` null: no replay (advisories are asked for). `clock`: the runtime's; default a fixed instant. */
function setup(advisories = new FakeAdvisories(), asOf: string | null = AS_OF, clock: () => Date = () => new Date('2030-01-01T00:00:00Z'), results?: ResultCache) {
  const registry = new GatedRegistry(FileRegistry.fromDirs(scenarioDir('ua-parser-js-2021') + '/registry'));
  const runtime: Runtime = {
    now: clock,
    readFile: () => Promise.reject(new Error('no disk in this test')),
    registry: () => Promise.resolve(registry),
    advisories: () => Promise.resolve(advisories),
    log: () => undefined,
    ...(results && { resultCache: () => results }),
  };
  const documents = new Map<string, DocumentSource>([[URI, { text: MANIFEST, version: 1 }]]);
  const published: Published[] = [];
  const statuses: StatusParams[] = [];
  const status = new StatusReporter((params) => statuses.push(params));
  status.start();
  const timers: Array<{ callback: () => void; cancelled: boolean; ms: number }> = [];
  const schedule: Schedule = (callback, ms) => {
    const timer = { callback, cancelled: false, ms };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const validator = new Validator({
    runtime,
    settings: new SettingsCache(() => Promise.resolve(asOf ? { asOf } : {}), {}, () => undefined),
    schedule,
    debounceMs: 250,
    read: (uri) => Promise.resolve(documents.get(uri)),
    publish: (_uri, version, diagnostics) => published.push({ version, diagnostics }),
    status,
    log: { info: () => undefined, error: (message) => assert.fail(message) },
  });
  return { registry, advisories, documents, published, statuses, timers, validator };
}

const codes = (entry: Published | undefined): string[] => (entry?.diagnostics ?? []).map((d) => String(d.code)).sort();

describe('validator', () => {
  it('publishes what memory knows at once, then the full analysis when the fetch lands', async () => {
    const { registry, published, statuses, validator } = setup();
    const done = validator.validate(URI);
    await registry.asked();
    // Nothing cached yet: the first publication is empty, and the status says one package is pending.
    assert.deepEqual(published, [{ version: 1, diagnostics: [] }]);
    assert.equal(statuses.at(-1)?.state, 'checking');
    assert.equal(statuses.at(-1)?.pending, 1);
    await registry.release();
    await done;
    assert.equal(published.length, 2);
    assert.deepEqual(codes(published[1]), ['install-script-added', 'recent-release', 'release-line-burst']);
    assert.equal(statuses.at(-1)?.state, 'done');
    assert.equal(statuses.at(-1)?.counts.error, 1);
  });

  it('answers edits from memory in the first pass once the package is known', async () => {
    const { registry, documents, published, validator } = setup();
    const first = validator.validate(URI);
    await registry.asked();
    await registry.release();
    await first;
    documents.set(URI, { text: MANIFEST.replace('  }\n}', '  },\n  "private": true\n}'), version: 2 });
    await validator.validate(URI);
    // The memory pass already had the finding; the full pass found the same and was not re-sent.
    assert.deepEqual(
      published.map((entry) => [entry.version, codes(entry).length]),
      [[1, 0], [1, 3], [2, 3]],
    );
  });

  it('aborts the analysis of a superseded version and never publishes its results', async () => {
    const { registry, documents, published, validator } = setup();
    const stale = validator.validate(URI);
    await registry.asked();
    documents.set(URI, { text: MANIFEST, version: 2 });
    const fresh = validator.validate(URI);
    assert.equal(registry.signals[0]?.aborted, true);
    await registry.release();
    await Promise.all([stale, fresh]);
    const fromVersion1 = published.filter((entry) => entry.version === 1);
    assert.deepEqual(fromVersion1.map(codes), [[]], 'only the memory pass of version 1 was published');
    assert.deepEqual(codes(published.at(-1)), ['install-script-added', 'recent-release', 'release-line-burst']);
    assert.equal(published.at(-1)?.version, 2);
  });

  it('debounces: each edit restarts the delay, and only the last one validates', async () => {
    const { registry, published, timers, validator } = setup();
    validator.schedule(URI);
    validator.schedule(URI);
    validator.schedule(URI);
    assert.deepEqual(timers.map((timer) => timer.cancelled), [true, true, false]);
    assert.equal(published.length, 0);
    timers[2]?.callback();
    await registry.asked();
    // One validation ran (its memory pass is published and its fetch is waiting); the two others never started.
    assert.equal(published.length, 1);
    validator.dispose();
    await registry.release();
  });

  it('forget stops work and clears diagnostics and status', async () => {
    const { registry, published, statuses, validator } = setup();
    const run = validator.validate(URI);
    await registry.asked();
    validator.forget(URI);
    await registry.release();
    await run;
    assert.deepEqual(published.at(-1), { version: undefined, diagnostics: [] });
    assert.equal(statuses.at(-1)?.files, 0);
  });
});

describe('validator and advisories', () => {
  const MALWARE = {
    id: null,
    url: 'https://github.com/advisories/GHSA-pjwm-rvh2-c87w',
    title: 'Embedded malware in ua-parser-js',
    severity: 'critical' as const,
    vulnerable_versions: '>=0.7.23 <0.7.24 || >=0.8.0 <0.8.1 || >=1.0.0 <1.0.1',
    cwe: ['CWE-506'],
  };

  it('asks once per full analysis (memory only in the first pass); malware reaches the diagnostics with its link', async () => {
    const advisories = new FakeAdvisories(() => ({ ok: true, advisories: { 'ua-parser-js': [MALWARE] } }));
    const { registry, published, validator } = setup(advisories, null);
    const first = validator.validate(URI);
    await registry.asked();
    await registry.release();
    await first;
    assert.deepEqual(advisories.bulkCalls, [{ 'ua-parser-js': ['0.7.23'] }]);
    assert.deepEqual(advisories.peekCalls, [], 'nothing was resolved in the first pass, so nothing to ask');
    const malware = published.at(-1)?.diagnostics.find((d) => d.code === 'known-malware');
    assert.ok(malware, JSON.stringify(published.at(-1)));
    assert.equal(malware.severity, 1);
    assert.deepEqual(malware.codeDescription, { href: MALWARE.url });
    assert.equal((malware.data as { fix?: { pin: string } }).fix?.pin, '0.7.22');
    await validator.validate(URI);
    assert.equal(advisories.peekCalls.length, 1, 'the first pass reads memory only');
    assert.equal(advisories.bulkCalls.length, 2);
  });

  it('a registry without the endpoint is said once in the status, not per package or file', async () => {
    const unsupported = { ok: false as const, error: { kind: 'unsupported' as const, message: 'https://registry.test/ does not offer npm\'s bulk advisory endpoint (HTTP 404).', status: 404 } };
    const advisories = new FakeAdvisories(() => unsupported);
    const { registry, documents, published, statuses, validator } = setup(advisories, null);
    const second = 'file:///project/packages/b/package.json';
    documents.set(second, { text: MANIFEST.replace('^0.7.22', '~0.7.22'), version: 1 });
    const runs = [validator.validate(URI), validator.validate(second)];
    await registry.asked();
    await registry.release();
    await Promise.all(runs);
    const status = statuses.at(-1);
    assert.equal(status?.files, 2);
    assert.deepEqual(status?.notes, [
      { code: 'advisories-unsupported', message: `Known vulnerabilities and malware were not checked: ${unsupported.error.message}` },
    ]);
    assert.equal(statusView(status as StatusParams).text, 'Vigil: 2 errors · advisories unavailable');
    assert.ok(published.every((entry) => entry.diagnostics.every((d) => !/advisor/i.test(d.message))), 'no diagnostic repeats it');
  });

  it('in a replay the status notes that advisories were skipped, and none are asked for', async () => {
    const { registry, advisories, statuses, validator } = setup();
    const run = validator.validate(URI);
    await registry.asked();
    await registry.release();
    await run;
    assert.deepEqual(advisories.bulkCalls, []);
    assert.deepEqual(statuses.at(-1)?.notes?.map((n) => n.code), ['advisories-skipped']);
    assert.equal(statusView(statuses.at(-1) as StatusParams).text, 'Vigil (as of 2020-09-30 13:15 UTC): 1 error, 2 warnings');
  });

  it('validates a document again by itself when time changes its result: the cooldown of 0.7.23 ends', async () => {
    const minute = 60_000;
    // 0.7.23 (what ^0.7.22 resolves to) came out 3 days less 10 minutes before: its 3-day cooldown ends in 10 minutes.
    let nowMs = Date.parse('2020-09-30T12:15:21.378Z') + 3 * 24 * 60 * minute - 10 * minute;
    const { registry, advisories, published, timers, validator } = setup(new FakeAdvisories(), null, () => new Date(nowMs));
    await registry.release();
    await validator.validate(URI);
    assert.ok(codes(published.at(-1)).includes('recent-release'));
    const refresh = timers.filter((timer) => !timer.cancelled);
    assert.deepEqual(refresh.map((timer) => timer.ms), [10 * minute], 'due when the cooldown ends');

    // Nothing changed and the time has not come: a save is answered from the last analysis.
    nowMs += minute;
    await validator.validate(URI, { ifChanged: true });
    assert.equal(advisories.bulkCalls.length, 1, 'not analysed again');

    nowMs += 9 * minute;
    refresh[0]?.callback();
    const debounce = timers.at(-1);
    assert.equal(debounce?.ms, 250);
    debounce?.callback();
    await validator.whenIdle();
    assert.equal(advisories.bulkCalls.length, 2, 'analysed again');
    assert.ok(!codes(published.at(-1)).includes('recent-release'), 'the cooldown warning is gone without an edit');
  });

  it('a result that time changes every minute is looked at again after 5 minutes; one it never changes, never', async () => {
    // A minute after 0.7.23 came out its age in words changes every minute; in 2030 nothing reported depends on the time.
    const table: Array<[number, number[]]> = [
      [Date.parse('2020-09-30T12:16:21.378Z'), [TIME_REFRESH_MIN_MS]],
      [Date.parse('2030-01-01T00:00:00Z'), []],
    ];
    for (const [at, delay] of table) {
      const { registry, timers, validator } = setup(new FakeAdvisories(), null, () => new Date(at));
      await registry.release();
      await validator.validate(URI);
      assert.deepEqual(timers.filter((timer) => !timer.cancelled).map((timer) => timer.ms), delay, new Date(at).toISOString());
      validator.forget(URI);
      assert.ok(timers.every((timer) => timer.cancelled), 'forgetting the document cancels it');
    }
  });

  it('a restarted server shows the stored result of an unchanged project at once, then fills memory for hovers', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vigil-validator-'));
    try {
      const first = setup(undefined, undefined, undefined, new ResultCache(folder));
      await first.registry.release();
      await first.validator.validate(URI);
      const analysed = first.published.at(-1);
      assert.deepEqual(codes(analysed), ['install-script-added', 'recent-release', 'release-line-burst']);

      // A new server: nothing in memory, and the registry answers only when the test says so.
      const second = setup(undefined, undefined, undefined, new ResultCache(folder));
      const run = second.validator.validate(URI);
      await second.registry.asked();
      assert.deepEqual(second.published, [{ version: 1, diagnostics: analysed?.diagnostics }], 'the full result, before any registry answer');
      assert.equal(second.registry.peek('ua-parser-js'), undefined);
      await run;
      await second.registry.release();
      await second.validator.whenIdle();
      assert.ok(second.registry.peek('ua-parser-js')?.ok, 'read into memory afterwards, for hovers');
      assert.equal(second.published.length, 1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
