/**
 * parse/pnpmLock: real pnpm-lock.yaml files written by pnpm 9 (v9), pnpm 8 (v6) and pnpm 7 (v5.4), one
 * project and a workspace, read into the lockfile graph: entries with exact fields, peer-suffixed
 * snapshots, aliases, links to workspace members, importers, key ranges. Then broken files and YAML
 * that pnpm never writes: one problem where they break, everything else still read, nothing guessed,
 * no file content in any message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePnpmLock } from '../../server/src/core/parse/pnpmLock';
import { refToKey } from '../../server/src/core/parse/pnpmLockPackages';
import type { OffsetRange } from '../../server/src/core/finding';
import { edges, importer, pkg } from '../helpers/lockfileGraph';
import type { ParsedLockfile } from '../../server/src/core/lockfile/types';

const LOCKS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lockfiles', 'pnpm');
const fixture = (path: string): string => readFileSync(join(LOCKS, path), 'utf8');
const slice = (text: string, range: OffsetRange): string => text.slice(range.start, range.end);
const unquote = (text: string): string => (/^'.*'$/.test(text) ? text.slice(1, -1).replaceAll("''", "'") : /^".*"$/.test(text) ? (JSON.parse(text) as string) : text);

/**
 * Every problem range lies in the text; every package range is a key: its own (v5/v6), its `packages`
 * key without the peer suffix (v9), or for a linked folder the dependency key that links it.
 */
function assertRanges(text: string, parsed: ParsedLockfile): void {
  for (const p of parsed.value.packages) {
    const written = unquote(slice(text, p.range));
    const expected = p.key.startsWith('link:') ? p.name : p.key.startsWith('/') || !p.key.includes('(') ? p.key : p.key.slice(0, p.key.indexOf('('));
    assert.ok(written === expected || written === p.key, `range of ${p.key}: ${written}`);
  }
  for (const problem of parsed.problems) {
    assert.ok(problem.range.start >= 0 && problem.range.start <= problem.range.end && problem.range.end <= text.length, `problem range ${JSON.stringify(problem.range)}`);
  }
}

const SHA = '5e3c7ebc8e1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a';
const CODELOAD = `https://codeload.github.com/stevemao/left-pad/tar.gz/${SHA}`;

const APPS = [
  { file: 'app-v9/pnpm-lock.yaml', version: '9.0', id: (n: string, v: string) => `${n}@${v}`, peers: 'react-dom@18.3.1(react@18.3.1)', git: `left-pad@${CODELOAD}`, file_: 'vendored@file:vendor/vendored-1.0.0.tgz' },
  { file: 'app-v6/pnpm-lock.yaml', version: '6.0', id: (n: string, v: string) => `/${n}@${v}`, peers: '/react-dom@18.3.1(react@18.3.1)', git: `github.com/stevemao/left-pad/${SHA}`, file_: 'file:vendor/vendored-1.0.0.tgz' },
  { file: 'app-v5/pnpm-lock.yaml', version: '5.4', id: (n: string, v: string) => `/${n}/${v}`, peers: '/react-dom/18.3.1_react@18.3.1', git: `github.com/stevemao/left-pad/${SHA}`, file_: 'file:vendor/vendored-1.0.0.tgz' },
] as const;

