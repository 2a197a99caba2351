/**
 * registry/summarize: real recorded packuments summarise cleanly; documents of the wrong shape are
 * rejected as malformed or have the bad field dropped, never trusted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { PackageSummary, VersionSummary } from '../../server/src/core/registry/types';
import { FIXTURES, loadPackuments } from '../helpers/fileRegistry';

const RECORDED = loadPackuments(join(FIXTURES, 'packuments'));

function summarize(doc: unknown, name: string): PackageSummary {
  const result = summarizePackument(doc, name);
  if (!result.ok) throw new assert.AssertionError({ message: `expected ok, got ${result.error.message}` });
  return result.summary;
}

test('the recorded fixture set is there (at least the 24 documents these tests name)', () => {
  assert.ok(RECORDED.size >= 24, `${RECORDED.size} documents`);
  for (const name of ['graceful-fs', 'evp_bytestokey', 'cross-env', 'mozjpeg', 'js-yaml', 'encoding']) assert.ok(RECORDED.has(name), name);
});

for (const [name, doc] of RECORDED) {
  test(`recorded packument ${name} summarises`, () => {
    const raw = doc as { versions: Record<string, unknown>; time: Record<string, string>; 'dist-tags': Record<string, string> };
    const summary = summarize(doc, name);
    assert.equal(summary.name, name);
    assert.deepEqual(Object.keys(summary.versions).sort(), Object.keys(raw.versions).sort());
    assert.deepEqual(summary.distTags, raw['dist-tags']);
    for (const [version, info] of Object.entries(summary.versions)) {
      assert.equal(info.version, version);
      const recorded = raw.time[version];
      assert.equal(info.publishedAt, recorded === undefined ? undefined : new Date(recorded).toISOString(), `time of ${version}`);
    }
    const expectedUnpublished = Object.keys(raw.time).filter((k) => k !== 'created' && k !== 'modified' && !(k in raw.versions));
    assert.deepEqual(summary.unpublished, expectedUnpublished);
    // Summaries are plain JSON (they are cached on disk as is).
    assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
  });
}

const FACTS: Array<[string, (s: PackageSummary) => unknown, unknown]> = [
  ['graceful-fs', (s) => s.distTags, { latest: '4.2.4', old: '3.0.12' }],
  ['graceful-fs', (s) => s.unpublished, ['2.1.0', '4.0.0']],
  ['graceful-fs', (s) => s.versions['4.2.4']?.publisher, { name: 'isaacs', email: 'i@izs.me' }],
  ['graceful-fs', (s) => s.versions['4.2.4']?.publishedAt, '2020-04-28T15:14:10.455Z'],
  ['graceful-fs', (s) => [s.created, s.modified], ['2011-07-20T08:49:36.339Z', '2020-04-28T15:14:13.976Z']],
  ['evp_bytestokey', (s) => [s.versions['1.0.1']?.installScripts, s.versions['1.0.1']?.gypfile], [{ install: 'node-gyp rebuild' }, true]],
  ['cross-env', (s) => s.versions['3.1.0']?.deprecated, 'bad build, please use >= 3.1.1'],
  ['cross-env', (s) => s.versions['3.1.1']?.deprecated, undefined],
  ['mozjpeg', (s) => s.versions['0.1.0']?.installScripts, { postinstall: 'node index.js' }],
  ['mozjpeg', (s) => s.unpublished, ['4.1.2']],
  ['js-yaml', (s) => s.unpublished, ['3.2.0']],
  ['encoding', (s) => Object.values(s.versions).filter((v) => v.publisher === undefined).length, 4],
];

for (const [name, pick, expected] of FACTS) {
  test(`recorded ${name}: ${pick.toString().replace(/^\(s\) => /, '')}`, () => {
    assert.deepEqual(pick(summarize(RECORDED.get(name), name)), expected);
  });
}

const MALFORMED: Array<[string, unknown, string]> = [
  ['null', null, 'it is not a JSON object'],
  ['an array', [], 'it is not a JSON object'],
  ['a string', '{"name":"p"}', 'it is not a JSON object'],
  ['a number', 42, 'it is not a JSON object'],
  ['another package', { name: 'q', versions: {} }, 'it describes a different package'],
  ['a non-string name', { name: 7 }, 'it describes a different package'],
  ['versions an array', { name: 'p', versions: [] }, '"versions" is not an object'],
  ['versions a string', { name: 'p', versions: '1.0.0' }, '"versions" is not an object'],
  ['versions null', { name: 'p', versions: null }, '"versions" is not an object'],
  ['time an array', { name: 'p', versions: {}, time: [] }, '"time" is not an object'],
  ['time a string', { name: 'p', versions: {}, time: '2020-01-01' }, '"time" is not an object'],
];

for (const [what, doc, why] of MALFORMED) {
  test(`malformed document: ${what}`, () => {
    assert.deepEqual(summarizePackument(doc, 'p'), {
      ok: false,
      error: { kind: 'malformed', message: `The registry's document for p is malformed: ${why}.` },
    });
  });
}

const AT = '2024-01-01T00:00:00.000Z';
const BASE: VersionSummary = {
  version: '1.0.0',
  publishedAt: AT,
  installScripts: {},
  maintainers: [],
  gypfile: false,
  dependencies: {},
  optionalDependencies: {},
  provenance: false,
  bin: [],
};

/** [what, the version document's fields, the expected summary's differences from BASE, fields expected absent]. */
const VERSION_CASES: Array<[string, Record<string, unknown>, Partial<VersionSummary>, Array<keyof VersionSummary>]> = [
  ['an empty version document', {}, {}, ['publisher', 'deprecated', 'integrity', 'repository']],
  ['_npmUser object', { _npmUser: { name: 'jane', email: 'jane@example.com' } }, { publisher: { name: 'jane', email: 'jane@example.com' } }, []],
  ['_npmUser "Name <email>" string', { _npmUser: 'Jane Doe <jane@example.com>' }, { publisher: { name: 'Jane Doe', email: 'jane@example.com' } }, []],
  ['_npmUser bare string', { _npmUser: 'jane' }, { publisher: { name: 'jane' } }, []],
  ['_npmUser string with only an email', { _npmUser: '<jane@example.com>' }, {}, ['publisher']],
  ['_npmUser a number', { _npmUser: 5 }, {}, ['publisher']],
  ['_npmUser with a non-string name', { _npmUser: { name: 5, email: 'x@y' } }, {}, ['publisher']],
  ['_npmUser with a non-string email', { _npmUser: { name: 'jane', email: 7 } }, { publisher: { name: 'jane' } }, []],
  [
    'trusted publisher',
    { _npmUser: { name: 'GitHub Actions', email: 'ci@x', trustedPublisher: { id: 'github', oidcConfigId: 'oidc:1' } } },
    { publisher: { name: 'GitHub Actions', email: 'ci@x', trustedPublisher: 'github' } },
    [],
  ],
  ['trusted publisher without id', { _npmUser: { name: 'ci', trustedPublisher: {} } }, { publisher: { name: 'ci', trustedPublisher: 'unknown' } }, []],
  ['trustedPublisher not an object is ignored', { _npmUser: { name: 'ci', trustedPublisher: 'github' } }, { publisher: { name: 'ci' } }, []],
  ['maintainers not an array', { maintainers: { name: 'a' } }, { maintainers: [] }, []],
  ['maintainers mixed', { maintainers: [{ name: 'a' }, 'b <b@x>', 3, null, { email: 'c@x' }] }, { maintainers: ['a', 'b'] }, []],
  ['scripts not an object', { scripts: 'node install.js' }, { installScripts: {} }, []],
  ['scripts an array', { scripts: ['postinstall'] }, { installScripts: {} }, []],
  [
    'only install hooks are kept',
    { scripts: { preinstall: 'a', install: 'b', postinstall: 'c', test: 'd', prepare: 'e', prepublish: 'f' } },
    { installScripts: { preinstall: 'a', install: 'b', postinstall: 'c' } },
    [],
  ],
  ['a non-string or blank hook is dropped', { scripts: { preinstall: 1, install: '   ', postinstall: 'node x' } }, { installScripts: { postinstall: 'node x' } }, []],
  ['a very long hook is cut to 2000 characters', { scripts: { install: 'x'.repeat(5000) } }, { installScripts: { install: 'x'.repeat(2000) } }, []],
  ['gypfile true', { gypfile: true }, { gypfile: true }, []],
  ['gypfile "true" (a string) is not true', { gypfile: 'true' }, { gypfile: false }, []],
  ['deprecated "" means not deprecated', { deprecated: '' }, {}, ['deprecated']],
  ['deprecated true (not a string) is dropped', { deprecated: true }, {}, ['deprecated']],
  ['deprecated text', { deprecated: 'use v2' }, { deprecated: 'use v2' }, []],
  ['dependencies: non-string values dropped', { dependencies: { a: '^1', b: 2, c: null }, optionalDependencies: [] }, { dependencies: { a: '^1' } }, []],
  ['dist: integrity and attestations', { dist: { integrity: 'sha512-abc', attestations: { url: 'u' } } }, { integrity: 'sha512-abc', provenance: true }, []],
  ['dist not an object', { dist: 'x' }, {}, ['integrity']],
  ['bin as a string: the unscoped name', { bin: './cli.js' }, { bin: ['p'] }, []],
  ['bin as an object', { bin: { a: './a', b: './b' } }, { bin: ['a', 'b'] }, []],
  ['repository object and string', { repository: { type: 'git', url: 'git+https://x/y.git' } }, { repository: 'git+https://x/y.git' }, []],
];

