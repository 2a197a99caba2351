/**
 * analyze()'s phase after resolution: the packages each resolved release adds are looked up (once each,
 * bounded, cancellable, as of the replay instant), their failures stay out of the user's errors, pins
 * skip candidates whose own additions are errors, and publish-burst runs across the project.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisDeps } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { knownGoodPin } from '../../server/src/core/pin';
import { publishHistory } from '../../server/src/core/registry/history';
import type { Registry, RegistryResult, VersionSummary } from '../../server/src/core/registry/types';
import { at, memoryRegistry, packument, summaryOf } from '../helpers/coreBuilders';

const pkgJson = (dependencies: Record<string, string>): string => JSON.stringify({ dependencies }, null, 2);

function deps(registry: Registry, now: string, extra: Partial<AnalysisDeps> = {}): AnalysisDeps {
  return { registry, now: new Date(now), config: DEFAULT_CONFIG, ...extra };
}

/** `host` 1.0.0 (day 0) and 1.1.0 (day 100) by alice, then 1.2.0 on day 200 by `by` adding `added`. */
const host = (name: string, added: Record<string, string>, by = 'alice', extra: Record<string, unknown> = {}): Record<string, unknown> =>
  packument(name, [
    { version: '1.0.0', at: at(0), by: 'alice', dependencies: { 'old-dep': '^1.0.0' } },
    { version: '1.1.0', at: at(100), by: 'alice', dependencies: { 'old-dep': '^1.0.0' } },
    { version: '1.2.0', at: at(200), by, dependencies: { 'old-dep': '^1.0.0', ...added }, ...extra },
  ]);

test('the packages a resolved release adds are asked once each, after the declared ones, and only those', async () => {
  const registry = memoryRegistry(
    host('a', { fresh: '^1.0.0' }),
    host('b', { fresh: '^1.0.0', lodash: '^4.0.0' }),
    packument('fresh', [{ version: '1.0.0', at: at(199), by: 'mallory' }]),
    packument('lodash', [{ version: '4.0.0', at: at(-900), by: 'jdalton' }]),
  );
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '^1.0.0', b: '^1.0.0' }) }] }, deps(registry, at(200, 60)));
  assert.deepEqual(registry.asked, ['a', 'b', 'fresh', 'lodash']);
  assert.deepEqual(
    result.findings.filter((f) => f.signal === 'young-dependency-added').map((f) => [f.package, (f.evidence.dependencies as Array<{ name: string }>).map((d) => d.name)]),
    [['a', ['fresh']], ['b', ['fresh']]],
  );
});

test('low noise: a regular release adding a long-established dependency raises nothing', async () => {
  const registry = memoryRegistry(host('a', { lodash: '^4.0.0' }), packument('lodash', [{ version: '4.0.0', at: at(-900), by: 'jdalton' }]));
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '^1.0.0' }) }] }, deps(registry, at(210)));
  assert.deepEqual([result.findings, result.errors], [[], []]);
});

test('a failed lookup of an added package is evidence, never an error of the user', async () => {
  const registry = memoryRegistry(host('a', { fresh: '^1.0.0', vanished: '^1.0.0' }), packument('fresh', [{ version: '1.0.0', at: at(199), by: 'mallory' }]));
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '^1.0.0' }) }] }, deps(registry, at(200, 60)));
  assert.deepEqual(result.errors, []);
  const young = result.findings.find((f) => f.signal === 'young-dependency-added');
  assert.deepEqual(young?.evidence.unchecked, [{ name: 'vanished', reason: 'vanished is not on the registry (404).' }]);
  assert.ok(!result.findings.some((f) => f.signal === 'unclaimed-name'), 'only declared names can be unclaimed');
});

test('a replay sees added packages as they were: one created after the instant is not there yet', async () => {
  const registry = memoryRegistry(host('a', { fresh: '^1.0.0' }), packument('fresh', [{ version: '1.0.0', at: at(250), by: 'mallory' }]));
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '^1.0.0' }) }] }, deps(registry, at(400), { asOf: new Date(at(200, 60)) }));
  assert.deepEqual(result.errors, []);
  assert.ok(!result.findings.some((f) => f.signal === 'young-dependency-added'), JSON.stringify(result.findings));
});

test('cancelled while resolving: no added package is asked', async () => {
  const signal = { aborted: false };
  const inner = memoryRegistry(host('a', { fresh: '^1.0.0' }), packument('fresh', [{ version: '1.0.0', at: at(199), by: 'm' }]));
  const asked: string[] = [];
  const registry: Registry = {
    async getPackument(name): Promise<RegistryResult> {
      asked.push(name);
      const answer = await inner.getPackument(name);
      signal.aborted = true;
      return answer;
    },
  };
  await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '^1.0.0' }) }] }, deps(registry, at(200, 60), { signal }));
  assert.deepEqual(asked, ['a']);
});