for (const app of APPS) {
  test(`${app.file}: every entry, exact fields, edges, ranges on the keys`, () => {
    const text = fixture(app.file);
    const parsed = parsePnpmLock(text);
    const lock = parsed.value;
    assert.deepEqual(parsed.problems, []);
    assert.equal(lock.kind, 'pnpm');
    assert.equal(lock.version, app.version);
    assert.equal(lock.packages.length, 23);
    assertRanges(text, parsed);
    const v9 = app.version === '9.0';
    const frame = pkg(lock, app.id('@babel/code-frame', '7.29.7'));
    assert.deepEqual(
      { ...frame, range: undefined, dependencies: undefined },
      {
        name: '@babel/code-frame',
        version: '7.29.7',
        source: 'registry',
        integrity: 'sha512-Aup7aUOfpbAUg2ROOJN6Iw5f9DMBlzu0mIkm/malLQFN/YQgO48wCj0Kxa3sEHJvPVFg7siR+qRInwXd2qhQKw==',
        ...(v9 ? {} : { dev: false }),
        optional: false,
        key: app.id('@babel/code-frame', '7.29.7'),
        range: undefined,
        dependencies: undefined,
      },
    );
    assert.equal(frame.range.start, text.indexOf(v9 ? "'@babel/code-frame@7.29.7':" : `${app.id('@babel/code-frame', '7.29.7')}:`, text.indexOf('\npackages:')));
    assert.deepEqual(edges(lock, app.id('@babel/code-frame', '7.29.7')), ['@babel/helper-validator-identifier@7.29.7', 'js-tokens@4.0.0', 'picocolors@1.1.1']);
    // dev is only recorded by v5/v6.
    assert.equal(pkg(lock, app.id('chalk', '4.1.2')).dev, v9 ? undefined : true);
    assert.equal(pkg(lock, app.id('fsevents', '2.3.3')).optional, true);
    // Peer-suffixed instance: its own key, the version without the suffix, the peer among its edges.
    const reactDom = pkg(lock, app.peers);
    assert.deepEqual([reactDom.name, reactDom.version], ['react-dom', '18.3.1']);
    assert.equal(slice(text, reactDom.range), v9 ? 'react-dom@18.3.1' : app.peers);
    assert.deepEqual(edges(lock, app.peers), ['loose-envify@1.4.0', 'react@18.3.1', 'scheduler@0.23.2']);
    assert.deepEqual(edges(lock, app.id('debug', '2.6.9')), ['ms@2.0.0']);
    // Non-registry sources.
    const gitDep = pkg(lock, app.git);
    assert.deepEqual([gitDep.name, gitDep.version, gitDep.source, gitDep.resolved], ['left-pad', '1.3.0', 'git', CODELOAD]);
    const vendored = pkg(lock, app.file_);
    assert.deepEqual([vendored.name, vendored.version, vendored.source], ['vendored', '1.0.0', 'file']);
    assert.deepEqual(edges(lock, app.file_), ['is-number@7.0.0']);
    // The root importer, aliases resolved to the package they install.
    assert.deepEqual(lock.importers.map((i) => i.path), ['']);
    const root = importer(lock, '');
    assert.equal(root.size, 11);
    assert.deepEqual(root.get('my-lodash'), { spec: 'npm:lodash@^4.17.21', key: app.id('lodash', '4.18.1') });
    assert.deepEqual(root.get('ms'), { spec: '^2.1.3', key: app.id('ms', '2.1.3') });
    assert.deepEqual(root.get('react-dom'), { spec: '^18.3.1', key: app.peers });
    assert.deepEqual(root.get('left-pad'), { spec: 'github:stevemao/left-pad#v1.3.0', key: app.git });
    assert.deepEqual(root.get('vendored'), { spec: 'file:vendor/vendored-1.0.0.tgz', key: app.file_ });
    assert.deepEqual(root.get('semver'), { spec: '^7.6.0', key: app.id('semver', '7.8.6') });
    assert.deepEqual(root.get('fsevents'), { spec: '^2.3.3', key: app.id('fsevents', '2.3.3') });
  });
}

