/**
 * Advisories in the core: which advisories are malware, how npm's severities map onto Vigil's, the first
 * fixed version computed from the packument, the wire format's validation, and analyze()'s one lookup per
 * analysis with its notes (replay skipped, endpoint missing or failing) instead of per-package errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisDeps } from '../../server/src/core/analyze';
import { lookupAdvisories } from '../../server/src/core/advisories/lookup';
import { advisoryLabel, affects, firstFixedVersion, isMalware } from '../../server/src/core/advisories/match';
import type { Advisory, AdvisoryQuery, AdvisoryResult, AdvisorySource } from '../../server/src/core/advisories/types';
import { readBulkResponse } from '../../server/src/core/advisories/wire';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Finding } from '../../server/src/core/finding';
import { advisoryHits } from '../../server/src/core/signals/advisories';
import { at, memoryRegistry, packument, summaryOf, type Release } from '../helpers/coreBuilders';

const NOW = new Date(at(400));

function advisory(over: Partial<Advisory> = {}): Advisory {
  return {
    id: 1,
    url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
    title: 'Prototype Pollution in lib',
    severity: 'high',
    vulnerable_versions: '<1.2.0',
    cwe: ['CWE-1321'],
    ...over,
  };
}

/** An advisory source that records each query and answers with `answer`. */
class FakeSource implements AdvisorySource {
  readonly queries: AdvisoryQuery[] = [];
  constructor(private readonly answer: (query: AdvisoryQuery) => AdvisoryResult | Promise<AdvisoryResult>) {}
  async bulk(query: AdvisoryQuery): Promise<AdvisoryResult> {
    this.queries.push(structuredClone(query));
    return this.answer(query);
  }
}

const answering = (advisories: Record<string, Advisory[]>): FakeSource => new FakeSource(() => ({ ok: true, advisories }));

// lib: 1.0.0 … 1.3.0, a year old by NOW, one publisher: no other signal fires.
const r = (version: string, day: number, extra: Partial<Release> = {}): Release => ({ version, at: at(day), by: 'alice', ...extra });
const LIB = [r('1.0.0', 0), r('1.1.0', 10), r('1.1.1', 20), r('1.2.0', 30), r('1.3.0-beta.1', 35), r('1.3.0', 40)];

async function run(dependencies: Record<string, string>, source: AdvisorySource | undefined, extra: Partial<AnalysisDeps> = {}) {
  const text = JSON.stringify({ dependencies }, null, 2);
  const registry = memoryRegistry(packument('lib', LIB), packument('other', [r('2.0.0', 0)]));
  const deps: AnalysisDeps = { registry, now: NOW, config: DEFAULT_CONFIG, ...(source && { advisories: source }), ...extra };
  return analyze({ files: [{ path: 'package.json', text }] }, deps);
}

const signalsOf = (findings: Finding[]): string[] => findings.map((f) => `${f.package}@${f.version}:${f.signal}:${f.severity}`);

test('malware is recognised by title, by CWE-506 or by GitHub type; nothing else is', () => {
  const table: Array<[string, Partial<Advisory>, boolean]> = [
    ['"Malware in …" title', { title: 'Malware in lib', cwe: [] }, true],
    ['title in another case', { title: 'MALWARE IN lib', cwe: [] }, true],
    ['CWE-506 only (the ua-parser-js advisory)', { title: 'Embedded malware in ua-parser-js', cwe: ['CWE-506'] }, true],
    ['GitHub type', { title: 'Bad', cwe: [], type: 'malware' }, true],
    ['an ordinary flaw', { title: 'Code Injection in js-yaml', cwe: ['CWE-94'] }, false],
    ['"malware" later in the title is not enough', { title: 'Scanner flags lib as malware', cwe: [] }, false],
  ];
  for (const [name, over, expected] of table) assert.equal(isMalware(advisory(over)), expected, name);
});

