/**
 * analyze(): registry errors, ordering, cancellation, files, as-of replays, and low noise on real
 * recorded packages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze, type AnalysisDeps, type ProjectFile } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Registry, RegistryResult } from '../../server/src/core/registry/types';
import { FileRegistry, FIXTURES } from '../helpers/fileRegistry';
import { at, memoryRegistry, packument, summaryOf } from '../helpers/coreBuilders';

const NOW = new Date(at(400));

class ScriptedRegistry implements Registry {
  readonly asked: string[] = [];
  constructor(private readonly answer: (name: string) => RegistryResult) {}
  async getPackument(name: string): Promise<RegistryResult> {
    this.asked.push(name);
    return this.answer(name);
  }
}

function deps(registry: Registry, extra: Partial<AnalysisDeps> = {}): AnalysisDeps {
  return { registry, now: NOW, config: DEFAULT_CONFIG, ...extra };
}

const pkgJson = (dependencies: Record<string, string>, section = 'dependencies'): string => JSON.stringify({ [section]: dependencies }, null, 2);
const keyRange = (text: string, name: string): { start: number; end: number } => {
  const start = text.indexOf(`"${name}"`);
  return { start, end: start + name.length + 2 };
};

test('registry errors land in errors, on the key, and nothing else is reported for them; a 404 is unclaimed-name', async () => {
  const text = pkgJson({ missing: '^1.0.0', down: '^1.0.0', broken: '^1.0.0' });
  const registry = new FileRegistry(new Map([['broken', { name: 'broken', versions: [] }]]), 'https://registry.example/');
  const down = new ScriptedRegistry((name) =>
    name === 'down' ? { ok: false, error: { kind: 'network', message: 'The registry could not be reached (ECONNREFUSED).' } } : { ok: false, error: { kind: 'http', message: 'x' } },
  );
  const both: Registry = { getPackument: (name) => (name === 'down' ? down.getPackument(name) : registry.getPackument(name)) };
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(both));
  assert.deepEqual(
    result.findings.map((f) => ({ ...f, message: '' })),
    [
      {
        file: 'package.json',
        range: keyRange(text, 'missing'),
        package: 'missing',
        spec: '^1.0.0',
        signal: 'unclaimed-name',
        severity: 'error',
        message: '',
        evidence: { registry: 'https://registry.example/', status: 404, section: 'dependencies', scoped: false },
      },
    ],
  );
  assert.deepEqual(result.errors, [
    { file: 'package.json', range: keyRange(text, 'down'), package: 'down', kind: 'network', message: 'The registry could not be reached (ECONNREFUSED).' },
    { file: 'package.json', range: keyRange(text, 'broken'), package: 'broken', kind: 'malformed', message: `The registry's document for broken is malformed: "versions" is not an object.` },
  ]);
  assert.deepEqual(result.dependencies.map((d) => d.status), ['unresolved', 'error', 'error']);
});

test('a cancelled lookup is neither an error nor a finding', async () => {
  const registry = new ScriptedRegistry(() => ({ ok: false, error: { kind: 'cancelled', message: 'cancelled' } }));
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ a: '1' }) }] }, deps(registry));
  assert.deepEqual([result.findings, result.errors, result.dependencies.map((d) => d.status)], [[], [], ['cancelled']]);
});

test('a package first published after the as-of instant is an error saying so', async () => {
  const text = pkgJson({ late: '^1.0.0' });
  const registry = memoryRegistry(packument('late', [{ version: '1.0.0', at: at(50), by: 'a' }]));
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry, { asOf: new Date(at(10)) }));
  assert.deepEqual(result.errors, [
    { file: 'package.json', range: keyRange(text, 'late'), package: 'late', kind: 'not-found', message: `late did not exist yet on ${at(10)} (first published later).` },
  ]);
  assert.equal(result.asOf, at(10));
});

test('a range nothing satisfies: unresolved-version on the spec', async () => {
  const text = pkgJson({ old: '^9.0.0' });
  const registry = memoryRegistry(packument('old', [{ version: '1.0.0', at: at(0), by: 'a' }]));
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry));
  const specAt = text.indexOf('"^9.0.0"');
  assert.deepEqual(result.findings, [
    {
      file: 'package.json',
      range: { start: specAt, end: specAt + 8 },
      package: 'old',
      spec: '^9.0.0',
      signal: 'unresolved-version',
      severity: 'warning',
      message: 'No published version of old satisfies the declared range (latest is 1.0.0). npm would fail to install it.',
      evidence: { range: '^9.0.0', latest: '1.0.0' },
    },
  ]);
  assert.deepEqual(result.dependencies.map((d) => d.status), ['unresolved']);
});

test('findings are sorted by file, offset, severity (worst first), then signal', async () => {
  const hijacked = packument('b-pkg', [
    { version: '1.0.0', at: at(0), by: 'alice' },
    // alice stays a maintainer beside mallory (otherwise this would also be an ownership-change).
    { version: '1.1.0', at: at(399), by: 'mallory', maintainers: ['alice', 'mallory'], scripts: { postinstall: 'node x.js' } },
  ]);
  const main = `{\n  "dependencies": {\n    "b-pkg": "^1.0.0",\n    "a-git": "github:u/r"\n  },\n  "devDependencies": {\n    "c-pkg": "^99"\n  }\n}\n`;
  const nested = '{"dependencies": {"b-pkg": "1.0.0"},}';
  const files: ProjectFile[] = [
    { path: 'packages/x/package.json', text: nested },
    { path: 'README.md', text: '{ not json' },
    { path: 'xpackage.json', text: '{ not json' },
    { path: 'package.json', text: main },
  ];
  const registry = memoryRegistry(hijacked, packument('c-pkg', [{ version: '1.0.0', at: at(0), by: 'c' }]));
  const result = await analyze({ files }, deps(registry));
  const b = main.indexOf('"b-pkg"');
  assert.deepEqual(
    result.findings.map((f) => [f.file, f.range.start, f.severity, f.signal, f.package]),
    [
      ['package.json', b, 'error', 'install-script-added', 'b-pkg'],
      ['package.json', b, 'error', 'new-publisher', 'b-pkg'],
      ['package.json', b, 'warning', 'dormant-release', 'b-pkg'],
      ['package.json', b, 'warning', 'recent-release', 'b-pkg'],
      ['package.json', main.indexOf('"a-git"'), 'warning', 'non-registry-source', 'a-git'],
      ['package.json', main.indexOf('"^99"'), 'warning', 'unresolved-version', 'c-pkg'],
      ['packages/x/package.json', 36, 'error', 'invalid-json', ''],
      ['packages/x/package.json', 36, 'error', 'invalid-json', ''],
    ],
  );
  assert.deepEqual(
    result.dependencies.map((d) => [d.file, d.name, d.section, d.status, d.version ?? null]),
    [
      ['packages/x/package.json', 'b-pkg', 'dependencies', 'checked', '1.0.0'],
      ['package.json', 'b-pkg', 'dependencies', 'checked', '1.1.0'],
      ['package.json', 'a-git', 'dependencies', 'not-registry', null],
      ['package.json', 'c-pkg', 'devDependencies', 'unresolved', null],
    ],
  );
  const b1 = result.findings[0];
  assert.deepEqual([b1?.spec, b1?.version, b1?.fix, b1?.evidence.previousVersion], ['^1.0.0', '1.1.0', undefined, '1.0.0']);
  assert.ok(b1?.message.endsWith(' No earlier release qualifies as a known-good pin; review this one before installing.'), b1?.message);
  assert.ok(!result.findings[3]?.message.includes('known-good'), 'warnings without a pin get no advice');
  assert.deepEqual(result.findings[1]?.evidence.escalatedBy, ['install-script-added', 'dormant-release']);
});

test('a file-level problem finding has no package, no spec and empty evidence', async () => {
  const result = await analyze({ files: [{ path: 'package.json', text: '' }] }, deps(memoryRegistry()));
  assert.deepEqual(
    result.findings.map((f) => ({ ...f, message: '' })),
    [{ file: 'package.json', range: { start: 0, end: 0 }, package: '', spec: '', signal: 'invalid-json', severity: 'error', message: '', evidence: {} }],
  );
});

test('cancelled before the start: nothing is asked, non-registry findings still come', async () => {
  const registry = memoryRegistry(packument('a', [{ version: '1.0.0', at: at(0), by: 'x' }]));
  const text = pkgJson({ a: '^1.0.0', b: '^2.0.0', g: 'github:u/r' });
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry, { signal: { aborted: true } }));
  assert.deepEqual(registry.asked, []);
  assert.deepEqual(result.findings.map((f) => [f.package, f.signal]), [['g', 'non-registry-source']]);
  assert.deepEqual(result.errors, []);
});

test('registry dependencies skipped by cancellation are reported as cancelled', async () => {
  const text = pkgJson({ a: '^1.0.0', g: 'github:u/r' });
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(memoryRegistry(), { signal: { aborted: true } }));
  assert.deepEqual(result.dependencies.map((d) => [d.name, d.status]), [['a', 'cancelled'], ['g', 'not-registry']]);
});

test('cancelled during the run: no lookup starts after the signal is raised', async () => {
  const signal = { aborted: false };
  const registry = new ScriptedRegistry(() => {
    signal.aborted = true;
    return { ok: false, error: { kind: 'cancelled', message: 'cancelled' } };
  });
  const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
  const text = pkgJson(Object.fromEntries(names.map((n) => [n, '^1.0.0'])));
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry, { signal }));
  assert.deepEqual(registry.asked, ['p0']);
  assert.deepEqual(result.findings, []);
});

test('a dist-tag naming an Object.prototype member does not crash the analysis', async () => {
  const doc = packument('proto', [{ version: '1.0.0', at: at(0), by: 'a' }], { latest: 'constructor' });
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ proto: '*' }) }] }, deps(memoryRegistry(doc)));
  assert.deepEqual(result.dependencies.map((d) => [d.status, d.version]), [['checked', '1.0.0']]);
});

test('a dist-tag on a version that is not semver does not crash the analysis', async () => {
  const doc = packument('odd', [{ version: '1.0.0', at: at(0), by: 'a' }, { version: '1.1.0', at: at(10), by: 'a' }, { version: '1.0', at: at(399), by: 'a' }], { latest: '1.0' });
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ odd: '*' }) }] }, deps(memoryRegistry(doc)));
  // Whether "1.0" is then resolved (as npm-pick-manifest would for "*") or skipped is the fix's choice;
  // either way the analysis must return, with the dependency accounted for.
  assert.deepEqual([result.errors, result.dependencies.length], [[], 1]);
});

test('stale cached data: the finding says how old it is', async () => {
  const summary = summaryOf('s', [{ version: '1.0.0', at: at(300), by: 'a' }, { version: '1.1.0', at: at(399, 60 * 23), by: 'a' }]);
  const source = { fetchedAt: at(399, 60 * 23 + 30), stale: true };
  const registry = new ScriptedRegistry(() => ({ ok: true, summary, source }));
  const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ s: '^1.0.0' }) }] }, deps(registry));
  assert.equal(result.findings.length, 1);
  const [finding] = result.findings;
  assert.equal(finding?.signal, 'recent-release');
  assert.deepEqual([finding?.evidence.dataFetchedAt, finding?.evidence.dataStale], [source.fetchedAt, true]);
  assert.ok(finding?.message.endsWith(` (Registry data cached on ${source.fetchedAt}: the registry could not be reached.)`), finding?.message);
  assert.deepEqual(result.dependencies[0]?.source, source);
});

test('as-of replay: the pin is never a version published after the instant', async () => {
  const doc = packument('lib', [
    { version: '1.0.0', at: at(0), by: 'alice' },
    { version: '1.1.0', at: at(10), by: 'alice' },
    { version: '1.2.0', at: at(50), by: 'mallory', maintainers: ['alice', 'mallory'], scripts: { preinstall: 'node evil.js' } },
    { version: '1.2.1', at: at(52), by: 'alice', maintainers: ['alice', 'mallory'] },
  ]);
  const text = pkgJson({ lib: '^1.0.0' });
  const replay = await analyze({ files: [{ path: 'package.json', text }] }, deps(memoryRegistry(doc), { asOf: new Date(at(50, 60)) }));
  assert.deepEqual(
    replay.findings.map((f) => [f.version, f.signal, f.severity, f.fix?.pin]),
    [
      ['1.2.0', 'install-script-added', 'error', '1.1.0'],
      ['1.2.0', 'new-publisher', 'error', '1.1.0'],
      ['1.2.0', 'recent-release', 'warning', '1.1.0'],
    ],
  );
  assert.equal(replay.asOf, at(50, 60));
  // Without the replay, the clock is today's: 1.2.1 is resolved and nothing is wrong with it.
  const today = await analyze({ files: [{ path: 'package.json', text }] }, deps(memoryRegistry(doc)));
  assert.deepEqual([today.findings, today.dependencies[0]?.version, today.asOf], [[], '1.2.1', NOW.toISOString()]);
});

const RECORDED = join(FIXTURES, 'packuments');

/** Long-lived real packages, checked well after their last recorded release: nothing to say. */
const QUIET: Array<[string, string, string, string]> = [
  ['graceful-fs', '^4.2.0', '2021-06-01T00:00:00Z', '4.2.4'],
  ['body-parser', '^1.18.0', '2021-01-01T00:00:00Z', '1.19.0'],
  ['cross-env', '^7.0.0', '2021-01-01T00:00:00Z', '7.0.2'],
  ['js-yaml', '^3.13.1', '2021-01-01T00:00:00Z', '3.14.0'],
  ['qs', '^6.9.0', '2021-01-01T00:00:00Z', '6.9.4'],
  ['once', '^1.3.0', '2018-01-01T00:00:00Z', '1.4.0'],
  ['type-is', '~1.6.16', '2020-01-01T00:00:00Z', '1.6.18'],
  ['nan', '^2.14.0', '2021-06-01T00:00:00Z', '2.14.2'],
];