for (const [file, version] of [
  ['workspaces-v9/pnpm-lock.yaml', '9.0'],
  ['workspaces-v6/pnpm-lock.yaml', '6.0'],
] as const) {
  test(`${file}: importers, workspace links as packages, file: folders`, () => {
    const text = fixture(file);
    const parsed = parsePnpmLock(text);
    const lock = parsed.value;
    const v9 = version === '9.0';
    const id = (n: string, v: string): string => (v9 ? `${n}@${v}` : `/${n}@${v}`);
    assert.deepEqual(parsed.problems, []);
    assert.equal(lock.version, version);
    assertRanges(text, parsed);
    assert.deepEqual(lock.importers.map((i) => i.path), ['', 'packages/core', 'packages/utils', 'packages/web']);
    // Linked workspace members: one package per folder, their edges those of the member's importer.
    const core = pkg(lock, 'link:packages/core');
    assert.deepEqual([core.name, core.version, core.source], ['@acme/core', 'link:../core', 'workspace']);
    assert.equal(slice(text, core.range), "'@acme/core'");
    assert.deepEqual(edges(lock, 'link:packages/core'), ['@acme/utils@link:../utils', 'tslib@2.9.1']);
    const web = importer(lock, 'packages/web');
    assert.deepEqual(web.get('@acme/core'), { spec: 'workspace:^', key: 'link:packages/core' });
    assert.deepEqual(web.get('lodash-legacy'), { spec: 'npm:lodash@4.17.20', key: id('lodash', '4.17.20') });
    assert.deepEqual(web.get('debug'), { spec: '^4.3.4', key: id('debug', '4.4.3') });
    assert.deepEqual(web.get('use-sync-external-store'), { spec: '^1.2.0', key: v9 ? 'use-sync-external-store@1.7.0(react@18.3.1)' : '/use-sync-external-store@1.7.0(react@18.3.1)' });
    assert.deepEqual(web.get('@types/react'), { spec: '^18.3.0', key: id('@types/react', '18.3.31') });
    assert.deepEqual(importer(lock, 'packages/core').get('@acme/utils'), { spec: 'workspace:*', key: 'link:packages/utils' });
    // A file: folder (pnpm copies it in): source file, version as written.
    const toolKey = v9 ? 'local-tool@file:tools/local-tool' : 'file:tools/local-tool';
    const tool = pkg(lock, toolKey);
    assert.deepEqual([tool.name, tool.version, tool.source, tool.resolved], ['local-tool', 'file:tools/local-tool', 'file', undefined]);
    assert.deepEqual(edges(lock, toolKey), ['ms@2.1.3']);
    assert.deepEqual(importer(lock, '').get('local-tool'), { spec: 'file:tools/local-tool', key: toolKey });
    assert.deepEqual(importer(lock, '').get('debug'), { spec: '^2.6.9', key: id('debug', '2.6.9') });
    if (v9) {
      // The hand-added git dependency (resolution type git).
      const gitKey = 'internal-lib@git+https://git.example.com/acme/internal-lib.git#9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
      const lib = pkg(lock, gitKey);
      assert.deepEqual([lib.name, lib.version, lib.source, lib.resolved], ['internal-lib', '0.4.0', 'git', 'https://git.example.com/acme/internal-lib.git#9f8e7d6c5b4a39281706f5e4d3c2b1a098765432']);
      assert.deepEqual(edges(lock, gitKey), ['is-number@7.0.0']);
      assert.deepEqual(importer(lock, 'packages/utils').get('internal-lib'), { spec: 'git+https://git.example.com/acme/internal-lib.git#v0.4.0', key: gitKey });
      assert.equal(lock.packages.length, 20);
    } else {
      assert.equal(pkg(lock, id('typescript', '5.9.3')).dev, true);
      assert.equal(lock.packages.length, 19);
    }
  });
}

test('refToKey follows pnpm for each layout', () => {
  const cases: Array<[string, string, 'v5' | 'v6' | 'v9', string | undefined]> = [
    ['react-dom', '18.3.1(react@18.3.1)', 'v9', 'react-dom@18.3.1(react@18.3.1)'],
    ['my-lodash', 'lodash@4.18.1', 'v9', 'lodash@4.18.1'],
    ['x', '@scope/real@1.0.0', 'v9', '@scope/real@1.0.0'],
    ['left-pad', CODELOAD, 'v9', `left-pad@${CODELOAD}`],
    ['lib', 'git+ssh://git@example.com/a/b.git#abc', 'v9', 'lib@git+ssh://git@example.com/a/b.git#abc'],
    ['core', 'link:../core', 'v9', undefined],
    ['react-dom', '18.3.1(react@18.3.1)', 'v6', '/react-dom@18.3.1(react@18.3.1)'],
    ['a', '1.0.0(@types/react@18.0.0)', 'v6', '/a@1.0.0(@types/react@18.0.0)'],
    ['my-lodash', '/lodash@4.18.1', 'v6', '/lodash@4.18.1'],
    ['left-pad', `github.com/stevemao/left-pad/${SHA}`, 'v6', `github.com/stevemao/left-pad/${SHA}`],
    ['tool', 'file:tools/tool', 'v6', 'file:tools/tool'],
    ['react-dom', '18.3.1_react@18.3.1', 'v5', '/react-dom/18.3.1_react@18.3.1'],
    ['a', '1.0.0_@types+react@18.0.0', 'v5', '/a/1.0.0_@types+react@18.0.0'],
    ['my-lodash', '/lodash/4.18.1', 'v5', '/lodash/4.18.1'],
  ];
  for (const [alias, ref, style, key] of cases) assert.equal(refToKey(alias, ref, style), key, `${style} ${ref}`);
});