test('severity mapping and messages: GHSA id, title, affected range, first fixed version', () => {
  const summary = summaryOf('lib', LIB);
  const table: Array<[Advisory['severity'], string]> = [
    ['critical', 'error'],
    ['high', 'warning'],
    ['moderate', 'information'],
    ['low', 'hint'],
    ['info', 'hint'],
  ];
  for (const [severity, expected] of table) {
    const [hit] = advisoryHits({ summary, resolved: '1.1.0', range: '^1.0.0', advisories: [advisory({ severity })] });
    assert.ok(hit, severity);
    assert.equal(hit.signal, 'vulnerability');
    assert.equal(hit.severity, expected, severity);
    assert.equal(
      hit.message,
      `lib@1.1.0 has a known ${severity}-severity vulnerability: GHSA-aaaa-bbbb-cccc "Prototype Pollution in lib" (affects <1.2.0). ` +
        'Fixed in 1.2.0, which "^1.0.0" already allows: update the lockfile to get it.',
    );
    assert.deepEqual(hit.evidence, {
      version: '1.1.0',
      advisory: 'GHSA-aaaa-bbbb-cccc',
      advisoryId: 1,
      url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
      title: 'Prototype Pollution in lib',
      advisorySeverity: severity,
      vulnerableVersions: '<1.2.0',
      cwe: ['CWE-1321'],
      malware: false,
      firstFixed: '1.2.0',
      fixedInRange: true,
    });
  }
  const [outside] = advisoryHits({ summary, resolved: '1.1.0', range: '~1.1.0', advisories: [advisory()] });
  assert.match(outside?.message ?? '', /Fixed in 1\.2\.0, outside "~1\.1\.0": change the range to reach it\.$/);
  assert.equal(outside?.evidence.fixedInRange, false);
  const [unfixed] = advisoryHits({ summary, resolved: '1.3.0', range: '^1.0.0', advisories: [advisory({ vulnerable_versions: '*' })] });
  assert.match(unfixed?.message ?? '', /\(affects \*\)\. No fixed release has been published\.$/);
  assert.equal(unfixed?.evidence.firstFixed, null);
  // A range semver cannot read supports no claim about fixes either way; one left out is said to be.
  const [garbled] = advisoryHits({ summary, resolved: '1.3.0', range: '^1.0.0', advisories: [advisory({ vulnerable_versions: 'every release' })] });
  assert.match(garbled?.message ?? '', /\(affects every release\)\.$/);
  const [unstated] = advisoryHits({ summary, resolved: '1.3.0', range: '^1.0.0', advisories: [advisory({ vulnerable_versions: '' })] });
  assert.match(unstated?.message ?? '', /\(affected versions not stated\)\.$/);
});

test('first fixed version: the lowest later stable release outside the range, if any', () => {
  const summary = summaryOf('lib', LIB);
  const table: Array<[string, string, string | undefined]> = [
    ['<1.2.0', '1.0.0', '1.2.0'],
    ['<1.1.1', '1.0.0', '1.1.1'],
    ['>=1.0.0 <1.1.0 || >=1.1.1 <1.2.0', '1.0.0', '1.1.0'], // two lines: the first gap counts
    ['>=1.1.0 <1.3.0', '1.1.0', '1.3.0'], // the prerelease in between is never offered
    ['*', '1.0.0', undefined],
    ['', '1.0.0', undefined], // range not stated: unknown
    ['not a range', '1.0.0', undefined],
  ];
  for (const [range, resolved, expected] of table) {
    assert.equal(firstFixedVersion(summary, resolved, advisory({ vulnerable_versions: range })), expected, range);
  }
  // A release that a malware advisory covers is no fix.
  const malware = advisory({ title: 'Malware in lib', cwe: ['CWE-506'], vulnerable_versions: '=1.2.0' });
  assert.equal(firstFixedVersion(summary, '1.0.0', advisory(), [advisory(), malware]), '1.3.0');
});

