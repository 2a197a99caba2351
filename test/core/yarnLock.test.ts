/**
 * parse/yarnLock: yarn.lock classic and berry fixtures made by the real tools (see
 * test/fixtures/lockfiles/SOURCES.md) read into the lockfile graph — exact entries, edges, aliases,
 * workspaces as importers, key ranges, `findYarnEntry` — and broken files (cut off, merge-conflicted,
 * misindented, unknown versions, YAML yarn never writes) that yield one problem at the place they break
 * plus every entry that could still be read, with no file content in any message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { findYarnEntry, parseYarnLock } from '../../server/src/core/parse/yarnLock';
import { MAX_PROBLEMS } from '../../server/src/core/parse/yarnLockSyntax';
import type { LockedPackage, Lockfile, LockfileProblem, ParsedLockfile } from '../../server/src/core/lockfile/types';

const ROOT = join(__dirname, '..', '..', '..');
const LOCKS = join(ROOT, 'test', 'fixtures', 'lockfiles');
const read = (path: string): string => readFileSync(join(LOCKS, path), 'utf8');

const FIXTURES = {
  classicApp: read('yarn-classic/app/yarn.lock'),
  classicWorkspaces: read('yarn-classic/workspaces/yarn.lock'),
  berryApp: read('yarn-berry/app/yarn.lock'),
  berryV6: read('yarn-berry/app-v6/yarn.lock'),
  berryWorkspaces: read('yarn-berry/workspaces/yarn.lock'),
};

/** The package whose key is exactly `key` (as written, quotes included). */
function byKey(lock: Lockfile, key: string): LockedPackage {
  const found = lock.packages.find((p) => p.key === key);
  assert.ok(found, `an entry keyed ${key}`);
  return found;
}

const id = (lock: Lockfile, index: number): string => `${lock.packages[index]?.name}@${lock.packages[index]?.version}`;
const edges = (lock: Lockfile, pkg: LockedPackage): string[] => pkg.dependencies.map((i) => id(lock, i)).sort();
const codes = (problems: LockfileProblem[]): string[] => problems.map((p) => p.code);

test('fixture overview: kind, format version, entry count, no problems', () => {
  const table: Array<[keyof typeof FIXTURES, string, string, number]> = [
    ['classicApp', 'yarn-classic', '1', 44],
    ['classicWorkspaces', 'yarn-classic', '1', 17],
    ['berryApp', 'yarn-berry', '10', 66],
    ['berryV6', 'yarn-berry', '6', 65],
    ['berryWorkspaces', 'yarn-berry', '10', 21],
  ];
  for (const [name, kind, version, count] of table) {
    const { value, problems } = parseYarnLock(FIXTURES[name]);
    assert.deepEqual(problems, [], name);
    assert.deepEqual([value.kind, value.version, value.packages.length], [kind, version, count], name);
    for (const pkg of value.packages) assert.equal(typeof pkg.version, 'string', `${name}: ${pkg.key} version stays a string`);
  }
});

type Expected = Pick<LockedPackage, 'name' | 'version' | 'source'> & { resolved?: string; integrity?: string; optional?: boolean; deps?: string[] };

