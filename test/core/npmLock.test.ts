/**
 * parse/npmLock: real package-lock.json / npm-shrinkwrap.json files written by npm (v1, v2, v3, a
 * workspace monorepo), read into the lockfile graph with exact entries, edges resolved like Node
 * resolves `require`, importers, and key ranges; then broken files (truncated, conflicted, wrong
 * version, wrong shapes, empty, BOM, CRLF) that still yield what can be read, with one problem at the
 * place they break and no file content in any message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpmLock } from '../../server/src/core/parse/npmLock';
import { hasRegistryLayout, MAX_ENTRY_PROBLEMS, sourceOfResolved } from '../../server/src/core/parse/npmLockCommon';
import type { OffsetRange } from '../../server/src/core/finding';
import { edges, importer, pkg } from '../helpers/lockfileGraph';
import type { LockedPackage, Lockfile, ParsedLockfile } from '../../server/src/core/lockfile/types';

const LOCKS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lockfiles', 'npm');
const fixture = (path: string): string => readFileSync(join(LOCKS, path), 'utf8');
const slice = (text: string, range: OffsetRange): string => text.slice(range.start, range.end);

/** Every range lies in the text; every package range is its quoted key. */
function assertRanges(text: string, parsed: ParsedLockfile, keyText: (p: LockedPackage) => string): void {
  for (const p of parsed.value.packages) assert.equal(slice(text, p.range), keyText(p), `range of ${p.key}`);
  for (const problem of parsed.problems) {
    assert.ok(problem.range.start >= 0 && problem.range.start <= problem.range.end && problem.range.end <= text.length, `problem range ${JSON.stringify(problem.range)}`);
  }
}

const quoted = (p: LockedPackage): string => JSON.stringify(p.key);
/** v1 nests entries: the key written is the last path segment. */
const quotedV1 = (p: LockedPackage): string => JSON.stringify(p.key.slice(p.key.lastIndexOf('node_modules/') + 'node_modules/'.length));

const SHA = '5e3c7ebc8e1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a';

for (const [file, version] of [
  ['app-v1/package-lock.json', '1'],
  ['app-v2/package-lock.json', '2'],
  ['app-v3/package-lock.json', '3'],
] as const) {
  test(`${file}: every entry, exact fields, ranges on the keys`, () => {
    const text = fixture(file);
    const parsed = parseNpmLock(text);
    const lock = parsed.value;
    assert.deepEqual(parsed.problems, []);
    assert.equal(lock.kind, 'npm');
    assert.equal(lock.version, version);
    assert.equal(lock.packages.length, 23);
    assertRanges(text, parsed, version === '1' ? quotedV1 : quoted);
    const frame = pkg(lock, 'node_modules/@babel/code-frame');
    assert.deepEqual(
      { ...frame, range: undefined, dependencies: undefined },
      {
        name: '@babel/code-frame',
        version: '7.29.7',
        source: 'registry',
        resolved: 'https://registry.example/@babel/code-frame/-/code-frame-7.29.7.tgz',
        integrity: 'sha512-Aup7aUOfpbAUg2ROOJN6Iw5f9DMBlzu0mIkm/malLQFN/YQgO48wCj0Kxa3sEHJvPVFg7siR+qRInwXd2qhQKw==',
        dev: false,
        optional: false,
        key: 'node_modules/@babel/code-frame',
        range: undefined,
        dependencies: undefined,
      },
    );
    assert.equal(text.indexOf(version === '1' ? '"@babel/code-frame": {' : '"node_modules/@babel/code-frame"'), frame.range.start);
    assert.deepEqual(edges(lock, 'node_modules/@babel/code-frame'), ['@babel/helper-validator-identifier@7.29.7', 'js-tokens@4.0.0', 'picocolors@1.1.1']);
    // Flags.
    assert.equal(pkg(lock, 'node_modules/chalk').dev, true);
    assert.equal(pkg(lock, 'node_modules/semver').dev, true);
    assert.equal(pkg(lock, 'node_modules/fsevents').optional, true);
    assert.equal(pkg(lock, 'node_modules/fsevents').dev, false);
    // An npm: alias is read as the package it installs.
    const alias = pkg(lock, 'node_modules/my-lodash');
    assert.deepEqual([alias.name, alias.version, alias.source], ['lodash', '4.18.1', 'registry']);
    // Nested node_modules: debug@2 gets its own ms@2.0.0; the root gets ms@2.1.3.
    assert.deepEqual(edges(lock, 'node_modules/debug'), ['ms@2.0.0']);
    assert.equal(pkg(lock, 'node_modules/debug/node_modules/ms').version, '2.0.0');
    assert.equal(pkg(lock, 'node_modules/ms').version, '2.1.3');
    // Non-registry sources.
    const gitDep = pkg(lock, 'node_modules/left-pad');
    assert.equal(gitDep.source, 'git');
    assert.equal(gitDep.version, version === '1' ? `git+ssh://git@github.com/stevemao/left-pad.git#${SHA}` : '1.3.0');
    assert.equal(gitDep.integrity, undefined);
    const vendored = pkg(lock, 'node_modules/vendored');
    assert.equal(vendored.source, 'file');
    assert.deepEqual(edges(lock, 'node_modules/vendored'), ['is-number@7.0.0']);
    // v2/v3 record peer dependencies; v1 does not.
    assert.deepEqual(edges(lock, 'node_modules/react-dom'), version === '1' ? ['loose-envify@1.4.0', 'scheduler@0.23.2'] : ['loose-envify@1.4.0', 'react@18.3.1', 'scheduler@0.23.2']);
  });
}