for (const [what, versionDoc, changes, absent] of VERSION_CASES) {
  test(`version field: ${what}`, () => {
    const summary = summarize({ name: 'p', versions: { '1.0.0': { name: 'p', version: '1.0.0', ...versionDoc } }, time: { '1.0.0': AT } }, 'p');
    const info = summary.versions['1.0.0'];
    assert.deepEqual(info, { ...BASE, ...changes });
    for (const key of absent) assert.equal(key in (info ?? {}), false, `${key} absent`);
  });
}

test('scoped string bin is named after the unscoped part', () => {
  const summary = summarize({ name: '@s/tool', versions: { '1.0.0': { bin: 'cli.js' } } }, '@s/tool');
  assert.deepEqual(summary.versions['1.0.0']?.bin, ['tool']);
});

test('version entries that are not objects are dropped, the rest kept', () => {
  const summary = summarize({ name: 'p', versions: { '1.0.0': 'x', '1.0.1': null, '1.0.2': [], '1.0.3': 4, '1.1.0': {} } }, 'p');
  assert.deepEqual(Object.keys(summary.versions), ['1.1.0']);
});

test('time: values that are not dates are dropped; dates are normalised to ISO', () => {
  const summary = summarize(
    {
      name: 'p',
      versions: { '1.0.0': {}, '1.0.1': {}, '1.0.2': {}, '1.0.3': {} },
      time: { created: 'garbage', modified: '2020-01-02T03:04:05Z', '1.0.0': 'yesterday', '1.0.1': 12345, '1.0.2': '2020-01-02', '0.9.0': 'nope' },
    },
    'p',
  );
  assert.deepEqual(
    Object.values(summary.versions).map((v) => [v.version, v.publishedAt]),
    [['1.0.0', undefined], ['1.0.1', undefined], ['1.0.2', '2020-01-02T00:00:00.000Z'], ['1.0.3', undefined]],
  );
  assert.equal('created' in summary, false);
  assert.equal(summary.modified, '2020-01-02T03:04:05.000Z');
  // 0.9.0 has no valid date, so it is not reported as unpublished either.
  assert.deepEqual(summary.unpublished, []);
});