for (const [name, spec, asOf, version] of QUIET) {
  test(`low noise: ${name}@${spec} as of ${asOf} resolves ${version} with no finding`, async () => {
    const registry = FileRegistry.fromDirs(RECORDED);
    const result = await analyze({ files: [{ path: 'package.json', text: pkgJson({ [name]: spec }) }] }, deps(registry, { asOf: new Date(asOf) }));
    assert.deepEqual([result.findings, result.errors], [[], []]);
    assert.deepEqual(result.dependencies.map((d) => [d.status, d.version]), [['checked', version]]);
    assert.deepEqual(registry.asked, [name]);
  });
}

test('graceful-fs one hour after 4.2.4: only recent-release, pinned to 4.2.3', async () => {
  const registry = FileRegistry.fromDirs(RECORDED);
  const text = pkgJson({ 'graceful-fs': '^4.2.0' });
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry, { asOf: new Date('2020-04-28T16:14:10.455Z') }));
  assert.deepEqual(result.errors, []);
  assert.equal(result.findings.length, 1);
  const [finding] = result.findings;
  assert.ok(finding);
  assert.deepEqual({ ...finding, message: '' }, {
    file: 'package.json',
    range: keyRange(text, 'graceful-fs'),
    package: 'graceful-fs',
    spec: '^4.2.0',
    version: '4.2.4',
    signal: 'recent-release',
    severity: 'warning',
    message: '',
    evidence: { version: '4.2.4', publishedAt: '2020-04-28T15:14:10.455Z', publishedDay: '2020-04-28', ageHours: 1, cooldownDays: 3, publisher: 'isaacs' },
    fix: {
      pin: '4.2.3',
      reason: '4.2.3 (published 2019-10-23 by isaacs) is the newest release in "^4.2.0" that is past the 3-day cooldown, comes from an account that had published this package before, and raises no error-level warning.',
    },
  });
  assert.equal(
    finding.message,
    'graceful-fs@4.2.4 was published 1 hour ago (2020-04-28 15:14 UTC, by isaacs), inside the 3-day cooldown. Malicious releases are usually caught ' +
      'and removed within days; let this one age before installing it. Pin 4.2.3 (published 2019-10-23) until this release is vetted.',
  );
});