test('app v2/v3: the root importer lists declared dependencies with their specs', () => {
  for (const file of ['app-v2/package-lock.json', 'app-v3/package-lock.json']) {
    const lock = parseNpmLock(fixture(file)).value;
    assert.deepEqual(lock.importers.map((i) => i.path), ['']);
    const root = importer(lock, '');
    assert.equal(root.size, 11);
    assert.deepEqual(root.get('my-lodash'), { spec: 'npm:lodash@^4.17.21', key: 'node_modules/my-lodash' });
    assert.deepEqual(root.get('ms'), { spec: '^2.1.3', key: 'node_modules/ms' });
    assert.deepEqual(root.get('left-pad'), { spec: 'github:stevemao/left-pad#v1.3.0', key: 'node_modules/left-pad' });
    assert.deepEqual(root.get('chalk'), { spec: '^4.1.2', key: 'node_modules/chalk' });
    assert.deepEqual(root.get('fsevents'), { spec: '^2.3.3', key: 'node_modules/fsevents' });
  }
});

test('app v1: the root importer lists every top-level entry, without specs', () => {
  const lock = parseNpmLock(fixture('app-v1/package-lock.json')).value;
  const root = importer(lock, '');
  assert.equal(root.size, 22);
  assert.deepEqual(root.get('my-lodash'), { spec: undefined, key: 'node_modules/my-lodash' });
  assert.equal(root.has('ms'), true);
  assert.equal(lock.packages.filter((p) => p.name === 'ms').length, 2);
});