// ---- broken files and YAML outside the subset ----------------------------------------------------------

const V9 = fixture('app-v9/pnpm-lock.yaml');
const V6 = fixture('app-v6/pnpm-lock.yaml');

for (const fraction of [0.05, 0.3, 0.5, 0.62, 0.8, 0.95]) {
  for (const [label, full] of [
    ['v9', V9],
    ['v6', V6],
  ] as const) {
    test(`${label} truncated at ${fraction * 100}%: at most one problem about the cut, entries before it read`, () => {
      const text = full.slice(0, Math.floor(full.length * fraction));
      const parsed = parsePnpmLock(text);
      assertRanges(text, parsed);
      const broken = parsed.problems.filter((p) => p.code !== 'lockfile-invalid-entry');
      assert.ok(broken.length <= 1, JSON.stringify(parsed.problems));
      assert.ok(parsed.problems.length <= 2, JSON.stringify(parsed.problems));
      for (const p of parsed.value.packages) assert.ok(p.range.end <= text.length);
    });
  }
}

test('truncated inside a flow mapping: lockfile-truncated on the last line', () => {
  const cut = V9.indexOf('sha512-', V9.indexOf('  chalk@4.1.2:')) + 20;
  const text = V9.slice(0, cut);
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-truncated']);
  assert.equal(parsed.problems[0]?.range.end, text.length);
  assert.ok(parsed.value.packages.some((p) => p.name === 'ansi-styles'));
});

test('truncated in the middle of a key: lockfile-truncated', () => {
  const text = V9.slice(0, V9.indexOf('  chalk@4.1.2:') + 7);
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-truncated']);
});

test('v9 cut before "snapshots": lockfile-truncated, packages read without edges', () => {
  const text = V9.slice(0, V9.indexOf('\nsnapshots:') + 1);
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-truncated']);
  assert.equal(parsed.value.packages.length, 23);
  assert.ok(parsed.value.packages.every((p) => p.dependencies.length === 0));
});

test('an entry cut after its key: one invalid-entry problem on it', () => {
  const text = V6.slice(0, V6.indexOf('  /chalk@4.1.2:') + '  /chalk@4.1.2:\n'.length);
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-invalid-entry', '/chalk@4.1.2']]);
  assert.match(parsed.problems[0]?.message ?? '', /cut off/);
});

test('merge-conflict markers: one conflict problem at the first marker, "our" side read', () => {
  const ours = '  semver@7.8.6: {}\n';
  const at = V9.indexOf(ours);
  const text = `${V9.slice(0, at)}<<<<<<< HEAD\n${ours}=======\n  semver@7.8.5: {}\n>>>>>>> main\n${V9.slice(at + ours.length)}`;
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-conflict', '<<<<<<< HEAD']]);
  assert.equal(parsed.value.packages.length, 23);
  assert.equal(parsed.value.packages.some((p) => p.key === 'semver@7.8.5'), false);
  assertRanges(text, parsed);
});

