/**
 * The result cache, as a user meets it: `vigil check` in-process with the real node runtime, a loopback
 * registry serving the ua-parser-js replay and a clock the test moves. A stored result is given again only
 * while analysing again would print exactly the same, in every format; anything that could change the
 * answer (a file, the registry data, the routing, the time) makes the next run analyse again.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../server/src/cli/run';
import { RESULT_FOLDER } from '../../server/src/node/resultCache';
import { nodeRuntime, type CachingRegistry, type Runtime } from '../../server/src/node/runtime';
import { startFixtureRegistry } from '../helpers/cli';
import { FakeClock, SCENARIOS, tempDir, writeTree } from '../node/helpers';

const SCENARIO = join(SCENARIOS, 'ua-parser-js-2021');
/** 0.7.23, the newest release ^0.7.22 allows in the replay's registry. */
const PUBLISHED = Date.parse('2020-09-30T12:15:21.378Z');
const DAY = 24 * 60 * 60 * 1000;
/** Ten minutes before the default 3-day cooldown of 0.7.23 ends. */
const START = new Date(PUBLISHED + 3 * DAY - 10 * 60_000).toISOString();

interface Sandbox {
  clock: FakeClock;
  project: string;
  cache: string;
  /** Lookups the analysis made: none when a stored result was given. */
  lookups: () => number;
  requests: () => number;
  run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** `advisories`: the registry's bulk endpoint answers from the replay's advisory file, or is missing (404). */
async function sandbox(t: TestContext, advisories: 'served' | 'missing' = 'served'): Promise<Sandbox> {
  const root = await tempDir(t, 'vigil-results-');
  const project = join(root, 'project');
  await writeTree(root, { 'home/.keep': '', 'project/package.json': JSON.stringify({ name: 'victim', dependencies: { 'ua-parser-js': '^0.7.22' } }) });
  const registry = await startFixtureRegistry([join(SCENARIO, 'registry')], advisories === 'served' ? [join(SCENARIO, 'advisories.json')] : []);
  t.after(() => registry.close());
  const clock = new FakeClock(START);
  const runtime = nodeRuntime({
    log: () => undefined,
    env: { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), PATH: '' },
    npm: { npmPath: join(root, 'npm') },
    client: { now: clock.now },
    advisoryClient: { now: clock.now },
  });
  t.after(() => runtime.dispose());
  let lookups = 0;
  const counting = (registry: CachingRegistry): CachingRegistry =>
    new Proxy(registry, {
      get(target, property) {
        if (property === 'getPackument') return (...args: Parameters<CachingRegistry['getPackument']>) => (lookups++, target.getPackument(...args));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const observed: Runtime = { ...runtime, now: clock.now, registry: async (settings) => counting(await runtime.registry(settings)) };
  const cache = join(root, 'cache');
  return {
    clock,
    project,
    cache,
    lookups: () => lookups,
    requests: () => registry.requests.length,
    async run(...args) {
      let stdout = '';
      let stderr = '';
      const argv = ['check', project, '--registry', registry.url, '--cache-dir', cache, '--fail-on', 'never', ...args];
      const code = await runCli(argv, observed, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: root });
      return { code, stdout, stderr };
    },
  };
}

/** Runs `step` and says whether the analysis ran (true) or a stored result was given (false). */
async function analysed(box: Sandbox, step: () => Promise<unknown>): Promise<boolean> {
  const before = box.lookups();
  await step();
  return box.lookups() > before;
}

/** Cold (fetches, stores nothing), then warm (reads the cache, stores its result): the next run can reuse. */
async function primed(t: TestContext, advisories: 'served' | 'missing' = 'served'): Promise<Sandbox> {
  const box = await sandbox(t, advisories);
  await box.run();
  assert.deepEqual(await readdir(box.cache).then((names) => names.includes(RESULT_FOLDER)), false, 'a run that fetched stores no result');
  box.clock.advanceMinutes(1);
  await box.run();
  assert.equal((await readdir(join(box.cache, RESULT_FOLDER))).length, 1);
  return box;
}

test('the stored result is given again, the same in every format as analysing again', async (t) => {
  const box = await primed(t);
  const requests = box.requests();
  for (const format of ['text', 'json', 'sarif', 'markdown']) {
    let reused: { stdout: string } | undefined;
    assert.equal(await analysed(box, async () => (reused = await box.run('--format', format))), false, `${format}: reused`);
    let fresh: { stdout: string } | undefined;
    assert.equal(await analysed(box, async () => (fresh = await box.run('--format', format, '--no-result-cache'))), true, `${format}: analysed`);
    assert.equal(reused?.stdout, fresh?.stdout, format);
  }
  assert.match((await box.run()).stdout, new RegExp(`as of ${new Date(Date.parse(START) + 60_000).toISOString().replace(/\./g, '\\.')}`), "the stamp is the run's own instant");
  assert.equal(box.requests(), requests, 'the registry was not asked');
});

test('it ends when something in it would change: here, the cooldown of 0.7.23', async (t) => {
  const box = await primed(t);
  box.clock.advanceMinutes(8);
  let before = '';
  assert.equal(await analysed(box, async () => (before = (await box.run('--format', 'json')).stdout)), false, 'reused 1 minute before the cooldown ends');
  assert.match(before, /"signal": "recent-release"/);
  box.clock.advanceMinutes(1);
  let after = '';
  assert.equal(await analysed(box, async () => (after = (await box.run('--format', 'json')).stdout)), true, 'analysed again once it ended');
  assert.doesNotMatch(after, /"signal": "recent-release"/);
  assert.equal(await analysed(box, () => box.run('--format', 'json')), false, 'the new result is reused in turn');
});

test('analysed again after a change to a file or to the registry data, or with a damaged record', async (t) => {
  const box = await primed(t);
  const changes: Array<[string, () => Promise<unknown>]> = [
    ['package.json edited', () => writeFile(join(box.project, 'package.json'), JSON.stringify({ name: 'victim', dependencies: { 'ua-parser-js': '~0.7.22' } }))],
    ['a settings file added', () => writeFile(join(box.project, '.vigilrc.json'), '{ "thresholds": { "cooldownDays": 1 } }')],
    ['a registry entry refreshed by another run', async () => {
      const folder = join(box.cache, (await readdir(box.cache)).find((name) => name.startsWith('summaries-')) as string);
      await writeFile(join(folder, 'unrelated.tmp'), '');
      await rm(join(folder, 'unrelated.tmp'));
    }],
    ['the stored record damaged', async () => {
      const folder = join(box.cache, RESULT_FOLDER);
      for (const name of await readdir(folder)) await writeFile(join(folder, name), '{"format":1,"key":');
    }],
  ];
  for (const [change, make] of changes) {
    await make();
    box.clock.advanceMinutes(0.1);
    assert.equal(await analysed(box, () => box.run('--format', 'json')), true, `${change}: analysed again`);
    assert.equal(await analysed(box, () => box.run('--format', 'json')), false, `${change}: the new result is stored and reused`);
  }
});

test('nothing is reused without fresh registry data, or when asked not to', async (t) => {
  const box = await primed(t);
  box.clock.advanceMinutes(20);
  // Past the 15-minute freshness window the registry is asked again (304s refresh the entries), so that run stores nothing.
  assert.equal(await analysed(box, () => box.run()), true, 'stale data: analysed, revalidated');
  assert.equal(await analysed(box, () => box.run()), true, 'the revalidating run stored nothing');
  assert.equal(await analysed(box, () => box.run()), false, 'the run after it did');
  assert.equal(await analysed(box, () => box.run('--no-result-cache')), true);
  assert.equal(await analysed(box, () => box.run('--no-cache')), true);
});

test('a registry without the advisory endpoint: its remembered 404 is reused with the result', async (t) => {
  const box = await primed(t, 'missing');
  let reused = '';
  assert.equal(await analysed(box, async () => (reused = (await box.run('--format', 'json')).stdout)), false);
  assert.match(reused, /does not offer npm's bulk advisory endpoint/);
  assert.equal(reused, (await box.run('--format', 'json', '--no-result-cache')).stdout);
});

test('advisories found are part of what is reused', async (t) => {
  const box = await primed(t);
  box.clock.advanceMinutes(1);
  let reused = '';
  assert.equal(await analysed(box, async () => (reused = (await box.run('--format', 'json')).stdout)), false);
  assert.equal(reused, (await box.run('--format', 'json', '--no-result-cache')).stdout);
  assert.match(reused, /"signal": "(vulnerability|known-malware)"/);
});