for (const [file, version] of [
  ['workspaces-v3/package-lock.json', '3'],
  ['workspaces-v2/npm-shrinkwrap.json', '2'],
] as const) {
  test(`${file}: workspaces, links followed to folders, Node's lookup from each folder`, () => {
    const text = fixture(file);
    const parsed = parseNpmLock(text);
    const lock = parsed.value;
    assert.deepEqual(parsed.problems, []);
    assert.equal(lock.version, version);
    // 25 entries, of which 4 links (resolved to their folders) and the root: 20 packages... plus the
    // file: folder. Links are not packages of their own.
    assert.equal(lock.packages.length, 21);
    assert.equal(lock.packages.some((p) => p.key.startsWith('node_modules/@acme/')), false);
    assertRanges(text, parsed, quoted);
    // Workspace members, and the file: directory npm links (its dependencies are installed too).
    assert.deepEqual(lock.importers.map((i) => i.path), ['', 'packages/core', 'packages/utils', 'packages/web', 'tools/local-tool']);
    assert.deepEqual(importer(lock, 'tools/local-tool').get('ms'), { spec: '^2.1.3', key: 'tools/local-tool/node_modules/ms' });
    const core = pkg(lock, 'packages/core');
    assert.deepEqual([core.name, core.version, core.source], ['@acme/core', '1.2.0', 'workspace']);
    // A file: folder without "name" is named by the link that installs it.
    const tool = pkg(lock, 'tools/local-tool');
    assert.deepEqual([tool.name, tool.version, tool.source, tool.resolved], ['local-tool', '0.1.0', 'link', undefined]);
    assert.deepEqual(edges(lock, 'tools/local-tool'), ['ms@2.1.3']);
    assert.equal(lock.packages[pkg(lock, 'tools/local-tool').dependencies[0] as number]?.key, 'tools/local-tool/node_modules/ms');
    const root = importer(lock, '');
    assert.deepEqual(root.get('local-tool'), { spec: 'file:tools/local-tool', key: 'tools/local-tool' });
    assert.deepEqual(root.get('debug'), { spec: '^2.6.9', key: 'node_modules/debug' });
    const web = importer(lock, 'packages/web');
    assert.deepEqual(web.get('@acme/core'), { spec: '^1.2.0', key: 'packages/core' });
    assert.deepEqual(web.get('debug'), { spec: '^4.3.4', key: 'packages/web/node_modules/debug' });
    assert.deepEqual(web.get('lodash-legacy'), { spec: 'npm:lodash@4.17.20', key: 'node_modules/lodash-legacy' });
    assert.deepEqual(web.get('@types/react'), { spec: '^18.3.0', key: 'node_modules/@types/react' });
    assert.deepEqual(importer(lock, 'packages/core').get('@acme/utils'), { spec: '^0.3.0', key: 'packages/utils' });
    // Edges through links and nested folders.
    assert.deepEqual(edges(lock, 'packages/core'), ['@acme/utils@0.3.1', 'tslib@2.9.1']);
    assert.deepEqual(edges(lock, 'packages/web/node_modules/debug'), ['ms@2.1.3']);
    assert.deepEqual(edges(lock, 'node_modules/debug'), ['ms@2.0.0']);
    assert.deepEqual(edges(lock, 'node_modules/use-sync-external-store'), ['react@18.3.1']);
    const alias = pkg(lock, 'node_modules/lodash-legacy');
    assert.deepEqual([alias.name, alias.version], ['lodash', '4.17.20']);
    assert.equal(pkg(lock, 'node_modules/@types/prop-types').integrity, 'sha512-F6bEyamV9jKGAFBEmlQnesRPGOQqS2+Uwi0Em15xenOxHaf2hv6L8YCVn3rPdPJOiJfPiCnLIRyvwVaqMY3MIw==');
    assert.equal(pkg(lock, 'node_modules/@types/prop-types').dev, true);
  });
}

test('a v2 lockfile without "packages" is read from its v1 "dependencies"', () => {
  const doc = JSON.parse(fixture('workspaces-v2/npm-shrinkwrap.json')) as Record<string, unknown>;
  delete doc.packages;
  const text = JSON.stringify(doc, null, 2);
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems, []);
  const core = pkg(parsed.value, 'node_modules/@acme/core');
  assert.deepEqual([core.version, core.source], ['file:packages/core', 'file']);
  assert.deepEqual(edges(parsed.value, 'node_modules/@acme/web'), [
    '@acme/core@file:packages/core',
    '@types/react@18.3.31',
    'debug@4.4.3',
    'lodash@4.17.20',
    'react@18.3.1',
    'use-sync-external-store@1.7.0',
  ]);
  assertRanges(text, parsed, quotedV1);
});

// ---- broken files ------------------------------------------------------------------------------------

const V3 = fixture('app-v3/package-lock.json');

for (const fraction of [0.1, 0.35, 0.5, 0.77, 0.999]) {
  test(`truncated at ${fraction * 100}%: one truncation problem at the end, the entries before the cut`, () => {
    const text = V3.slice(0, Math.floor(V3.length * fraction));
    const parsed = parseNpmLock(text);
    assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-truncated']);
    const problem = parsed.problems[0];
    assert.ok(problem && problem.range.end === text.trimEnd().length, 'the problem is at the last character');
    assertRanges(text, parsed, quoted);
    const complete = [...text.matchAll(/\n {4}"(node_modules\/[^"]+)": \{[^}]*"version"/g)].length;
    assert.ok(parsed.value.packages.length >= complete - 1, `${parsed.value.packages.length} of ${complete} entries before the cut`);
  });
}

test('v1 truncated: the nested entries before the cut keep their ranges (tolerant path)', () => {
  const full = fixture('app-v1/package-lock.json');
  const text = full.slice(0, full.indexOf('"semver"'));
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-truncated']);
  assertRanges(text, parsed, quotedV1);
  assert.equal(pkg(parsed.value, 'node_modules/debug/node_modules/ms').version, '2.0.0');
  assert.deepEqual(edges(parsed.value, 'node_modules/debug'), ['ms@2.0.0']);
});

