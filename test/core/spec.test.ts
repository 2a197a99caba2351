/**
 * spec.classifySpec and names.isValidPackageName: what a dependency spec points at (so that nothing but
 * registry specs is ever looked up), and which names may be sent to a registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySpec, describeSpecKind, type ClassifiedSpec, type SpecKind } from '../../server/src/core/spec';
import { isValidPackageName } from '../../server/src/core/names';

/** [spec, kind, packageName, range, alias]; the declared key is always "dep". */
type Row = [string, SpecKind, string, string, boolean];

const SPECS: Row[] = [
  // Registry: ranges, tags, exact versions.
  ['^1.2.3', 'registry', 'dep', '^1.2.3', false],
  ['~1.2.3', 'registry', 'dep', '~1.2.3', false],
  ['1.2.3', 'registry', 'dep', '1.2.3', false],
  ['=1.2.3', 'registry', 'dep', '=1.2.3', false],
  ['v1.2.3', 'registry', 'dep', 'v1.2.3', false],
  ['>=1.0.0 <2.0.0', 'registry', 'dep', '>=1.0.0 <2.0.0', false],
  ['1.x || >=2.5.0 || 5.0.0 - 7.2.3', 'registry', 'dep', '1.x || >=2.5.0 || 5.0.0 - 7.2.3', false],
  ['1.0.0-beta.2', 'registry', 'dep', '1.0.0-beta.2', false],
  ['*', 'registry', 'dep', '*', false],
  ['', 'registry', 'dep', '', false],
  ['x', 'registry', 'dep', 'x', false],
  ['latest', 'registry', 'dep', 'latest', false],
  ['next', 'registry', 'dep', 'next', false],
  ['  ^1.0.0  ', 'registry', 'dep', '^1.0.0', false],
  // npm: aliases ask the target.
  ['npm:real@^2.0.0', 'registry', 'real', '^2.0.0', true],
  ['npm:real', 'registry', 'real', '', true],
  ['npm:real@latest', 'registry', 'real', 'latest', true],
  ['npm:@scope/real@~1.1.0', 'registry', '@scope/real', '~1.1.0', true],
  ['npm:@scope/real', 'registry', '@scope/real', '', true],
  ['npm:Not Valid@1', 'other', 'dep', 'Not Valid@1', true],
  ['npm:', 'other', 'dep', '', true],
  ['npm:@scope@1', 'other', 'dep', '@scope@1', true],
  ['npm:../evil@1', 'other', 'dep', '../evil@1', true],
  // git.
  ['git+ssh://git@github.com/u/r.git#v1.0.0', 'git', 'dep', 'git+ssh://git@github.com/u/r.git#v1.0.0', false],
  ['git+https://github.com/u/r.git', 'git', 'dep', 'git+https://github.com/u/r.git', false],
  ['git+file:///srv/repo.git', 'git', 'dep', 'git+file:///srv/repo.git', false],
  ['git://github.com/u/r.git', 'git', 'dep', 'git://github.com/u/r.git', false],
  ['git@github.com:u/r.git', 'git', 'dep', 'git@github.com:u/r.git', false],
  ['github:u/r', 'git', 'dep', 'github:u/r', false],
  ['gitlab:u/r#main', 'git', 'dep', 'gitlab:u/r#main', false],
  ['bitbucket:u/r', 'git', 'dep', 'bitbucket:u/r', false],
  ['gist:11081aaa281', 'git', 'dep', 'gist:11081aaa281', false],
  ['https://example.com/u/r.git', 'git', 'dep', 'https://example.com/u/r.git', false],
  ['https://example.com/u/r.git#semver:^1.0', 'git', 'dep', 'https://example.com/u/r.git#semver:^1.0', false],
  // Plain https URLs of a repository on a known host: npm clones them (hosted-git-info).
  ['https://github.com/u/r', 'git', 'dep', 'https://github.com/u/r', false],
  ['https://github.com/u/r#v1.0.0', 'git', 'dep', 'https://github.com/u/r#v1.0.0', false],
  ['http://github.com/u/r', 'git', 'dep', 'http://github.com/u/r', false],
  ['https://www.github.com/u/r/', 'git', 'dep', 'https://www.github.com/u/r/', false],
  ['https://gitlab.com/u/r', 'git', 'dep', 'https://gitlab.com/u/r', false],
  ['https://bitbucket.org/u/r', 'git', 'dep', 'https://bitbucket.org/u/r', false],
  // GitHub shorthand.
  ['u/r', 'github', 'dep', 'u/r', false],
  ['user-name/repo.js', 'github', 'dep', 'user-name/repo.js', false],
  ['u/r#v1.0.0', 'github', 'dep', 'u/r#v1.0.0', false],
  ['u/r#feature/x', 'github', 'dep', 'u/r#feature/x', false],
  ['u/r#semver:^2', 'github', 'dep', 'u/r#semver:^2', false],
  // Tarball URLs.
  ['https://example.com/pkg-1.0.0.tgz', 'tarball-url', 'dep', 'https://example.com/pkg-1.0.0.tgz', false],
  ['http://example.com/download/pkg', 'tarball-url', 'dep', 'http://example.com/download/pkg', false],
  ['HTTPS://EXAMPLE.COM/X.TGZ', 'tarball-url', 'dep', 'HTTPS://EXAMPLE.COM/X.TGZ', false],
  ['https://github.com/u/r/archive/v1.tar.gz', 'tarball-url', 'dep', 'https://github.com/u/r/archive/v1.tar.gz', false],
  ['https://codeload.github.com/u/r/tar.gz/main', 'tarball-url', 'dep', 'https://codeload.github.com/u/r/tar.gz/main', false],
  // Local paths and tarballs.
  ['file:../dep', 'file', 'dep', 'file:../dep', false],
  ['file:vendor/dep-1.0.0.tgz', 'file', 'dep', 'file:vendor/dep-1.0.0.tgz', false],
  ['./dep', 'file', 'dep', './dep', false],
  ['../dep', 'file', 'dep', '../dep', false],
  ['.', 'file', 'dep', '.', false],
  ['..', 'file', 'dep', '..', false],
  ['/abs/dep', 'file', 'dep', '/abs/dep', false],
  ['~/dep', 'file', 'dep', '~/dep', false],
  ['C:\\src\\dep', 'file', 'dep', 'C:\\src\\dep', false],
  ['dep-1.0.0.tgz', 'file', 'dep', 'dep-1.0.0.tgz', false],
  ['dep-1.0.0.tar.gz', 'file', 'dep', 'dep-1.0.0.tar.gz', false],
  ['vendor/dep.tgz', 'file', 'dep', 'vendor/dep.tgz', false],
  // Any other spec with a slash is a directory to npm-package-arg, never a registry range.
  ['a/b/c', 'file', 'dep', 'a/b/c', false],
  ['@scope/x', 'file', 'dep', '@scope/x', false],
  // Package-manager protocols.
  ['link:../dep', 'link', 'dep', 'link:../dep', false],
  ['workspace:*', 'workspace', 'dep', 'workspace:*', false],
  ['workspace:^1.0.0', 'workspace', 'dep', 'workspace:^1.0.0', false],
  ['portal:../dep', 'other', 'dep', 'portal:../dep', false],
  ['patch:dep@npm:1.0.0#./dep.patch', 'other', 'dep', 'patch:dep@npm:1.0.0#./dep.patch', false],
  ['exec:./gen.js', 'other', 'dep', 'exec:./gen.js', false],
];