for (const [label, replacement, message] of [
  ["lockfileVersion '10.0'", "lockfileVersion: '10.0'", /newer pnpm/],
  ["lockfileVersion '7.0'", "lockfileVersion: '7.0'", /5\.x, 6\.x or 9\.x/],
  ['lockfileVersion [9]', 'lockfileVersion: [9]', /no readable/],
] as const) {
  test(`${label}: an unsupported-version warning, entries read by their shape`, () => {
    const text = V9.replace("lockfileVersion: '9.0'", replacement);
    const parsed = parsePnpmLock(text);
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.severity]), [['lockfile-unsupported-version', 'warning']]);
    assert.match(parsed.problems[0]?.message ?? '', message);
    assert.ok(parsed.problems[0] && parsed.problems[0].range.end <= text.indexOf('\n'));
    assert.equal(parsed.value.packages.length, 23);
    assert.deepEqual(edges(parsed.value, 'react-dom@18.3.1(react@18.3.1)'), ['loose-envify@1.4.0', 'react@18.3.1', 'scheduler@0.23.2']);
  });
}

test('no lockfileVersion: a warning, v6 read by shape', () => {
  const text = V6.replace("lockfileVersion: '6.0'\n", '');
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-unsupported-version']);
  assert.equal(parsed.value.packages.length, 23);
  assert.equal(parsed.value.version, '');
  assert.deepEqual(edges(parsed.value, '/react-dom@18.3.1(react@18.3.1)'), ['loose-envify@1.4.0', 'react@18.3.1', 'scheduler@0.23.2']);
});

const MINI = (packages: string, snapshots = ''): string =>
  `lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      a:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n${packages}\nsnapshots:\n${snapshots || '\n  a@1.0.0: {}\n'}`;

for (const [label, packages, expected] of [
  ['packages as a list', '  - a@1.0.0\n', [['lockfile-invalid-entry', 'packages']]],
  ['an entry that is a string', '\n  a@1.0.0: yes\n', [['lockfile-invalid-entry', 'a@1.0.0']]],
  ['a resolution that is a string', '\n  a@1.0.0:\n    resolution: sha512-x\n', [['lockfile-invalid-entry', 'a@1.0.0']]],
  ['an entry without resolution', '\n  a@1.0.0:\n    engines: {node: x}\n', [['lockfile-invalid-entry', 'a@1.0.0']]],
  ['a key with no version', '\n  a:\n    resolution: {integrity: sha512-x}\n\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n', [['lockfile-invalid-entry', 'a']]],
  ['a repeated key', '\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n\n  a@1.0.0:\n    resolution: {integrity: sha512-y}\n', [['lockfile-invalid-entry', 'a@1.0.0']]],
] as const) {
  test(`wrong shapes: ${label}`, () => {
    const text = MINI(packages);
    const parsed = parsePnpmLock(text);
    assert.deepEqual(
      parsed.problems.map((p) => [p.code, slice(text, p.range)]),
      expected.map(([code, at]) => [code, at]),
    );
    assertRanges(text, parsed);
  });
}

test('a repeated key keeps the first entry', () => {
  const parsed = parsePnpmLock(MINI('\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n\n  a@1.0.0:\n    resolution: {integrity: sha512-y}\n'));
  assert.deepEqual(parsed.value.packages.map((p) => p.integrity), ['sha512-x']);
});

test('"packages" that is a scalar: one invalid-entry problem on its key', () => {
  const text = "lockfileVersion: '9.0'\npackages: none\nsnapshots: {}\n";
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-invalid-entry', 'packages']]);
});