test('merge-conflict markers: one conflict problem at the first marker, "our" side read', () => {
  const ours = '      "version": "7.8.6",\n';
  const at = V3.indexOf(ours, V3.indexOf('"node_modules/semver"'));
  const text = `${V3.slice(0, at)}<<<<<<< HEAD\n${ours}=======\n      "version": "7.8.5",\n>>>>>>> feature/upgrade\n${V3.slice(at + ours.length)}`;
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-conflict', '<<<<<<< HEAD']]);
  assert.equal(parsed.value.packages.length, 23);
  assert.equal(pkg(parsed.value, 'node_modules/semver').version, '7.8.6');
  assertRanges(text, parsed, quoted);
});

test('merge conflict around whole entries (diff3 style): "their" entries are not read', () => {
  const start = V3.indexOf('    "node_modules/ms": {');
  const end = V3.indexOf('    "node_modules/my-lodash": {');
  const entry = V3.slice(start, end);
  const theirs = entry.replace('"node_modules/ms"', '"node_modules/ms-theirs"');
  const text = `${V3.slice(0, start)}<<<<<<< ours\n${entry}||||||| base\n${entry}=======\n${theirs}>>>>>>> theirs\n${V3.slice(end)}`;
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-conflict']);
  assert.equal(parsed.problems[0]?.range.start, start);
  assert.equal(parsed.value.packages.some((p) => p.key === 'node_modules/ms-theirs'), false);
  assert.equal(pkg(parsed.value, 'node_modules/ms').version, '2.1.3');
});

for (const [label, replacement, message] of [
  ['lockfileVersion 4', '"lockfileVersion": 4', /newer npm/],
  ['lockfileVersion "3" (a string)', '"lockfileVersion": "3"', /must be 1, 2 or 3/],
  ['lockfileVersion 0', '"lockfileVersion": 0', /must be 1, 2 or 3/],
] as const) {
  test(`${label}: an unsupported-version warning on the key, entries still read`, () => {
    const text = V3.replace('"lockfileVersion": 3', replacement);
    const parsed = parseNpmLock(text);
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.severity, slice(text, p.range)]), [['lockfile-unsupported-version', 'warning', '"lockfileVersion"']]);
    assert.match(parsed.problems[0]?.message ?? '', message);
    assert.equal(parsed.value.packages.length, 23);
  });
}

test('no lockfileVersion: a warning at the start of the document, entries read by shape', () => {
  const text = V3.replace('  "lockfileVersion": 3,\n', '');
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, p.range]), [['lockfile-unsupported-version', { start: 0, end: 1 }]]);
  assert.equal(parsed.value.version, '');
  assert.equal(parsed.value.packages.length, 23);
});

test('"packages" that is not an object: one invalid-entry problem on its key', () => {
  const text = '{\n  "lockfileVersion": 3,\n  "packages": ["node_modules/a"]\n}\n';
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-invalid-entry', '"packages"']]);
  assert.deepEqual(parsed.value.packages, []);
});

test('bad entries are reported on their keys; the others survive', () => {
  const text = JSON.stringify(
    {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: '^1.0.0', b: '^1.0.0', good: '^1.0.0' } },
        'node_modules/a': { version: 1 },
        'node_modules/b': 'not an object',
        'node_modules/c': { resolved: 'https://registry.example/c/-/c-1.0.0.tgz' },
        'node_modules/d': { version: '1.0.0', dependencies: ['x'] },
        'node_modules/e': { version: '1.0.0', integrity: false },
        'node_modules/lnk': { link: true },
        'node_modules/good': { version: '1.0.0', dependencies: { a: '^1.0.0' } },
      },
    },
    null,
    2,
  );
  const parsed = parseNpmLock(text);
  assert.deepEqual(
    parsed.problems.map((p) => [p.code, slice(text, p.range)]),
    ['a', 'b', 'c', 'd', 'e', 'lnk'].map((n) => ['lockfile-invalid-entry', `"node_modules/${n}"`]),
  );
  assert.deepEqual(parsed.value.packages.map((p) => p.key), ['node_modules/good']);
  assert.deepEqual(importer(parsed.value, '').get('good'), { spec: '^1.0.0', key: 'node_modules/good' });
  assert.deepEqual(parsed.value.packages[0]?.dependencies, []);
});