const CLASSIC_ENTRIES: Array<[string, Expected]> = [
  ['"@babel/code-frame@^7.24.0"', { name: '@babel/code-frame', version: '7.29.7', source: 'registry', deps: ['@babel/helper-validator-identifier@7.29.7', 'js-tokens@4.0.0', 'picocolors@1.1.1'] }],
  ['"@my/ms@npm:ms@^2.1.3"', { name: 'ms', version: '2.1.3', source: 'registry', resolved: 'https://registry.example/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2', integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==', deps: [] }],
  ['"lodash-legacy@npm:lodash@^3.10.1"', { name: 'lodash', version: '3.10.1', source: 'registry', integrity: 'sha512-9mDDwqVIma6OZX79ZlDACZl8sBm0TEnkf99zV3iMA4GzkIT/9hiqP5mY0HoT1iNLCrKc/R1HByV+yJfRWVJryQ==' }],
  ['lodash@^4.17.21', { name: 'lodash', version: '4.18.1', source: 'registry' }],
  ['fsevents@^2.3.3, fsevents@~2.3.2', { name: 'fsevents', version: '2.3.3', source: 'registry', optional: true, integrity: 'sha512-5xoDfX+fL7faATnagmWPpbFtwh/R77WmMMqqHGS65C3vvB0YHrgF+B1YmZ3441tMj5n63k0212XNoJwzlhffQw==' }],
  ['chokidar@^3.6.0', { name: 'chokidar', version: '3.6.0', source: 'registry', deps: ['anymatch@3.1.3', 'braces@3.0.3', 'fsevents@2.3.3', 'glob-parent@5.1.2', 'is-binary-path@2.1.0', 'is-glob@4.0.3', 'normalize-path@3.0.0', 'readdirp@3.6.0'] }],
  ['"js-tokens@^3.0.0 || ^4.0.0", js-tokens@^4.0.0', { name: 'js-tokens', version: '4.0.0', source: 'registry' }],
  ['"is-odd@github:example-org/is-odd#v3.0.1"', { name: 'is-odd', version: '3.0.1', source: 'git', resolved: 'https://codeload.github.com/example-org/is-odd/tar.gz/0a85e7a1a4c5c7f4d2f0e8e1a8b9c3d4e5f60718', deps: ['is-number@7.0.0'] }],
  ['"is-thirteen@git://git.example/is-thirteen.git#c5388fb888ebe1a2e20e157abfe27f70cff94451"', { name: 'is-thirteen', version: '2.0.0', source: 'git', resolved: 'git://git.example/is-thirteen.git#c5388fb888ebe1a2e20e157abfe27f70cff94451', deps: ['ms@2.1.3'] }],
  ['"left-pad@https://registry.example/left-pad/-/left-pad-1.3.0.tgz"', { name: 'left-pad', version: '1.3.0', source: 'tarball', resolved: 'https://registry.example/left-pad/-/left-pad-1.3.0.tgz#5b8a3a7765dfe001261dde915589e782f8c94d1e' }],
  ['"local-utils@file:./local-utils"', { name: 'local-utils', version: '0.1.0', source: 'file', deps: ['ms@2.1.3'] }],
  ['react-dom@^18.2.0', { name: 'react-dom', version: '18.3.1', source: 'registry', deps: ['loose-envify@1.4.0', 'scheduler@0.23.2'] }],
];

const BERRY_ENTRIES: Array<[string, Expected]> = [
  ['"@my/ms@npm:ms@^2.1.3, ms@npm:^2.1.0, ms@npm:^2.1.3"', { name: 'ms', version: '2.1.3', source: 'registry', resolved: 'ms@npm:2.1.3', deps: [] }],
  ['"lodash-legacy@npm:lodash@^3.10.1"', { name: 'lodash', version: '3.10.1', source: 'registry', resolved: 'lodash@npm:3.10.1' }],
  ['"fsevents@npm:^2.3.3, fsevents@npm:~2.3.2"', { name: 'fsevents', version: '2.3.3', source: 'registry', optional: true, deps: ['node-gyp@13.1.0'] }],
  ['"fsevents@patch:fsevents@npm%3A^2.3.3#optional!builtin<compat/fsevents>, fsevents@patch:fsevents@npm%3A~2.3.2#optional!builtin<compat/fsevents>"', { name: 'fsevents', version: '2.3.3', source: 'registry', optional: true, resolved: 'fsevents@patch:fsevents@npm%3A2.3.3#optional!builtin<compat/fsevents>::version=2.3.3&hash=df0bf1' }],
  ['"node-gyp@npm:latest"', { name: 'node-gyp', version: '13.1.0', source: 'registry', optional: true }],
  ['"chokidar@npm:^3.6.0"', { name: 'chokidar', version: '3.6.0', source: 'registry', deps: ['anymatch@3.1.3', 'braces@3.0.3', 'fsevents@2.3.3', 'glob-parent@5.1.2', 'is-binary-path@2.1.0', 'is-glob@4.0.3', 'normalize-path@3.0.0', 'readdirp@3.6.0'] }],
  ['"is-odd@github:example-org/is-odd#v3.0.1"', { name: 'is-odd', version: '3.0.1', source: 'git', resolved: 'is-odd@https://github.com/example-org/is-odd.git#commit=0a85e7a1a4c5c7f4d2f0e8e1a8b9c3d4e5f60718', deps: ['is-number@7.0.0'] }],
  ['"is-thirteen@git://git.example/is-thirteen.git#c5388fb888ebe1a2e20e157abfe27f70cff94451"', { name: 'is-thirteen', version: '2.0.0', source: 'git', deps: ['ms@2.1.3'] }],
  ['"left-pad@https://registry.example/left-pad/-/left-pad-1.3.0.tgz"', { name: 'left-pad', version: '1.3.0', source: 'tarball' }],
  ['"local-utils@file:./local-utils::locator=berry-app%40workspace%3A."', { name: 'local-utils', version: '0.1.0', source: 'file', resolved: 'local-utils@file:./local-utils#./local-utils::hash=6b8998&locator=berry-app%40workspace%3A.' }],
  ['"typescript@patch:typescript@npm%3A~5.4.5#optional!builtin<compat/typescript>"', { name: 'typescript', version: '5.4.5', source: 'registry' }],
  ['"berry-app@workspace:."', { name: 'berry-app', version: '0.0.0-use.local', source: 'workspace', resolved: 'berry-app@workspace:.' }],
];

const BERRY_WORKSPACE_ENTRIES: Array<[string, Expected]> = [
  ['"@acme/b@workspace:^, @acme/b@workspace:packages/b"', { name: '@acme/b', version: '0.0.0-use.local', source: 'workspace', deps: ['lodash@4.18.1', 'semver@7.8.6', 'use-sync-external-store@1.7.0'] }],
  ['"@esbuild/darwin-arm64@npm:0.20.2"', { name: '@esbuild/darwin-arm64', version: '0.20.2', source: 'registry', optional: true }],
  ['"portal-lib@portal:../../tools/portal-lib::locator=%40acme%2Fa%40workspace%3Apackages%2Fa"', { name: 'portal-lib', version: '0.0.0-use.local', source: 'link', deps: ['picocolors@1.1.1'] }],
  ['"shared-config@link:../../tools/shared-config::locator=%40acme%2Fa%40workspace%3Apackages%2Fa"', { name: 'shared-config', version: '0.0.0-use.local', source: 'link' }],
  ['"string-width-cjs@npm:string-width@^4.2.0"', { name: 'string-width', version: '4.2.3', source: 'registry', deps: ['emoji-regex@8.0.0', 'is-fullwidth-code-point@3.0.0', 'strip-ansi@6.0.1'] }],
  ['"semver@npm:^7.5.0, semver@npm:^7.6.0"', { name: 'semver', version: '7.8.6', source: 'registry', resolved: 'semver@npm:7.8.6' }],
];

const ENTRY_TABLES: Array<[string, string, Array<[string, Expected]>]> = [
  ['classic app', FIXTURES.classicApp, CLASSIC_ENTRIES],
  ['berry app', FIXTURES.berryApp, BERRY_ENTRIES],
  ['berry workspaces', FIXTURES.berryWorkspaces, BERRY_WORKSPACE_ENTRIES],
];

for (const [label, text, entries] of ENTRY_TABLES) {
  for (const [key, expected] of entries) {
    test(`${label}: entry ${key.slice(0, 60)}`, () => {
      const { value } = parseYarnLock(text);
      const pkg = byKey(value, key);
      assert.deepEqual([pkg.name, pkg.version, pkg.source], [expected.name, expected.version, expected.source]);
      if (expected.resolved !== undefined) assert.equal(pkg.resolved, expected.resolved);
      if (expected.integrity !== undefined) assert.equal(pkg.integrity, expected.integrity);
      assert.equal(pkg.optional, expected.optional);
      if (expected.deps) assert.deepEqual(edges(value, pkg), expected.deps);
      assert.equal(text.slice(pkg.range.start, pkg.range.end), key);
    });
  }
}

test('classic: integrity is the SRI string as written; git, tarball and file entries have none', () => {
  const { value } = parseYarnLock(FIXTURES.classicApp);
  for (const pkg of value.packages) {
    if (pkg.source === 'registry') assert.match(pkg.integrity ?? '', /^sha512-[A-Za-z0-9+/]+=*$/, pkg.key);
    else assert.equal(pkg.integrity, undefined, pkg.key);
  }
});

test('berry: checksums are not SRI, so no entry has an integrity', () => {
  for (const text of [FIXTURES.berryApp, FIXTURES.berryV6, FIXTURES.berryWorkspaces]) {
    assert.deepEqual(parseYarnLock(text).value.packages.filter((p) => p.integrity !== undefined), []);
  }
});

test('every key range starts a line and is followed by the colon, in every fixture', () => {
  for (const [name, text] of Object.entries(FIXTURES)) {
    for (const pkg of parseYarnLock(text).value.packages) {
      assert.equal(text.slice(pkg.range.start, pkg.range.end), pkg.key, name);
      assert.equal(text[pkg.range.start - 1], '\n', `${name}: ${pkg.key} starts a line`);
      assert.equal(text[pkg.range.end], ':', `${name}: ${pkg.key} ends at the colon`);
    }
  }
});

test('berry: versions, resolutions and dependency counts agree with a YAML parser (failsafe schema)', () => {
  for (const text of [FIXTURES.berryApp, FIXTURES.berryV6, FIXTURES.berryWorkspaces]) {
    const reference = parseYaml(text, { schema: 'failsafe' }) as Record<string, Record<string, unknown>>;
    delete reference['__metadata'];
    const { value } = parseYarnLock(text);
    assert.equal(value.packages.length, Object.keys(reference).length);
    for (const pkg of value.packages) {
      const key = pkg.key.startsWith('"') ? (JSON.parse(pkg.key) as string) : pkg.key;
      const entry = reference[key] as { version: string; resolution: string; dependencies?: Record<string, string> };
      assert.deepEqual([pkg.version, pkg.resolved, pkg.dependencies.length], [entry.version, entry.resolution, Object.keys(entry.dependencies ?? {}).length], key);
    }
  }
});

test('berry v6 (Yarn 3): ranges without `npm:` resolve to `npm:` descriptors; patch keys without it too', () => {
  const { value } = parseYarnLock(FIXTURES.berryV6);
  const codeFrame = byKey(value, '"@babel/code-frame@npm:^7.24.0"');
  assert.deepEqual(edges(value, codeFrame), ['@babel/helper-validator-identifier@7.29.7', 'js-tokens@4.0.0', 'picocolors@1.1.1']);
  const patched = byKey(value, '"typescript@patch:typescript@~5.4.5#~builtin<compat/typescript>"');
  assert.deepEqual([patched.name, patched.version, patched.source], ['typescript', '5.4.5', 'registry']);
  const fsevents = value.packages.filter((p) => p.name === 'fsevents');
  assert.deepEqual(fsevents.map((p) => p.optional), [true, true]);
});

test('classic: one root importer with no dependencies (package.json is matched with findYarnEntry)', () => {
  for (const text of [FIXTURES.classicApp, FIXTURES.classicWorkspaces]) {
    assert.deepEqual(parseYarnLock(text).value.importers, [{ path: '', dependencies: [] }]);
  }
});

test('berry workspaces are importers with their dependencies resolved', () => {
  const { value } = parseYarnLock(FIXTURES.berryWorkspaces);
  const shown = value.importers.map((imp) => [imp.path, imp.dependencies.map((d) => `${d.name} ${d.spec} → ${id(value, d.package)}`)]);
  assert.deepEqual(shown, [
    ['', ['prettier npm:^3.2.5 → prettier@3.10.1', 'typescript npm:^5.4.5 → typescript@5.9.3']],
    [
      'packages/a',
      [
        '@acme/b workspace:^ → @acme/b@0.0.0-use.local',
        '@esbuild/darwin-arm64 npm:0.20.2 → @esbuild/darwin-arm64@0.20.2',
        'portal-lib portal:../../tools/portal-lib → portal-lib@0.0.0-use.local',
        'react npm:^18.2.0 → react@18.3.1',
        'semver npm:^7.6.0 → semver@7.8.6',
        'shared-config link:../../tools/shared-config → shared-config@0.0.0-use.local',
        'string-width-cjs npm:string-width@^4.2.0 → string-width@4.2.3',
      ],
    ],
    ['packages/b', ['lodash npm:^4.17.21 → lodash@4.18.1', 'semver npm:^7.5.0 → semver@7.8.6', 'use-sync-external-store npm:^1.2.0 → use-sync-external-store@1.7.0']],
  ]);
});

/** Every dependency of a package.json, all sections, with the package it must find (undefined: none). */
function manifestDeps(path: string): Array<[string, string]> {
  const manifest = JSON.parse(read(path)) as Record<string, Record<string, string> | undefined>;
  return ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((section) => Object.entries(manifest[section] ?? {}));
}

test('findYarnEntry: every package.json dependency of each fixture finds its entry by descriptor', () => {
  const table: Array<[string, string, string, Record<string, string | undefined>]> = [
    ['yarn-classic/app/yarn.lock', 'yarn-classic/app/package.json', '', { '@my/ms': 'ms@2.1.3', 'lodash-legacy': 'lodash@3.10.1', lodash: 'lodash@4.18.1', 'is-odd': 'is-odd@3.0.1', 'local-utils': 'local-utils@0.1.0' }],
    ['yarn-berry/app/yarn.lock', 'yarn-berry/app/package.json', '', { '@my/ms': 'ms@2.1.3', 'lodash-legacy': 'lodash@3.10.1', 'local-utils': 'local-utils@0.1.0', typescript: 'typescript@5.4.5' }],
    ['yarn-berry/workspaces/yarn.lock', 'yarn-berry/workspaces/packages/a/package.json', 'packages/a', { '@acme/b': '@acme/b@0.0.0-use.local', 'portal-lib': 'portal-lib@0.0.0-use.local', 'string-width-cjs': 'string-width@4.2.3' }],
    ['yarn-berry/workspaces/yarn.lock', 'yarn-berry/workspaces/packages/b/package.json', 'packages/b', { semver: 'semver@7.8.6' }],
    ['yarn-classic/workspaces/yarn.lock', 'yarn-classic/workspaces/packages/a/package.json', 'packages/a', { '@acme/b': undefined, 'portal-lib': 'portal-lib@2.0.0', 'shared-config': 'shared-config@0.0.0', 'string-width-cjs': 'string-width@4.2.3' }],
  ];
  for (const [lockPath, manifestPath, importer, spotChecks] of table) {
    const { value } = parseYarnLock(read(lockPath));
    for (const [name, spec] of manifestDeps(manifestPath)) {
      const found = findYarnEntry(value, name, spec, importer);
      const expected = name in spotChecks ? spotChecks[name] : `${name}@`;
      if (expected === undefined) {
        assert.equal(found, undefined, `${manifestPath}: ${name} is a workspace, not in a classic lockfile`);
        continue;
      }
      assert.ok(found !== undefined, `${manifestPath}: ${name}@${spec} found`);
      assert.ok(id(value, found).startsWith(expected), `${manifestPath}: ${name} → ${id(value, found)}`);
    }
  }
});

test('findYarnEntry: unknown descriptors find nothing', () => {
  const classic = parseYarnLock(FIXTURES.classicApp).value;
  const berry = parseYarnLock(FIXTURES.berryApp).value;
  assert.equal(findYarnEntry(classic, 'lodash', '^5.0.0'), undefined);
  assert.equal(findYarnEntry(classic, 'left-pad', '^1.3.0'), undefined);
  assert.equal(findYarnEntry(berry, 'lodash', '^5.0.0'), undefined);
  assert.equal(findYarnEntry(berry, 'nothing-here', 'file:./nowhere'), undefined);
});

test('classic workspaces: link: and file: entries, `uid ""` and the empty-string value are read', () => {
  const { value } = parseYarnLock(FIXTURES.classicWorkspaces);
  const link = byKey(value, '"shared-config@link:tools/shared-config"');
  assert.deepEqual([link.name, link.version, link.source, link.resolved], ['shared-config', '0.0.0', 'link', undefined]);
  const file = byKey(value, '"portal-lib@file:tools/portal-lib"');
  assert.deepEqual([file.source, edges(value, file)], ['file', ['picocolors@1.1.1']]);
});

type Generator = { generate(count: number, seed: number): string };
const generator = async (name: string): Promise<Generator> => (await import(pathToFileURL(join(ROOT, 'bench', 'lockgen', name)).href)) as Generator;

test('bench generators: deterministic, every edge resolves, no problems', async () => {
  const table: Array<[string, string, number]> = [
    ['yarn-classic.mjs', 'yarn-classic', 300],
    ['yarn-berry.mjs', 'yarn-berry', 301],
  ];
  for (const [file, kind, count] of table) {
    const { generate } = await generator(file);
    const text = generate(300, 7);
    assert.equal(generate(300, 7), text, `${file} is deterministic`);
    assert.notEqual(generate(300, 8), text, `${file} depends on the seed`);
    const { value, problems } = parseYarnLock(text);
    assert.deepEqual(problems, [], file);
    assert.deepEqual([value.kind, value.packages.length], [kind, count]);
    assert.ok(value.packages.some((p) => p.name.startsWith('@')), 'scoped names');
    assert.ok(value.packages.some((p) => p.key.includes(', ')), 'several descriptors per entry');
    assert.ok(value.packages.reduce((n, p) => n + p.dependencies.length, 0) > 600, 'edges');
    assert.ok(value.packages.filter((p) => p.source === 'registry').every((p) => (p.resolved ?? '').includes('registry.example') || (p.resolved ?? '').includes('@npm:')));
  }
});

// ---------------------------------------------------------------------------------------------------
// Broken files: one problem at the place they break, plus every entry that could still be read.

/** `text` with `from` (which must occur) replaced once by `to`. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0, `fixture contains ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** What survives must be identical to the intact parse, edges aside (targets may be gone). */
function assertSurvivors(broken: ParsedLockfile, intact: Lockfile, expectedCount: number): void {
  assert.equal(broken.value.packages.length, expectedCount, 'entries that could still be read');
  const intactByKey = new Map(intact.packages.map((p) => [p.key, p]));
  for (const pkg of broken.value.packages) {
    const original = intactByKey.get(pkg.key);
    assert.ok(original, `survivor ${pkg.key} is an entry of the intact file`);
    assert.deepEqual([pkg.name, pkg.version, pkg.source, pkg.resolved, pkg.integrity], [original.name, original.version, original.source, original.resolved, original.integrity]);
  }
}

const ALL_MESSAGES: string[] = [];

function parseBroken(text: string): ParsedLockfile {
  const parsed = parseYarnLock(text);
  ALL_MESSAGES.push(...parsed.problems.map((p) => p.message));
  for (const p of parsed.problems) assert.ok(0 <= p.range.start && p.range.start <= p.range.end && p.range.end <= text.length, 'problem range inside the text');
  return parsed;
}

const CUTS: Array<[string, string]> = [
  ['classic', FIXTURES.classicApp],
  ['berry', FIXTURES.berryWorkspaces],
];

for (const [label, text] of CUTS) {
  const intact = parseYarnLock(text).value;
  const cuts = [30, 150, 400, 1111, 2500, Math.floor(text.length / 2), text.length - 40, text.length - 2].filter((c) => text[c - 1] !== '\n');
  for (const cut of cuts) {
    test(`${label} cut off mid-line at ${cut}: one 'lockfile-truncated' at the cut line, earlier entries intact`, () => {
      const broken = parseBroken(text.slice(0, cut));
      const lineStart = text.lastIndexOf('\n', cut - 1) + 1;
      assert.deepEqual(codes(broken.problems), ['lockfile-truncated']);
      assert.deepEqual(broken.problems[0]?.range, { start: lineStart, end: cut });
      // Entries that begin before the cut line survive, except the one the cut line belongs to.
      const before = intact.packages.filter((p) => p.range.start < lineStart);
      const cutInsideEntry = text[lineStart] === ' ' && before.length > 0;
      assertSurvivors(broken, intact, before.length - (cutInsideEntry ? 1 : 0));
    });
  }
}

test('classic cut right after an entry key line: truncated at that key', () => {
  const key = '"@babel/highlight@^7.24.0"';
  const cut = FIXTURES.classicApp.indexOf(key) + key.length + 2;
  const broken = parseBroken(FIXTURES.classicApp.slice(0, cut));
  assert.deepEqual(codes(broken.problems), ['lockfile-truncated']);
  assert.equal(FIXTURES.classicApp.slice(broken.problems[0]?.range.start, broken.problems[0]?.range.end), key);
  assert.equal(broken.value.packages.length, 2);
});

test('berry cut after a line inside an entry (before its resolution): truncated at that entry key', () => {
  const key = '"react@npm:^18.2.0"';
  const cut = FIXTURES.berryWorkspaces.indexOf(key) + key.length + ':\n  version: 18.3.1\n'.length;
  const broken = parseBroken(FIXTURES.berryWorkspaces.slice(0, cut));
  assert.deepEqual(codes(broken.problems), ['lockfile-truncated']);
  assert.equal(FIXTURES.berryWorkspaces.slice(broken.problems[0]?.range.start, broken.problems[0]?.range.end), key);
  assert.equal(broken.value.packages.length, 13);
});

test('merge conflict between entries: one problem at the first marker; the entries inside are not read', () => {
  const text = FIXTURES.classicApp;
  const from = 'lodash@^4.17.21:\n  version "4.18.1"';
  const conflicted = edit(text, from, `<<<<<<< HEAD\n${from.replace('4.18.1', '4.17.21')}\n=======\n${from}\n>>>>>>> feature`);
  const broken = parseBroken(conflicted);
  assert.deepEqual(codes(broken.problems), ['lockfile-conflict']);
  const marker = conflicted.indexOf('<<<<<<<');
  assert.deepEqual(broken.problems[0]?.range, { start: marker, end: marker + '<<<<<<< HEAD'.length });
  assertSurvivors(broken, parseYarnLock(text).value, 43);
  assert.equal(broken.value.packages.find((p) => p.name === 'lodash' && p.version.startsWith('4.')), undefined);
});

test('merge conflict inside a berry entry, with a diff3 base section: the entry is dropped, the rest read', () => {
  const text = FIXTURES.berryWorkspaces;
  const from = '  version: 18.3.1\n  resolution: "react@npm:18.3.1"\n';
  const conflicted = edit(text, from, `<<<<<<< ours\n${from}||||||| base\n${from}=======\n${from.replace(/18\.3\.1/g, '18.3.0')}>>>>>>> theirs\n`);
  const broken = parseBroken(conflicted);
  assert.deepEqual(codes(broken.problems), ['lockfile-conflict']);
  assert.equal(broken.problems[0]?.range.start, conflicted.indexOf('<<<<<<<'));
  assertSurvivors(broken, parseYarnLock(text).value, 20);
});

/** Single-line edits that each break one entry: [label, fixture, from, to, code, where the problem starts]. */
const LINE_BREAKS: Array<[string, string, string, string, LockfileProblem['code'], string]> = [
  ['classic: three-space indentation', FIXTURES.classicApp, '  version "7.29.7"\n  resolved "https://registry.example/@babel/code', '   version "7.29.7"\n  resolved "https://registry.example/@babel/code', 'lockfile-syntax', '   version "7.29.7"'],
  ['classic: tab indentation', FIXTURES.classicApp, '  version "3.6.0"', '\tversion "3.6.0"', 'lockfile-syntax', '\tversion "3.6.0"'],
  ['classic: unterminated quote', FIXTURES.classicApp, 'version "3.6.0"', 'version "3.6.0', 'lockfile-syntax', '"3.6.0\n'],
  ['classic: unquoted version (a number, then junk)', FIXTURES.classicApp, 'version "3.6.0"', 'version 3.6.0', 'lockfile-syntax', '.6.0\n'],
  ['classic: version as a bare number', FIXTURES.classicApp, 'chokidar@^3.6.0:\n  version "3.6.0"', 'chokidar@^3.6.0:\n  version 3', 'lockfile-invalid-entry', 'chokidar@^3.6.0:'],
  ['classic: entry key without its colon', FIXTURES.classicApp, 'chokidar@^3.6.0:', 'chokidar@^3.6.0', 'lockfile-syntax', '\n  version "3.6.0"'],
  ['classic: key read as a boolean by yarn', FIXTURES.classicApp, 'chokidar@^3.6.0:', 'truechokidar@^3.6.0:', 'lockfile-syntax', 'truechokidar'],
  ['classic: entry without a version', FIXTURES.classicApp, 'chokidar@^3.6.0:\n  version "3.6.0"\n', 'chokidar@^3.6.0:\n', 'lockfile-invalid-entry', 'chokidar@^3.6.0:'],
  ['classic: key that is not name@range', FIXTURES.classicApp, 'chokidar@^3.6.0:', 'chokidar:', 'lockfile-invalid-entry', 'chokidar:'],
  ['classic: repeated field', FIXTURES.classicApp, '  version "3.6.0"\n', '  version "3.6.0"\n  version "3.6.1"\n', 'lockfile-invalid-entry', 'chokidar@^3.6.0'],
  ['classic: repeated descriptor', FIXTURES.classicApp, 'chokidar@^3.6.0:', 'anymatch@~3.1.2:', 'lockfile-invalid-entry', 'anymatch@~3.1.2:\n  version "3.6.0"'],
  ['berry: tab indentation', FIXTURES.berryWorkspaces, '  version: 1.4.0', '\tversion: 1.4.0', 'lockfile-syntax', '\tversion: 1.4.0'],
  ['berry: deeper than its parent allows', FIXTURES.berryWorkspaces, '  version: 1.4.0', '    version: 1.4.0', 'lockfile-syntax', '    version: 1.4.0'],
  ['berry: single-quoted value', FIXTURES.berryWorkspaces, 'resolution: "semver@npm:7.8.6"', "resolution: 'semver@npm:7.8.6'", 'lockfile-syntax', "'semver@npm:7.8.6'"],
  ['berry: flow mapping', FIXTURES.berryWorkspaces, '  bin:\n    semver: bin/semver.js', '  bin: { semver: bin/semver.js }', 'lockfile-syntax', '{ semver'],
  ['berry: anchor', FIXTURES.berryWorkspaces, 'version: 7.8.6', 'version: &v 7.8.6', 'lockfile-syntax', '&v 7.8.6'],
  ['berry: block scalar', FIXTURES.berryWorkspaces, 'version: 7.8.6', 'version: |\n    7.8.6', 'lockfile-syntax', '|\n    7.8.6'],
  ['berry: sequence', FIXTURES.berryWorkspaces, '  bin:\n    semver: bin/semver.js', '  bin:\n    - bin/semver.js', 'lockfile-syntax', '- bin/semver.js'],
  ['berry: plain value with a colon', FIXTURES.berryWorkspaces, 'version: 7.8.6', 'version: 7.8:6', 'lockfile-syntax', ':6\n'],
  ['berry: quoted string over two lines', FIXTURES.berryWorkspaces, 'resolution: "semver@npm:7.8.6"', 'resolution: "semver@npm:\n    7.8.6"', 'lockfile-syntax', '"semver@npm:\n'],
  ['berry: invalid escape', FIXTURES.berryWorkspaces, 'resolution: "semver@npm:7.8.6"', 'resolution: "semver@npm:7.8.6\\q"', 'lockfile-syntax', '"semver@npm:7.8.6\\q"'],
  ['berry: key without a colon', FIXTURES.berryWorkspaces, '  linkType: hard\n\n"semver', '  linkType hard\n\n"semver', 'lockfile-syntax', 'linkType hard'],
  ['berry: entry without a resolution', FIXTURES.berryWorkspaces, '  resolution: "semver@npm:7.8.6"\n', '', 'lockfile-invalid-entry', '"semver@npm:^7.5.0, semver@npm:^7.6.0"'],
  ['berry: repeated descriptor', FIXTURES.berryWorkspaces, '"semver@npm:^7.5.0, semver@npm:^7.6.0"', '"react@npm:^18.2.0"', 'lockfile-invalid-entry', '"react@npm:^18.2.0":\n  version: 7.8.6'],
];

for (const [label, fixture, from, to, code, where] of LINE_BREAKS) {
  test(`${label}: one '${code}' where it breaks, every other entry read`, () => {
    const text = edit(fixture, from, to);
    const broken = parseBroken(text);
    assert.deepEqual(codes(broken.problems), [code]);
    assert.equal(broken.problems[0]?.range.start, text.indexOf(where));
    assertSurvivors(broken, parseYarnLock(fixture).value, parseYarnLock(fixture).value.packages.length - 1);
  });
}

test('a dependency that matches no entry: one invalid-entry problem at that dependency, the edge dropped', () => {
  const text = edit(FIXTURES.classicApp, '    anymatch "~3.1.2"', '    anymatch "~3.1.9"');
  const broken = parseBroken(text);
  assert.deepEqual(codes(broken.problems), ['lockfile-invalid-entry']);
  const at = text.indexOf('    anymatch "~3.1.9"') + 4;
  assert.deepEqual(broken.problems[0]?.range, { start: at, end: at + 'anymatch'.length });
  assert.equal(broken.value.packages.length, 44);
  assert.ok(!edges(broken.value, byKey(broken.value, 'chokidar@^3.6.0')).includes('anymatch@3.1.3'));
});

test('unknown berry __metadata version: a warning at the version key, every entry still read', () => {
  const text = edit(FIXTURES.berryWorkspaces, '  version: 10\n', '  version: 99\n');
  const broken = parseBroken(text);
  assert.deepEqual(broken.problems.map((p) => [p.code, p.severity]), [['lockfile-unsupported-version', 'warning']]);
  assert.equal(broken.problems[0]?.range.start, text.indexOf('version: 99'));
  assert.equal(broken.value.version, '99');
  assertSurvivors(broken, parseYarnLock(FIXTURES.berryWorkspaces).value, 21);
});

test('berry file without __metadata: unsupported version at the start, entries read', () => {
  const text = edit(FIXTURES.berryWorkspaces, '__metadata:\n  version: 10\n  cacheKey: 10c0\n', '');
  const broken = parseBroken(text);
  assert.deepEqual(broken.problems.map((p) => [p.code, p.range.start]), [['lockfile-unsupported-version', 0]]);
  assert.equal(broken.value.kind, 'yarn-berry');
  assert.equal(broken.value.packages.length, 21);
});

test('empty and blank files: one truncated problem at the start', () => {
  for (const text of ['', '\n\n', '   ', '\uFEFF']) {
    const broken = parseBroken(text);
    assert.deepEqual(broken.problems.map((p) => [p.code, p.range.start]), [['lockfile-truncated', 0]], JSON.stringify(text));
    assert.deepEqual(broken.value.packages, []);
  }
});

test('a header-only classic lockfile (no dependencies) is valid and empty', () => {
  const { value, problems } = parseYarnLock('# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n');
  assert.deepEqual([value.kind, value.packages.length, problems], ['yarn-classic', 0, []]);
});

for (const [name, text] of Object.entries(FIXTURES)) {
  test(`${name} with a BOM and CRLF line ends: same entries, ranges on the same keys, no \\r in values`, () => {
    const intact = parseYarnLock(text).value;
    const variant = `\uFEFF${text.replace(/\n/g, '\r\n')}`;
    const { value, problems } = parseYarnLock(variant);
    assert.deepEqual(problems, []);
    assert.equal(value.packages.length, intact.packages.length);
    value.packages.forEach((pkg, i) => {
      const original = intact.packages[i] as LockedPackage;
      assert.deepEqual({ ...pkg, range: undefined }, { ...original, range: undefined });
      assert.equal(variant.slice(pkg.range.start, pkg.range.end), pkg.key);
    });
    assert.deepEqual(value.importers, intact.importers);
  });
}

test('offsets are UTF-16 code units: a non-ASCII comment and key before an entry', () => {
  const text = '# yarn lockfile v1\n# 😀 naïve\n\n"naïve@^1.0.0":\n  version "1.0.0"\n\nzeta@^2.0.0:\n  version "2.0.0"\n';
  const { value, problems } = parseYarnLock(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(value.packages.map((p) => [p.name, p.range.start, p.range.end]), [['naïve', 31, 45], ['zeta', 66, 77]]);
  assert.equal(Buffer.byteLength(text.slice(0, 31)), 34);
});

test('problems are capped: a file broken in many places gets at most MAX_PROBLEMS', () => {
  const entries = Array.from({ length: 40 }, (_, i) => `"pkg-${i}@^1.0.0":\n  version "1.0.${i}\n`).join('\n');
  const broken = parseBroken(`# yarn lockfile v1\n\n${entries}`);
  assert.equal(broken.problems.length, MAX_PROBLEMS);
  assert.deepEqual([...new Set(codes(broken.problems))], ['lockfile-syntax']);
});

test('berry explicit keys (`? "key"` then `:`, written for keys over 1024 characters) are read', () => {
  const descriptors = Array.from({ length: 60 }, (_, i) => `left-pad@npm:^1.${i}.0`).join(', ');
  const key = JSON.stringify(descriptors);
  const text = `__metadata:\n  version: 8\n  cacheKey: 10c0\n\n? ${key}\n:\n  version: 1.3.0\n  resolution: "left-pad@npm:1.3.0"\n  checksum: 10c0/ab\n  languageName: node\n  linkType: hard\n`;
  const { value, problems } = parseYarnLock(text);
  assert.deepEqual(problems, []);
  const pkg = value.packages[0] as LockedPackage;
  assert.deepEqual([pkg.name, pkg.version, pkg.key], ['left-pad', '1.3.0', key]);
  assert.equal(text.slice(pkg.range.start, pkg.range.end), key);
  assert.equal(findYarnEntry(value, 'left-pad', '^1.42.0'), 0);
  const unfinished = parseBroken(`__metadata:\n  version: 8\n\n? ${key}\n  version: 1.3.0\n`);
  assert.deepEqual(codes(unfinished.problems), ['lockfile-syntax']);
});

test('versions stay strings: berry `version: 1.10` is "1.10", not the number 1.1', () => {
  const text = '__metadata:\n  version: 8\n\n"odd@npm:^1.10":\n  version: 1.10\n  resolution: "odd@npm:1.10"\n  languageName: node\n  linkType: hard\n';
  const { value, problems } = parseYarnLock(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(value.packages.map((p) => p.version), ['1.10']);
});

test('no message quotes the file: no package name, URL or descriptor from the fixtures appears', () => {
  const names = new Set(Object.values(FIXTURES).flatMap((text) => parseYarnLock(text).value.packages.map((p) => p.name)));
  const words = [...names].filter((n) => n.length >= 6).concat(['registry.example', '@npm:', 'sha512-', '10c0/']);
  assert.ok(ALL_MESSAGES.length >= 30, 'the broken cases above produced messages');
  for (const message of ALL_MESSAGES) for (const word of words) assert.ok(!message.includes(word), `${JSON.stringify(message)} quotes ${word}`);
});