for (const [label, line, at] of [
  ['an anchor', '    engines: &e {node: x}', '&e {node: x}'],
  ['an alias', '    engines: *e', '*e'],
  ['a tag', '    engines: !!map {node: x}', '!!map {node: x}'],
  ['a block scalar', '    engines: |', '|'],
  ['a complex key', '    ? engines', '? engines'],
  ['a multi-line flow mapping', '    engines: {node: x,', '{node: x,'],
  ['a multi-line plain value', '    hasBin: true\n      and more', 'and more'],
  ['a tab in the indentation', '\thasBin: true', '\t'],
  ['an unknown escape', '    engines: {node: "\\q"}', '\\q"}'],
  ['a value with ": "', '    hasBin: a: b', 'a: b'],
] as const) {
  test(`YAML pnpm does not write, ${label}: one syntax problem there, the rest read`, () => {
    const text = MINI(`\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n${line}\n\n  b@2.0.0:\n    resolution: {integrity: sha512-b}\n`, '\n  a@1.0.0: {}\n\n  b@2.0.0: {}\n');
    const parsed = parsePnpmLock(text);
    assert.deepEqual(parsed.problems.map((p) => p.code), ['lockfile-syntax'], JSON.stringify(parsed.problems));
    const problem = parsed.problems[0];
    assert.ok(problem && slice(text, problem.range).startsWith(at.slice(0, 1)), `${JSON.stringify(slice(text, problem?.range ?? { start: 0, end: 0 }))}`);
    assert.ok(problem && text.slice(problem.range.start).startsWith(at), JSON.stringify(text.slice(problem?.range.start ?? 0, (problem?.range.start ?? 0) + 20)));
    assert.deepEqual(parsed.value.packages.map((p) => [p.key, p.integrity]), [
      ['a@1.0.0', 'sha512-x'],
      ['b@2.0.0', 'sha512-b'],
    ]);
  });
}

test('YAML that pnpm does write: quoted keys and values, escapes, comments, block lists, empty flow, --- and multiple documents', () => {
  const text = [
    '---',
    "lockfileVersion: '9.0' # written by hand",
    '',
    '# a comment line',
    'importers:',
    '',
    '  .:',
    '    dependencies:',
    '      "it\'s":',
    "        specifier: 'npm:quote''s@^1'",
    "        version: quote's@1.0.0",
    '      "\\u00e9":',
    '        specifier: ^2.0.0',
    '        version: "2.0.0"',
    '',
    'packages:',
    '',
    "  quote's@1.0.0:",
    "    resolution: {integrity: 'sha512-q', tarball: \"https://registry.example/quote's/-/quote's-1.0.0.tgz\"}",
    '    os:',
    '      - darwin',
    '      - linux',
    '    cpu: []',
    '',
    '  é@2.0.0:',
    '    resolution: {integrity: sha512-e}',
    '',
    'snapshots:',
    '',
    "  quote's@1.0.0: {}",
    '',
    '  é@2.0.0:',
    '    dependencies:',
    "      quote's: 1.0.0",
    '',
  ].join('\n');
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.value.packages.map((p) => [p.key, p.name, p.version, p.source, p.integrity, p.resolved]),
    [
      ["quote's@1.0.0", "quote's", '1.0.0', 'registry', 'sha512-q', "https://registry.example/quote's/-/quote's-1.0.0.tgz"],
      ['é@2.0.0', 'é', '2.0.0', 'registry', 'sha512-e', undefined],
    ],
  );
  assert.deepEqual(edges(parsed.value, 'é@2.0.0'), ["quote's@1.0.0"]);
  const root = importer(parsed.value, '');
  assert.deepEqual(root.get("it's"), { spec: "npm:quote's@^1", key: "quote's@1.0.0" });
  assert.deepEqual(root.get('é'), { spec: '^2.0.0', key: 'é@2.0.0' });
  assertRanges(text, parsed);
});

test('pnpm 10 writes an environment document first: the last document is the lockfile', () => {
  const env = "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n\npackages: {}\n\nsnapshots: {}\n\n---\n";
  const text = `${env}${V9}`;
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.value.packages.length, 23);
  assert.equal(importer(parsed.value, '').size, 11);
  assertRanges(text, parsed);
});

for (const [label, text] of [
  ['an empty file', ''],
  ['only comments and blank lines', '# nothing\n\n   \n'],
] as const) {
  test(`${label}: one syntax problem, nothing read`, () => {
    const parsed = parsePnpmLock(text);
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.range]), [['lockfile-syntax', { start: 0, end: 0 }]]);
    assert.deepEqual(parsed.value.packages, []);
  });
}

test('a list at the top level: one syntax problem', () => {
  const parsed = parsePnpmLock('- a\n- b\n');
  assert.deepEqual(parsed.problems.map((p) => [p.code, p.range.start]), [['lockfile-syntax', 0]]);
});