test('affects: the range decides; a range the registry left out or garbled is trusted to apply', () => {
  const table: Array<[string, string, boolean]> = [
    ['<1.2.0', '1.1.0', true],
    ['<1.2.0', '1.2.0', false],
    ['<1.2.0', '1.2.0-rc.1', true], // prereleases of affected versions are affected
    ['', '9.9.9', true],
    ['garbage', '9.9.9', true],
  ];
  for (const [range, version, expected] of table) assert.equal(affects(advisory({ vulnerable_versions: range }), version), expected, `${range} ${version}`);
  assert.equal(advisoryLabel(advisory({ url: '', id: 813 })), 'npm advisory 813');
  assert.equal(advisoryLabel(advisory({ url: 'https://github.com/advisories/GHSA-PJWM-RVH2-C87W' })), 'GHSA-pjwm-rvh2-c87w');
});

test('the bulk answer is validated: wrong shapes are errors, text is bounded, only asked names are kept', () => {
  const asked = JSON.parse('{"lib":["1.0.0"],"__proto__":["1.0.0"]}') as AdvisoryQuery;
  const bad: Array<[unknown, RegExp]> = [
    [[], /not a JSON object/],
    ['x', /not a JSON object/],
    [{ lib: {} }, /entry for lib is not a list/],
    [{ lib: ['x'] }, /an advisory for lib is not an object/],
  ];
  for (const [doc, reason] of bad) {
    const read = readBulkResponse(doc, asked);
    assert.equal(read.ok, false);
    assert.match(read.ok ? '' : read.reason, reason);
  }
  const doc = JSON.parse(
    '{"lib":[{"id":7,"url":"javascript:alert(1)","title":"Bad\\nline\\u0007two","severity":"SEVERE","vulnerable_versions":"<2","cwe":"CWE-79"}],' +
      '"unasked":[{"title":"x"}],"__proto__":[{"title":"proto","cwe":["CWE-506","nope"]}]}',
  );
  const read = readBulkResponse(doc, asked);
  assert.ok(read.ok);
  assert.deepEqual(Object.keys(read.advisories).sort(), ['__proto__', 'lib']);
  assert.deepEqual(read.advisories.lib, [{ id: 7, url: '', title: 'Bad line two', severity: 'info', vulnerable_versions: '<2', cwe: ['CWE-79'] }]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(read.advisories, '__proto__')?.value[0].cwe, ['CWE-506']);
  assert.equal(Object.getPrototypeOf(read.advisories), Object.prototype, 'a "__proto__" package is data, not a prototype');
});