test(`at most ${MAX_ENTRY_PROBLEMS} invalid-entry problems however many entries are bad`, () => {
  const packages: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) packages[`node_modules/p${i}`] = { version: i };
  const parsed = parseNpmLock(JSON.stringify({ lockfileVersion: 3, packages }));
  assert.equal(parsed.problems.length, MAX_ENTRY_PROBLEMS);
});

for (const [label, text, code, range] of [
  ['an empty file', '', 'lockfile-syntax', { start: 0, end: 0 }],
  ['only whitespace', '  \n\n', 'lockfile-syntax', { start: 0, end: 0 }],
  ['a JSON array', '[1, 2]\n', 'lockfile-syntax', { start: 0, end: 6 }],
  ['a JSON string', '"lockfile"', 'lockfile-syntax', { start: 0, end: 10 }],
  ['text after the document', '{"lockfileVersion": 3, "packages": {}} x', 'lockfile-syntax', { start: 39, end: 40 }],
  ['a comment', '{\n  // npm writes no comments\n  "lockfileVersion": 3, "packages": {}\n}', 'lockfile-syntax', { start: 4, end: 29 }],
] as const) {
  test(`${label}: ${code}`, () => {
    const parsed = parseNpmLock(text);
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.range]), [[code, range]]);
    assert.deepEqual(parsed.value.packages, []);
  });
}

test('a missing comma mid-file: one syntax problem there, entries on both sides survive', () => {
  const at = V3.indexOf('    "node_modules/ms": {');
  const comma = V3.lastIndexOf('},', at);
  const text = `${V3.slice(0, comma + 1)}${V3.slice(comma + 2)}`;
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-syntax', '"node_modules/ms"']]);
  assert.match(parsed.problems[0]?.message ?? '', /comma is missing/);
  assert.equal(parsed.value.packages.length, 23);
  assertRanges(text, parsed, quoted);
});

test('brackets nested absurdly deep: one problem, no exception', () => {
  const text = `{"lockfileVersion": 3, "packages": ${'['.repeat(100_000)}`;
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-syntax']);
});

test('a byte-order mark: read as npm reads it, offsets still those of the text', () => {
  const text = `\uFEFF${V3}`;
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.value.packages.length, 23);
  assertRanges(text, parsed, quoted);
  assert.equal(pkg(parsed.value, 'node_modules/chalk').range.start, V3.indexOf('"node_modules/chalk"') + 1);
});

test('CRLF line endings, fast path and broken path alike', () => {
  const text = V3.replaceAll('\n', '\r\n');
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.value.packages.length, 23);
  assertRanges(text, parsed, quoted);
  const cut = text.slice(0, text.indexOf('"node_modules/semver"'));
  const broken = parseNpmLock(cut);
  assert.deepEqual(broken.problems.map((p) => p.code), ['lockfile-truncated']);
  assertRanges(cut, broken, quoted);
});

test('escaped keys and non-ASCII text: keys decoded, offsets in UTF-16 code units', () => {
  const text = '{"name":"😀 app","lockfileVersion":3,"packages":{"node_modules/\\u0061":{"version":"1.0.0"},"node_modules/ünï":{"version":"2.0.0"}}}';
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.value.packages.map((p) => [p.name, p.range.start, slice(text, p.range)]),
    [
      ['a', 49, '"node_modules/\\u0061"'],
      ['ünï', 91, '"node_modules/ünï"'],
    ],
  );
  // "😀" is two UTF-16 code units but four UTF-8 bytes; "ü" and "ï" one unit, two bytes.
  assert.equal(Buffer.byteLength(text.slice(0, 91)), 93);
});

test('a repeated key: the last entry wins, as with JSON.parse', () => {
  const text = '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"},"node_modules/b":{"version":"1.0.0"},"node_modules/a":{"version":"2.0.0"}}}';
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.value.packages.map((p) => [p.key, p.version, p.range.start]), [
    ['node_modules/a', '2.0.0', text.lastIndexOf('"node_modules/a"')],
    ['node_modules/b', '1.0.0', text.indexOf('"node_modules/b"')],
  ]);
});