test('a byte-order mark: read, offsets those of the text', () => {
  const text = `\uFEFF${V9}`;
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.value.packages.length, 23);
  assertRanges(text, parsed);
  assert.equal(pkg(parsed.value, 'chalk@4.1.2').range.start, V9.indexOf('  chalk@4.1.2:') + 3);
});

for (const [label, eol] of [
  ['CRLF', '\r\n'],
  ['lone CR', '\r'],
] as const) {
  test(`${label} line endings: same entries, ranges on the keys`, () => {
    const text = V6.replaceAll('\n', eol);
    const parsed = parsePnpmLock(text);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.value.packages.length, 23);
    assertRanges(text, parsed);
    assert.deepEqual(edges(parsed.value, '/react-dom@18.3.1(react@18.3.1)'), ['loose-envify@1.4.0', 'react@18.3.1', 'scheduler@0.23.2']);
  });
}

test('problem messages never quote the file', () => {
  const broken = [
    V9.slice(0, V9.indexOf('sha512-', 2000) + 30),
    V9.replace("lockfileVersion: '9.0'", "lockfileVersion: 'SECRET'"),
    `<<<<<<< SECRET-BRANCH\n${V9}`,
    V9.replace('  chalk@4.1.2:\n', '  chalk@4.1.2: &SECRET\n'),
    V9.replace('  chalk@4.1.2:\n', '  SECRET-NAME:\n'),
    V9.replace('    hasBin: true\n', '    hasBin: SECRET: VALUE\n'),
  ];
  for (const text of broken) {
    const parsed = parsePnpmLock(text);
    assert.ok(parsed.problems.length > 0, text.slice(0, 40));
    for (const problem of parsed.problems) assert.doesNotMatch(problem.message, /SECRET|chalk|sha512|registry\.example/);
  }
});

test('sources from resolutions: registry layouts, tarballs, git, directories', () => {
  const text = MINI(
    [
      '',
      '  a@1.0.0:',
      '    resolution: {integrity: sha512-a, tarball: https://npm.corp.example/api/npm/a/-/a-1.0.0.tgz}',
      '',
      '  b@https://cdn.example/b.tgz:',
      '    resolution: {integrity: sha512-b, tarball: https://cdn.example/b.tgz}',
      '    version: 2.0.0',
      '',
      '  c@file:../c:',
      '    resolution: {directory: ../c, type: directory}',
      '',
      '  d@git+https://example.com/d.git#abc:',
      '    resolution: {commit: abc, repo: https://example.com/d.git, type: git}',
      '    version: 0.1.0',
      '',
    ].join('\n'),
    '\n  a@1.0.0: {}\n\n  b@https://cdn.example/b.tgz: {}\n\n  c@file:../c: {}\n\n  d@git+https://example.com/d.git#abc: {}\n',
  );
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.value.packages.map((p) => [p.name, p.version, p.source, p.resolved]),
    [
      ['a', '1.0.0', 'registry', 'https://npm.corp.example/api/npm/a/-/a-1.0.0.tgz'],
      ['b', '2.0.0', 'tarball', 'https://cdn.example/b.tgz'],
      ['c', 'file:../c', 'file', undefined],
      ['d', '0.1.0', 'git', 'https://example.com/d.git#abc'],
    ],
  );
});

test('a v9 snapshot without a packages entry: reported, still a package', () => {
  const text = MINI('\n  a@1.0.0:\n    resolution: {integrity: sha512-a}\n', '\n  a@1.0.0:\n    dependencies:\n      b: 2.0.0\n\n  b@2.0.0: {}\n');
  const parsed = parsePnpmLock(text);
  assert.deepEqual(parsed.problems.map((p) => [p.code, slice(text, p.range)]), [['lockfile-invalid-entry', 'b@2.0.0']]);
  assert.deepEqual(edges(parsed.value, 'a@1.0.0'), ['b@2.0.0']);
  assert.equal(pkg(parsed.value, 'b@2.0.0').source, 'unknown');
});