test("a new dependency's install script and the package's own are one install-script-added finding", async () => {
  const registry = memoryRegistry(
    host('a', { 'hash-lite': '^1.0.0' }, 'alice', { scripts: { preinstall: 'node pre.js' } }),
    packument('hash-lite', [{ version: '1.0.0', at: at(-500), by: 'h', scripts: { postinstall: 'node setup.js' } }]),
  );
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '^1.0.0' }) }] }, deps(registry, at(200, 60)));
  const scripts = result.findings.filter((f) => f.signal === 'install-script-added');
  assert.equal(scripts.length, 1);
  const [finding] = scripts;
  assert.deepEqual([finding?.evidence.scripts, (finding?.evidence.dependencies as Array<{ scripts: string[] }>)[0]?.scripts], [['preinstall: node pre.js'], ['postinstall: node setup.js']]);
  assert.match(finding?.message ?? '', /runs a `preinstall` script at install.* adds the dependency hash-lite/);
});

test('the pin skips a candidate that added a young package, and only the candidates reached are looked up', async () => {
  const registry = memoryRegistry(
    packument('lib', [
      { version: '1.0.0', at: at(0), by: 'alice' },
      { version: '1.1.0', at: at(100), by: 'alice', dependencies: { aged: '^1.0.0' } },
      { version: '1.2.0', at: at(150), by: 'alice', dependencies: { aged: '^1.0.0', sketchy: '^1.0.0' } },
      { version: '1.3.0', at: at(199), by: 'alice', dependencies: { aged: '^1.0.0', sketchy: '^1.0.0', fresh: '^1.0.0' } },
    ]),
    packument('sketchy', [{ version: '1.0.0', at: at(145), by: 'mallory' }]),
    packument('fresh', [{ version: '1.0.0', at: at(198), by: 'mallory' }]),
    packument('aged', [{ version: '1.0.0', at: at(-900), by: 'old' }]),
  );
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ lib: '^1.0.0' }) }] }, deps(registry, at(200)));
  assert.deepEqual(
    result.findings.map((f) => [f.signal, f.severity, f.fix?.pin]),
    [
      ['young-dependency-added', 'error', '1.1.0'],
      ['recent-release', 'warning', '1.1.0'],
    ],
  );
  // 1.3.0's addition first; then 1.2.0's (the first candidate), which rules it out; 1.1.0's aged is long established.
  assert.deepEqual(registry.asked, ['lib', 'fresh', 'sketchy', 'aged']);
});

test('a pin candidate that added a git dependency is never the pin', async () => {
  const registry = memoryRegistry(
    packument('lib', [
      { version: '1.0.0', at: at(0), by: 'alice' },
      { version: '1.0.1', at: at(10), by: 'alice' },
      { version: '1.1.0', at: at(100), by: 'alice', dependencies: { helper: 'github:u/helper' } },
      { version: '1.2.0', at: at(199), by: 'mallory' },
    ]),
  );
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ lib: '^1.0.0' }) }] }, deps(registry, at(200)));
  assert.deepEqual([...new Set(result.findings.map((f) => f.fix?.pin))], ['1.0.1']);
});

test('publish-burst through analyze: one finding per affected dependency, with its pin', async () => {
  const release = (name: string, minutes: number): Record<string, unknown> =>
    packument(name, [
      { version: '1.0.0', at: at(0), by: 'qix' },
      { version: '1.0.1', at: at(10), by: 'qix' },
      { version: '1.0.2', at: at(200, minutes), by: 'qix' },
    ]);
  const registry = memoryRegistry(release('chalk', 0), release('debug', 30), release('ansi-styles', 60), release('unrelated', 600));
  const text = pkgJson({ chalk: '^1.0.0', debug: '^1.0.0', 'ansi-styles': '^1.0.0', unrelated: '^1.0.0' });
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry, at(210)));
  assert.deepEqual(
    result.findings.map((f) => [f.package, f.signal, f.fix?.pin]),
    [
      ['chalk', 'publish-burst', '1.0.1'],
      ['debug', 'publish-burst', '1.0.1'],
      ['ansi-styles', 'publish-burst', '1.0.1'],
    ],
  );
});

test('knownGoodPin asks `unsafe` last, newest candidate first, and stops at the first good one', () => {
  const summary = summaryOf('lib', [
    { version: '1.0.0', at: at(0), by: 'alice' },
    { version: '1.1.0', at: at(10), by: 'alice' },
    { version: '1.2.0', at: at(20), by: 'mallory' },
    { version: '1.3.0', at: at(30), by: 'alice' },
    { version: '1.4.0', at: at(99), by: 'alice' },
  ]);
  const asked: string[] = [];
  const unsafe = (v: VersionSummary): boolean => {
    asked.push(v.version);
    return v.version === '1.3.0';
  };
  const pin = knownGoodPin(summary, publishHistory(summary), '^1.0.0', '1.4.0', new Date(at(100)), DEFAULT_CONFIG, () => false, unsafe);
  assert.equal(pin?.pin, '1.1.0');
  // 1.2.0 is ruled out by its newcomer publisher before `unsafe` is asked about it.
  assert.deepEqual(asked, ['1.3.0', '1.1.0']);
});