test('analyze: one lookup with every resolved package and version, then findings per advisory', async () => {
  const source = answering({ lib: [advisory({ severity: 'moderate' }), advisory({ id: 2, url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', title: 'ReDoS', severity: 'critical', vulnerable_versions: '<1.1.1' })] });
  const result = await run({ lib: '1.0.0', other: '^2.0.0', 'lib-alias': 'npm:lib@1.1.0' }, source);
  assert.deepEqual(source.queries, [{ lib: ['1.0.0', '1.1.0'], other: ['2.0.0'] }]);
  assert.deepEqual(signalsOf(result.findings), [
    'lib@1.0.0:vulnerability:error',
    'lib@1.0.0:vulnerability:information',
    'lib@1.1.0:vulnerability:error',
    'lib@1.1.0:vulnerability:information',
  ]);
  assert.equal(result.findings[0]?.evidence.advisory, 'GHSA-dddd-eeee-ffff');
  assert.ok(result.findings.every((f) => f.fix === undefined), 'a vulnerability is fixed forward, not pinned back');
  assert.deepEqual(result.notes, []);
});

test('analyze: known malware is an error with the known-good pin, which avoids the sibling releases', async () => {
  // 1.3.0 and 1.2.0 are both malicious (a hijack on two lines); 1.1.1 is the way out.
  const malware = advisory({ url: 'https://github.com/advisories/GHSA-pjwm-rvh2-c87w', title: 'Embedded malware in lib', severity: 'critical', cwe: ['CWE-506'], vulnerable_versions: '=1.2.0 || =1.3.0' });
  const result = await run({ lib: '^1.0.0' }, answering({ lib: [malware] }));
  assert.deepEqual(signalsOf(result.findings), ['lib@1.3.0:known-malware:error']);
  const [finding] = result.findings;
  assert.equal(finding?.fix?.pin, '1.1.1');
  assert.equal(
    finding?.message,
    'lib@1.3.0 is malware: GHSA-pjwm-rvh2-c87w "Embedded malware in lib" (affects =1.2.0 || =1.3.0). Installing it runs the ' +
      "attacker's code; a machine that installed it should be treated as compromised and its secrets rotated from another one. " +
      'No later release outside the affected range has been published. Pin 1.1.1 (published 2024-01-21) instead.',
  );
  assert.equal(finding?.evidence.malware, true);
});

test('analyze: with asOf, advisories are not asked for and one note says why', async () => {
  const source = answering({ lib: [advisory()] });
  const result = await run({ lib: '1.0.0', other: '2.0.0' }, source, { asOf: new Date(at(300)) });
  assert.deepEqual(source.queries, []);
  assert.deepEqual(signalsOf(result.findings), []);
  assert.equal(result.notes.length, 1);
  assert.equal(result.notes[0]?.code, 'advisories-skipped');
  assert.match(result.notes[0]?.message ?? '', /replay as of 2024-10-27T00:00:00\.000Z.*cannot be dated/);
});

test('analyze: endpoint problems are one note for the whole analysis, never an error per package', async () => {
  const table: Array<[string, AdvisoryResult | (() => never), string | undefined]> = [
    ['missing endpoint', { ok: false, error: { kind: 'unsupported', message: 'https://r/ does not offer it (HTTP 404).', status: 404 } }, 'advisories-unsupported'],
    ['down', { ok: false, error: { kind: 'network', message: 'https://r/ could not be reached (ECONNREFUSED).' } }, 'advisories-unavailable'],
    ['offline', { ok: false, error: { kind: 'offline', message: 'offline.' } }, 'advisories-unavailable'],
    ['partly failed', { ok: true, advisories: {}, failed: { names: ['other'], error: { kind: 'http', message: 'HTTP 500.', status: 500 } } }, 'advisories-incomplete'],
    ['cancelled', { ok: false, error: { kind: 'cancelled', message: 'cancelled' } }, undefined],
    ['a source that throws', () => { throw new Error('bug'); }, 'advisories-unavailable'],
  ];
  for (const [name, answer, code] of table) {
    const source = new FakeSource(() => (typeof answer === 'function' ? answer() : answer));
    const result = await run({ lib: '1.0.0', other: '2.0.0' }, source);
    assert.equal(source.queries.length, 1, name);
    assert.deepEqual(result.errors, [], name);
    assert.deepEqual(result.dependencies.map((d) => d.status), ['checked', 'checked'], name);
    assert.deepEqual(result.notes.map((n) => n.code), code ? [code] : [], name);
  }
  const partly = await run({ lib: '1.0.0', other: '2.0.0' }, new FakeSource(() => table[3]?.[1] as AdvisoryResult));
  assert.equal(partly.notes[0]?.message, 'Known vulnerabilities and malware were not checked for 1 package (other): HTTP 500.');
});

test('analyze: no source, or nothing resolved, means no lookup and no note', async () => {
  assert.deepEqual((await run({ lib: '1.0.0' }, undefined)).notes, []);
  const source = answering({});
  const result = await run({ missing: '1.0.0', git: 'github:a/b' }, source);
  assert.deepEqual([source.queries, result.notes], [[], []]);
});

test('lookupAdvisories: a cancelled analysis does not ask', async () => {
  const source = answering({});
  const lookup = await lookupAdvisories([{ package: 'lib', version: '1.0.0' }], source, undefined, { aborted: true });
  assert.deepEqual([source.queries, lookup.notes, lookup.byPackage.size], [[], [], 0]);
});