test('unpublished versions: in time, not in versions; created/modified are not versions', () => {
  const summary = summarize(
    { name: 'p', versions: { '1.0.1': {} }, time: { created: AT, modified: AT, '1.0.0': AT, '1.0.1': AT, '2.0.0': AT } },
    'p',
  );
  assert.deepEqual(summary.unpublished, ['1.0.0', '2.0.0']);
});

test('top level: dist-tags, maintainers and texts of the wrong type are dropped', () => {
  const summary = summarize(
    { name: 'p', 'dist-tags': { latest: '1.0.0', next: 2, beta: null }, maintainers: 'alice', description: 7, license: { type: 'MIT' }, versions: {} },
    'p',
  );
  assert.deepEqual(summary, { name: 'p', distTags: { latest: '1.0.0' }, maintainers: [], versions: {}, unpublished: [] });
});

test('a document without a name is accepted under the requested name', () => {
  const summary = summarize({ versions: {}, 'dist-tags': 'latest' }, '@s/p');
  assert.deepEqual(summary, { name: '@s/p', distTags: {}, maintainers: [], versions: {}, unpublished: [] });
});

test('top-level texts are bounded', () => {
  const summary = summarize({ name: 'p', description: 'd'.repeat(900), license: 'L'.repeat(300), repository: 'r'.repeat(3000) }, 'p');
  assert.deepEqual([summary.description?.length, summary.license?.length, summary.repository?.length], [500, 200, 2000]);
});