/** A lockfile whose values hold every character the key scan must see past: brackets, quotes, escapes. */
const AWKWARD = {
  name: 'awkward',
  lockfileVersion: 3,
  packages: {
    '': { name: 'awkward', dependencies: { a: '^1.0.0', 'b}': '*' } },
    'node_modules/a': {
      version: '1.0.0',
      license: '{[MIT"}]\\',
      funding: [{ url: 'https://x.example/{"a"}' }, [], {}, [[{ '}': ']' }]]],
      engines: {},
      dependencies: { 'b}': '*', '"q"': '1' },
    },
    'node_modules/b}': { version: '2.0.0', description: 'line\nbreak\ttab "}{"', bin: { '{': 'x]' } },
    'node_modules/"q"': { version: '3.0.0', os: ['!win32'], cpu: [] },
    'node_modules/a/node_modules/b}': { version: '1.5.0', deep: JSON.parse(`${'{"x":['.repeat(2000)}1${']}'.repeat(2000)}`) },
  },
};

test('brackets, quotes and escapes inside values, any formatting: the key ranges stay exact', () => {
  const doc = JSON.stringify(AWKWARD);
  const texts = {
    pretty: JSON.stringify(AWKWARD, null, 2),
    minified: doc,
    tabs: JSON.stringify(AWKWARD, null, '\t'),
    crlf: JSON.stringify(AWKWARD, null, 4).replaceAll('\n', '\r\n'),
    inline: JSON.stringify(AWKWARD, null, 2).replace(/\n\s*/g, ' '),
  };
  const reference = parseNpmLock(texts.pretty).value;
  assert.deepEqual(
    reference.packages.map((p) => [p.key, p.version]),
    [
      ['node_modules/a', '1.0.0'],
      ['node_modules/b}', '2.0.0'],
      ['node_modules/"q"', '3.0.0'],
      ['node_modules/a/node_modules/b}', '1.5.0'],
    ],
  );
  assert.deepEqual(edges(reference, 'node_modules/a'), ['"q"@3.0.0', 'b}@1.5.0']);
  for (const [label, text] of Object.entries(texts)) {
    const parsed = parseNpmLock(text);
    assert.deepEqual(parsed.problems, [], label);
    assertRanges(text, parsed, quoted);
    const sameExceptRanges = (lock: Lockfile) => JSON.stringify(lock, (key, value: unknown) => (key === 'range' ? undefined : value));
    assert.equal(sameExceptRanges(parsed.value), sameExceptRanges(reference), label);
  }
});

test('integer-like keys (listed first by JSON.parse) still get their own ranges', () => {
  const text = '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"},"7":{"name":"seven","version":"1.0.0"},"node_modules/b":{"version":"1.0.0"}}}';
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.value.packages.map((p) => [p.key, slice(text, p.range)]),
    [
      ['7', '"7"'],
      ['node_modules/a', '"node_modules/a"'],
      ['node_modules/b', '"node_modules/b"'],
    ],
  );
});

test('problem messages never quote the file', () => {
  const broken = [
    V3.slice(0, 5000),
    V3.replace('"lockfileVersion": 3', '"lockfileVersion": 99'),
    V3.replace('"version": "4.1.2"', '"version": ["SECRET-VALUE"]'),
    `<<<<<<< SECRET-BRANCH\n${V3}`,
    V3.replace('"node_modules/ms": {', '"node_modules/SECRET-NAME": "SECRET-VALUE", "x": {'),
  ];
  for (const text of broken) {
    const parsed = parseNpmLock(text);
    assert.ok(parsed.problems.length > 0);
    for (const problem of parsed.problems) {
      assert.doesNotMatch(problem.message, /SECRET|chalk|semver|node_modules\/|registry\.example|sha512/);
    }
  }
});