for (const [spec, kind, packageName, range, alias] of SPECS) {
  test(`classifySpec(${JSON.stringify(spec)}) is ${kind}`, () => {
    const expected: ClassifiedSpec = { kind, packageName, range, alias };
    assert.deepEqual(classifySpec('dep', spec), expected);
  });
}

test('an alias to a legacy capitalised name npm still installs is checked', () => {
  assert.deepEqual(classifySpec('json-stream', 'npm:JSONStream@^1.3.5'), {
    kind: 'registry',
    packageName: 'JSONStream',
    range: '^1.3.5',
    alias: true,
  });
});

test('every kind has a description, and none of them is the empty string', () => {
  const kinds: SpecKind[] = ['registry', 'git', 'github', 'tarball-url', 'file', 'link', 'workspace', 'other'];
  assert.deepEqual(kinds.map(describeSpecKind), [
    'the registry',
    'a git repository',
    'a GitHub repository',
    'a tarball URL',
    'a local path',
    'a symlinked local folder',
    'a workspace package',
    'a non-registry source',
  ]);
});

const NAMES: Array<[string, boolean]> = [
  ['lodash', true],
  ['left-pad', true],
  ['lodash.without', true],
  ['evp_bytestokey', true],
  ['a', true],
  ['1', true],
  ['@babel/core', true],
  ['@scope/a.b-c_d~e', true],
  ['a'.repeat(214), true],
  ['a'.repeat(215), false],
  [`@s/${'a'.repeat(211)}`, true],
  [`@s/${'a'.repeat(212)}`, false],
  ['', false],
  ['.hidden', false],
  ['_private', false],
  [' lead', false],
  ['trail ', false],
  ['with space', false],
  ['node_modules', false],
  ['favicon.ico', false],
  ['a/b', false],
  ['@scope', false],
  ['@scope/', false],
  ['@/pkg', false],
  ['@scope/pkg/extra', false],
  ['@scope/.pkg', false],
  ['@scope/_pkg', false],
  ['@.scope/pkg', false],
  ['..', false],
  ['../etc/passwd', false],
  ['@scope/..', false],
  ['a%2fb', false],
  ['a:b', false],
  ['a@1', false],
  ['ümlaut', false],
  ['a\nb', false],
  // Legacy names npm still installs (validate-npm-package-name's validForOldPackages).
  ['JSONStream', true],
  ['@Scope/Pkg', true],
  ["excl!(mark)*", true],
];

for (const [name, valid] of NAMES) {
  test(`isValidPackageName(${JSON.stringify(name.length > 40 ? `${name.slice(0, 12)}…(${name.length})` : name)}) is ${valid}`, () => {
    assert.equal(isValidPackageName(name), valid);
  });
}