test('sources: registry layouts on any host, git, tarball, file', () => {
  const cases: Array<[string, string, string]> = [
    ['https://registry.example/lodash/-/lodash-4.17.21.tgz', 'lodash', 'registry'],
    ['https://registry.example/@babel/core/-/core-7.24.0.tgz', '@babel/core', 'registry'],
    ['https://npm.corp.example/api/npm/npm-virtual/@babel/core/-/core-7.24.0.tgz', '@babel/core', 'registry'],
    ['https://registry.example/@babel%2fcore/-/core-7.24.0.tgz', '@babel/core', 'registry'],
    ['https://registry.example/@babel%2Fcore/-/core-7.24.0.tgz?cache=1', '@babel/core', 'registry'],
    ['http://registry.example/Foo/-/Foo-1.0.0.tgz', 'Foo', 'registry'],
    ['https://registry.example/lodash/-/other-4.17.21.tgz', 'lodash', 'tarball'],
    ['https://registry.example/evil/-/lodash-4.17.21.tgz', 'lodash', 'tarball'],
    ['https://cdn.example/downloads/widget-1.0.0.tgz', 'widget', 'tarball'],
    ['https://codeload.github.com/user/repo/tar.gz/0123456789abcdef', 'repo', 'git'],
    [`git+ssh://git@github.com/stevemao/left-pad.git#${SHA}`, 'left-pad', 'git'],
    ['git+https://gitlab.com/a/b.git#abc', 'b', 'git'],
    ['github:user/repo#abc', 'repo', 'git'],
    ['file:vendor/vendored-1.0.0.tgz', 'vendored', 'file'],
    ['../somewhere', 'x', 'unknown'],
  ];
  for (const [url, name, source] of cases) assert.equal(sourceOfResolved(url, name), source, url);
  assert.equal(hasRegistryLayout('https://r.example/a/-/a-1.0.0.tgz', 'a'), true);
  assert.equal(hasRegistryLayout('https://r.example/a/-/a-1.0.0.tgz/x', 'a'), false);
  // The file name is what follows the last "/", and the "/-/" before it is the one that counts.
  assert.equal(hasRegistryLayout('https://r.example/a/-/b/-/a-1.0.0.tgz', 'a'), false);
  assert.equal(hasRegistryLayout('https://r.example/b/-/x/a/-/a-1.0.0.tgz', 'a'), true);
  assert.equal(hasRegistryLayout('https://r.example/@s/a/-/a-1.0.0.tgz', '@s/a'), true);
  assert.equal(hasRegistryLayout('https://r.example/@s/a/-/s-1.0.0.tgz', '@s/a'), false);
  assert.equal(hasRegistryLayout('a/-/a-1.0.0.tgz', 'a'), false);
  assert.equal(hasRegistryLayout('/-/a-1.0.0.tgz', ''), false);
});

test('entries without "resolved" (omit-lockfile-registry-resolved, bundled): semver versions are registry packages', () => {
  const text = JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { a: '^1.0.0', b: 'github:u/b' } },
      'node_modules/a': { version: '1.2.3', integrity: 'sha512-x' },
      'node_modules/b': { version: 'not-a-version' },
      'node_modules/c': { version: '2.0.0', resolved: 'https://cdn.example/c.tgz' },
    },
  });
  const lock = parseNpmLock(text).value;
  assert.deepEqual(lock.packages.map((p) => [p.key, p.source]), [
    ['node_modules/a', 'registry'],
    ['node_modules/b', 'unknown'],
    ['node_modules/c', 'tarball'],
  ]);
});

test('a link to a folder with no entry of its own is kept as a link package', () => {
  const text = JSON.stringify({
    lockfileVersion: 3,
    packages: { '': { dependencies: { shared: 'file:../shared' } }, 'node_modules/shared': { resolved: '../shared', link: true } },
  });
  const parsed = parseNpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.value.packages.map((p) => [p.name, p.version, p.source, p.key]),
    [['shared', '../shared', 'link', 'node_modules/shared']],
  );
  assert.deepEqual(importer(parsed.value, '').get('shared'), { spec: 'file:../shared', key: 'node_modules/shared' });
});

test('workspace globs: negations and ** decide which folders are workspace members', () => {
  const text = JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { workspaces: ['packages/**', '!packages/legacy', './apps/*'] },
      'apps/web': { name: 'web', version: '1.0.0' },
      'packages/a/b': { name: 'ab', version: '1.0.0' },
      'packages/legacy': { name: 'legacy', version: '1.0.0' },
      'tools/x': { name: 'x', version: '1.0.0' },
    },
  });
  const lock = parseNpmLock(text).value;
  assert.deepEqual(lock.packages.map((p) => [p.key, p.source]), [
    ['apps/web', 'workspace'],
    ['packages/a/b', 'workspace'],
    ['packages/legacy', 'link'],
    ['tools/x', 'link'],
  ]);
  assert.deepEqual(lock.importers.map((i) => i.path), ['', 'apps/web', 'packages/a/b']);
});
