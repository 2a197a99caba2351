/**
 * The quick-fix edit computations: each case gives the text, the fix and the exact text after the edits
 * (so everything else is byte-identical by construction), or no edits (and, for overrides, a note). Every
 * result must parse again as the file's own reader reads it: package.json strictly (no comments, no
 * trailing commas) and parsePackageJson, .vigilrc.json with parsePolicyFile.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTree, type ParseError } from 'jsonc-parser';
import type { DependencyReport } from '../../server/src/core/analyze';
import { parsePackageJson, type DependencySection } from '../../server/src/core/parse/packageJson';
import { parsePolicyFile } from '../../server/src/core/parse/policyFile';
import { classifySpec } from '../../server/src/core/spec';
import {
  applyEdits,
  installCommand,
  managerOf,
  overrideEdits,
  pinAllEdits,
  pinEdit,
  replaceTyposquatEdits,
  suppressionEdits,
  suppressionProblem,
  type PackageManager,
  type SuppressionRequest,
  type TextEdit,
} from '../../server/src/core/fixes';

const lines = (...parts: string[]): string => parts.join('\n');
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

/** The dependency report the analysis would give for `name` in `section` of this text. */
function reportFor(text: string, name: string, section: DependencySection = 'dependencies'): DependencyReport {
  const declared = parsePackageJson(text).value.dependencies.find((d) => d.name === name && d.section === section);
  assert.ok(declared, `${name} is declared in ${section}`);
  const spec = classifySpec(declared.name, declared.spec);
  return {
    file: 'package.json',
    name: declared.name,
    package: spec.packageName,
    spec: declared.spec,
    section: declared.section,
    kind: spec.kind,
    range: declared.nameRange,
    specRange: declared.specRange,
    status: 'checked',
  };
}

/** Applies the edits and checks the result is strict JSON (package.json) or JSONC with an object root. */
function applied(text: string, edits: readonly TextEdit[], jsonc = false): string {
  const after = applyEdits(text, edits);
  const errors: ParseError[] = [];
  const source = after.charCodeAt(0) === 0xfeff ? after.slice(1) : after;
  const root = parseTree(source, errors, { disallowComments: !jsonc, allowTrailingComma: jsonc, allowEmptyContent: false });
  assert.deepEqual(errors, [], 'the result parses');
  assert.equal(root?.type, 'object');
  if (!jsonc) JSON.parse(source);
  return after;
}

const PKG = lines('{', '  "name": "app",', '  "dependencies": {', '    "left-pad": "^1.3.0"', '  }', '}', '');

describe('pinEdit', () => {
  const CASES: Array<{ name: string; text: string; dep: string; section?: DependencySection; version: string; expected?: string }> = [
    { name: '2-space caret range', text: PKG, dep: 'left-pad', version: '1.3.0', expected: PKG.replace('"^1.3.0"', '"1.3.0"') },
    {
      name: 'tabs and CRLF, devDependencies',
      text: crlf('{\n\t"devDependencies": {\n\t\t"a": "~2.0.0",\n\t\t"b": "^3"\n\t}\n}\n'),
      dep: 'b',
      section: 'devDependencies',
      version: '3.1.4',
      expected: crlf('{\n\t"devDependencies": {\n\t\t"a": "~2.0.0",\n\t\t"b": "3.1.4"\n\t}\n}\n'),
    },
    { name: 'single-line file', text: '{"dependencies":{"a":"~2.0.0","b":"^1"}}', dep: 'a', version: '2.0.9', expected: '{"dependencies":{"a":"2.0.9","b":"^1"}}' },
    {
      name: 'npm: alias keeps its target',
      text: '{ "dependencies": { "sw": "npm:string-width@^4.2.0" } }',
      dep: 'sw',
      version: '4.2.3',
      expected: '{ "dependencies": { "sw": "npm:string-width@4.2.3" } }',
    },
    {
      name: 'npm: alias of a scoped package',
      text: '{ "dependencies": { "vl15": "npm:@vue/vue-loader-v15@^15.9.0" } }',
      dep: 'vl15',
      version: '15.11.1',
      expected: '{ "dependencies": { "vl15": "npm:@vue/vue-loader-v15@15.11.1" } }',
    },
    {
      name: 'scoped name, optionalDependencies',
      text: '{ "optionalDependencies": { "@types/node": "^20" } }',
      dep: '@types/node',
      section: 'optionalDependencies',
      version: '20.11.5',
      expected: '{ "optionalDependencies": { "@types/node": "20.11.5" } }',
    },
    { name: 'a v-prefixed version is normalised', text: PKG, dep: 'left-pad', version: 'v1.3.0', expected: PKG.replace('"^1.3.0"', '"1.3.0"') },
    { name: 'escaped characters in the spec', text: '{"dependencies":{"a":"\\u005e1.0.0"}}', dep: 'a', version: '1.0.1', expected: '{"dependencies":{"a":"1.0.1"}}' },
    { name: 'a byte-order mark stays', text: `\ufeff${PKG}`, dep: 'left-pad', version: '1.3.0', expected: `\ufeff${PKG.replace('"^1.3.0"', '"1.3.0"')}` },
    { name: 'already exact: nothing to do', text: PKG.replace('^1.3.0', '1.3.0'), dep: 'left-pad', version: '1.3.0' },
    { name: 'a dist-tag is not an exact version', text: PKG, dep: 'left-pad', version: 'latest' },
    { name: 'a range is not an exact version', text: PKG, dep: 'left-pad', version: '^1.3.1' },
    { name: 'a git dependency is not pinned to a registry version', text: '{"dependencies":{"a":"github:u/a#v1"}}', dep: 'a', version: '1.0.0' },
    { name: 'a file dependency', text: '{"dependencies":{"a":"file:../a"}}', dep: 'a', version: '1.0.0' },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const report = reportFor(c.text, c.dep, c.section);
      const edits = pinEdit(c.text, report, c.version);
      if (c.expected === undefined) return assert.deepEqual(edits, []);
      const after = applied(c.text, edits);
      assert.equal(after, c.expected);
      // Round trip: the analysis reads the pinned spec back.
      const spec = parsePackageJson(after).value.dependencies.find((d) => d.name === c.dep)?.spec;
      assert.equal(spec, JSON.parse(after.replace(/^\ufeff/, ''))[c.section ?? 'dependencies'][c.dep]);
      assert.equal(classifySpec(c.dep, spec ?? '').range, c.version.replace(/^v/, ''));
    });
  }

  it('no edit when the report no longer matches the text (stale)', () => {
    const report = reportFor(PKG, 'left-pad');
    assert.deepEqual(pinEdit(PKG.replace('^1.3.0', '^1.4.0'), report, '1.4.0'), []);
    assert.deepEqual(pinEdit(PKG.slice(0, 20), report, '1.3.0'), []);
    assert.deepEqual(pinEdit(PKG, { ...report, specRange: { start: report.specRange.start + 1, end: report.specRange.end } }, '1.3.0'), []);
  });

  it('no edit for a lockfile report', () => {
    assert.deepEqual(pinEdit(PKG, { ...reportFor(PKG, 'left-pad'), section: 'lockfile' }, '1.3.0'), []);
  });
});

describe('pinAllEdits', () => {
  const text = lines('{', '  "dependencies": {', '    "a": "^1.0.0",', '    "@s/b": "npm:real@~2.1.0",', '    "c": "git+https://x.test/c.git"', '  }', '}');
  it('pins several at once, one edit each, in order', () => {
    const a = reportFor(text, 'a');
    const b = reportFor(text, '@s/b');
    const edits = pinAllEdits(text, [
      { report: b, version: '2.1.7' },
      { report: a, version: '1.0.4' },
      { report: a, version: '1.0.9' }, // same range again: the first one wins
      { report: reportFor(text, 'c'), version: '1.0.0' }, // not pinnable: skipped
    ]);
    assert.equal(edits.length, 2);
    assert.ok(edits[0] && edits[1] && edits[0].range.end <= edits[1].range.start, 'sorted, not overlapping');
    const after = applied(text, edits);
    assert.equal(after, text.replace('"^1.0.0"', '"1.0.4"').replace('"npm:real@~2.1.0"', '"npm:real@2.1.7"'));
    const specs = Object.fromEntries(parsePackageJson(after).value.dependencies.map((d) => [d.name, d.spec]));
    assert.deepEqual(specs, { a: '1.0.4', '@s/b': 'npm:real@2.1.7', c: 'git+https://x.test/c.git' });
  });
  it('nothing to pin: no edits', () => {
    assert.deepEqual(pinAllEdits(text, []), []);
  });
});

interface OverrideCase {
  name: string;
  text: string;
  manager: PackageManager;
  pkg: string;
  version: string;
  path?: string[];
  /** Undefined: no edits. */
  expected?: string;
  note?: RegExp;
}

const NPM_CASES: OverrideCase[] = [
  {
    name: 'npm: adds "overrides" after the last key',
    text: PKG,
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "name": "app",', '  "dependencies": {', '    "left-pad": "^1.3.0"', '  },', '  "overrides": {', '    "minimist": "1.2.8"', '  }', '}', ''),
  },
  {
    name: 'npm: merges into existing overrides, other keys kept',
    text: lines('{', '  "overrides": {', '    "semver": "7.5.4"', '  },', '  "private": true', '}'),
    manager: 'npm',
    pkg: '@babel/traverse',
    version: '7.23.2',
    expected: lines('{', '  "overrides": {', '    "semver": "7.5.4",', '    "@babel/traverse": "7.23.2"', '  },', '  "private": true', '}'),
  },
  {
    name: 'npm: replaces the value for the same key',
    text: lines('{', '  "overrides": {', '    "semver": "7.5.4",', '    "minimist": "1.2.5"', '  }', '}'),
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "overrides": {', '    "semver": "7.5.4",', '    "minimist": "1.2.8"', '  }', '}'),
  },
  {
    name: 'npm: an empty "overrides" is filled',
    text: lines('{', '  "name": "app",', '  "overrides": {}', '}'),
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "name": "app",', '  "overrides": {', '    "minimist": "1.2.8"', '  }', '}'),
  },
  {
    name: 'npm: 4 spaces; nested overrides for the package itself get "."',
    text: lines('{', '    "overrides": {', '        "foo": {', '            "bar": "1.0.0"', '        }', '    }', '}', ''),
    manager: 'npm',
    pkg: 'foo',
    version: '2.0.1',
    expected: lines('{', '    "overrides": {', '        "foo": {', '            "bar": "1.0.0",', '            ".": "2.0.1"', '        }', '    }', '}', ''),
  },
  {
    name: 'npm: tabs and CRLF kept',
    text: crlf('{\n\t"name": "app",\n\t"version": "1.0.0"\n}\n'),
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: crlf('{\n\t"name": "app",\n\t"version": "1.0.0",\n\t"overrides": {\n\t\t"minimist": "1.2.8"\n\t}\n}\n'),
  },
  {
    name: 'npm: a one-line package.json stays on one line',
    text: '{"name":"app","dependencies":{"a":"1"}}',
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: '{"name":"app","dependencies":{"a":"1"},"overrides":{"minimist":"1.2.8"}}',
  },
  {
    name: 'npm: a one-line overrides object in a spread file stays on one line',
    text: lines('{', '  "overrides": { "semver": "7.5.4" }', '}'),
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "overrides": { "semver": "7.5.4", "minimist": "1.2.8" }', '}'),
  },
  {
    name: 'npm: an empty package.json object',
    text: '{}',
    manager: 'npm',
    pkg: '@scope/pkg',
    version: '^3.0.1',
    expected: lines('{', '  "overrides": {', '    "@scope/pkg": "^3.0.1"', '  }', '}'),
  },
  {
    name: 'npm: another nested override of the same package is named in the note',
    text: lines('{', '  "overrides": {', '    "webpack": {', '      "minimist": "1.2.5"', '    }', '  }', '}'),
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "overrides": {', '    "webpack": {', '      "minimist": "1.2.5"', '    },', '    "minimist": "1.2.8"', '  }', '}'),
    note: /also sets minimist under webpack/,
  },
];

const DIRECT = lines('{', '  "dependencies": {', '    "minimist": "^1.2.0",', '    "mkdirp": "^0.5.1"', '  }', '}', '');

const NPM_DIRECT_CASES: OverrideCase[] = [
  {
    name: 'npm, direct dependency: pinned to the same version, override refers to it',
    text: DIRECT,
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "dependencies": {', '    "minimist": "1.2.8",', '    "mkdirp": "^0.5.1"', '  },', '  "overrides": {', '    "minimist": "$minimist"', '  }', '}', ''),
    note: /also a direct dependency.*dependencies now declares 1\.2\.8.*"\$minimist"/,
  },
  {
    name: 'npm, direct dependency with a parent path: nested under the parent, the dependency untouched',
    text: DIRECT,
    manager: 'npm',
    pkg: 'minimist',
    version: '0.2.4',
    path: ['mkdirp'],
    expected: lines('{', '  "dependencies": {', '    "minimist": "^1.2.0",', '    "mkdirp": "^0.5.1"', '  },', '  "overrides": {', '    "mkdirp": {', '      "minimist": "0.2.4"', '    }', '  }', '}', ''),
    note: /applies under mkdirp only/,
  },
  {
    name: 'npm, direct dependency with a parent already overridden: its version moves to "."',
    text: lines('{', '  "dependencies": { "minimist": "^1.2.0" },', '  "overrides": {', '    "mkdirp": "0.5.6"', '  }', '}'),
    manager: 'npm',
    pkg: 'minimist',
    version: '0.2.4',
    path: ['webpack', 'mkdirp'],
    expected: lines('{', '  "dependencies": { "minimist": "^1.2.0" },', '  "overrides": {', '    "mkdirp": {', '      ".": "0.5.6",', '      "minimist": "0.2.4"', '    }', '  }', '}'),
    note: /under mkdirp only/,
  },
  {
    name: 'npm, direct dependency declared as exactly the version: only the reference',
    text: DIRECT.replace('^1.2.0', '1.2.8'),
    manager: 'npm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "dependencies": {', '    "minimist": "1.2.8",', '    "mkdirp": "^0.5.1"', '  },', '  "overrides": {', '    "minimist": "$minimist"', '  }', '}', ''),
    note: /refers to it/,
  },
  {
    name: 'npm, direct in dependencies and devDependencies: both set',
    text: lines('{', '  "dependencies": { "a": "^1.0.0" },', '  "devDependencies": { "a": "^1.1.0" }', '}'),
    manager: 'npm',
    pkg: 'a',
    version: '1.2.0',
    expected: lines('{', '  "dependencies": { "a": "1.2.0" },', '  "devDependencies": { "a": "1.2.0" },', '  "overrides": {', '    "a": "$a"', '  }', '}'),
    note: /dependencies and devDependencies now declare 1\.2\.0/,
  },
  {
    name: 'npm, direct peer dependency: explained, not changed',
    text: lines('{', '  "peerDependencies": { "react": "^18.0.0" }', '}'),
    manager: 'npm',
    pkg: 'react',
    version: '18.3.1',
    note: /direct dependency \(peerDependencies\).*"\$react"/,
  },
  {
    name: 'npm, direct dependency that is an alias: explained, not changed',
    text: lines('{', '  "dependencies": { "a": "npm:b@^1.0.0" }', '}'),
    manager: 'npm',
    pkg: 'a',
    version: '1.0.3',
    note: /refuses an override of a direct dependency/,
  },
  {
    name: 'npm, direct git dependency: explained, not changed',
    text: lines('{', '  "dependencies": { "a": "github:u/a" }', '}'),
    manager: 'npm',
    pkg: 'a',
    version: '1.0.3',
    note: /direct dependency \(dependencies\)/,
  },
  {
    name: 'npm: "overrides" that is not an object',
    text: lines('{', '  "overrides": "nope"', '}'),
    manager: 'npm',
    pkg: 'a',
    version: '1.0.3',
    note: /"overrides" in package\.json is not an object/,
  },
];

const YARN_PNPM_CASES: OverrideCase[] = [
  {
    name: 'yarn: adds "resolutions"',
    text: PKG,
    manager: 'yarn',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "name": "app",', '  "dependencies": {', '    "left-pad": "^1.3.0"', '  },', '  "resolutions": {', '    "minimist": "1.2.8"', '  }', '}', ''),
  },
  {
    name: 'yarn: merges into resolutions; a direct dependency is fine for Yarn',
    text: lines('{', '  "dependencies": { "minimist": "^1.2.0" },', '  "resolutions": {', '    "**/semver": "7.5.4"', '  }', '}'),
    manager: 'yarn',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "dependencies": { "minimist": "^1.2.0" },', '  "resolutions": {', '    "**/semver": "7.5.4",', '    "minimist": "1.2.8"', '  }', '}'),
  },
  {
    name: 'yarn: a padded one-line file',
    text: '{ "name": "app", "resolutions": { "x": "1.0.0" } }',
    manager: 'yarn',
    pkg: 'minimist',
    version: '1.2.8',
    expected: '{ "name": "app", "resolutions": { "x": "1.0.0", "minimist": "1.2.8" } }',
  },
  {
    name: 'pnpm: adds "pnpm.overrides", with the workspace-file note',
    text: PKG,
    manager: 'pnpm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: lines('{', '  "name": "app",', '  "dependencies": {', '    "left-pad": "^1.3.0"', '  },', '  "pnpm": {', '    "overrides": {', '      "minimist": "1.2.8"', '    }', '  }', '}', ''),
    note: /pnpm-workspace\.yaml/,
  },
  {
    name: 'pnpm: into an existing "pnpm" with other settings (4 spaces)',
    text: lines('{', '    "pnpm": {', '        "onlyBuiltDependencies": ["esbuild"]', '    }', '}'),
    manager: 'pnpm',
    pkg: '@scope/pkg',
    version: '2.0.0',
    expected: lines('{', '    "pnpm": {', '        "onlyBuiltDependencies": ["esbuild"],', '        "overrides": {', '            "@scope/pkg": "2.0.0"', '        }', '    }', '}'),
    note: /pnpm-workspace\.yaml/,
  },
  {
    name: 'pnpm: merges into existing pnpm.overrides (tabs, CRLF)',
    text: crlf('{\n\t"pnpm": {\n\t\t"overrides": {\n\t\t\t"semver": "7.5.4",\n\t\t\t"minimist": "1.2.5"\n\t\t}\n\t}\n}\n'),
    manager: 'pnpm',
    pkg: 'minimist',
    version: '1.2.8',
    expected: crlf('{\n\t"pnpm": {\n\t\t"overrides": {\n\t\t\t"semver": "7.5.4",\n\t\t\t"minimist": "1.2.8"\n\t\t}\n\t}\n}\n'),

    note: /pnpm-workspace\.yaml/,
  },
  {
    name: 'pnpm: "pnpm" that is not an object',
    text: '{ "pnpm": [] }',
    manager: 'pnpm',
    pkg: 'minimist',
    version: '1.2.8',
    note: /"pnpm" in package\.json is not an object/,
  },
];

const BROKEN_CASES: OverrideCase[] = [
  { name: 'broken: trailing comma', text: '{\n  "name": "app",\n}\n', manager: 'npm', pkg: 'a', version: '1.0.0', note: /not valid JSON/ },
  { name: 'broken: a comment', text: '{\n  // hi\n  "name": "app"\n}\n', manager: 'yarn', pkg: 'a', version: '1.0.0', note: /not valid JSON/ },
  { name: 'broken: half-typed', text: '{\n  "name": "app",\n  "overrides": {\n    "a": ', manager: 'npm', pkg: 'a', version: '1.0.0', note: /not valid JSON/ },
  { name: 'broken: empty file', text: '', manager: 'pnpm', pkg: 'a', version: '1.0.0', note: /not valid JSON/ },
  { name: 'broken: an array at the root', text: '[]', manager: 'npm', pkg: 'a', version: '1.0.0', note: /does not contain a JSON object/ },
  { name: 'invalid package name', text: PKG, manager: 'npm', pkg: 'Not A Name', version: '1.0.0', note: /Not a valid package name/ },
  { name: 'invalid version', text: PKG, manager: 'npm', pkg: 'a', version: 'what"ever', note: /version or a semver range/ },
];

describe('overrideEdits', () => {
  for (const c of [...NPM_CASES, ...NPM_DIRECT_CASES, ...YARN_PNPM_CASES, ...BROKEN_CASES]) {
    it(c.name, () => {
      const result = overrideEdits(c.text, c.manager, c.pkg, c.version, c.path);
      if (c.note) assert.match(result.note ?? '', c.note);
      else assert.equal(result.note, undefined);
      if (c.expected === undefined) return assert.deepEqual(result.edits, []);
      assert.equal(applied(c.text, result.edits), c.expected);
      // What package.json declares still reads the same (or as the note says).
      assert.deepEqual(parsePackageJson(c.expected).problems, []);
    });
  }

  it('the same override twice: the second time there is nothing to do', () => {
    const first = overrideEdits(PKG, 'npm', 'minimist', '1.2.8');
    const after = applyEdits(PKG, first.edits);
    assert.deepEqual(overrideEdits(after, 'npm', 'minimist', '1.2.8'), { edits: [] });
  });
});

describe('replaceTyposquatEdits', () => {
  const three = (first: string, second: string, third: string): string =>
    lines('{', '  "dependencies": {', `    ${first},`, `    ${second},`, `    ${third}`, '  },', '  "private": true', '}', '');
  const CASES: Array<{ name: string; text: string; dep: string; section?: DependencySection; intended: string; range: string; expected?: string }> = [
    {
      name: 'renames the key and keeps the range',
      text: three('"a": "1.0.0"', '"crossenv": "^7.0.3"', '"z": "2.0.0"'),
      dep: 'crossenv',
      intended: 'cross-env',
      range: '^7.0.3',
      expected: three('"a": "1.0.0"', '"cross-env": "^7.0.3"', '"z": "2.0.0"'),
    },
    {
      name: 'a folded scope becomes the scoped name (devDependencies, CRLF)',
      text: crlf('{\n  "devDependencies": {\n    "types-node": "^20.1.0"\n  }\n}\n'),
      dep: 'types-node',
      section: 'devDependencies',
      intended: '@types/node',
      range: '^20.1.0',
      expected: crlf('{\n  "devDependencies": {\n    "@types/node": "^20.1.0"\n  }\n}\n'),
    },
    {
      name: 'an npm: alias keeps its key and gets the new target',
      text: '{"dependencies":{"env":"npm:crossenv@^7.0.0"}}',
      dep: 'env',
      intended: 'cross-env',
      range: '^7.0.0',
      expected: '{"dependencies":{"env":"npm:cross-env@^7.0.0"}}',
    },
    {
      name: 'an empty range is kept as empty',
      text: '{"dependencies":{"raect":""}}',
      dep: 'raect',
      intended: 'react',
      range: '',
      expected: '{"dependencies":{"react":""}}',
    },
    {
      name: 'intended already declared; typosquat first: removed with its comma',
      text: three('"crossenv": "^7.0.3"', '"cross-env": "^7.0.3"', '"z": "2.0.0"'),
      dep: 'crossenv',
      intended: 'cross-env',
      range: '^7.0.3',
      expected: lines('{', '  "dependencies": {', '    "cross-env": "^7.0.3",', '    "z": "2.0.0"', '  },', '  "private": true', '}', ''),
    },
    {
      name: 'intended already declared; typosquat in the middle',
      text: three('"cross-env": "^7.0.3"', '"crossenv": "^7.0.3"', '"z": "2.0.0"'),
      dep: 'crossenv',
      intended: 'cross-env',
      range: '^7.0.3',
      expected: lines('{', '  "dependencies": {', '    "cross-env": "^7.0.3",', '    "z": "2.0.0"', '  },', '  "private": true', '}', ''),
    },
    {
      name: 'intended already declared; typosquat last',
      text: three('"a": "1.0.0"', '"cross-env": "^7.0.3"', '"crossenv": "^7.0.3"'),
      dep: 'crossenv',
      intended: 'cross-env',
      range: '^7.0.3',
      expected: lines('{', '  "dependencies": {', '    "a": "1.0.0",', '    "cross-env": "^7.0.3"', '  },', '  "private": true', '}', ''),
    },
    {
      name: 'intended already declared; one-line section',
      text: '{"dependencies":{"cross-env":"^7","crossenv":"^7"},"x":1}',
      dep: 'crossenv',
      intended: 'cross-env',
      range: '^7',
      expected: '{"dependencies":{"cross-env":"^7"},"x":1}',
    },
    {
      name: 'intended declared in another section only: renamed',
      text: '{"dependencies":{"crossenv":"^7"},"devDependencies":{"cross-env":"^7"}}',
      dep: 'crossenv',
      intended: 'cross-env',
      range: '^7',
      expected: '{"dependencies":{"cross-env":"^7"},"devDependencies":{"cross-env":"^7"}}',
    },
    { name: 'not a package name', text: '{"dependencies":{"crossenv":"^7"}}', dep: 'crossenv', intended: 'cross env', range: '^7' },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const edits = replaceTyposquatEdits(c.text, reportFor(c.text, c.dep, c.section), c.intended, c.range);
      if (c.expected === undefined) return assert.deepEqual(edits, []);
      const after = applied(c.text, edits);
      assert.equal(after, c.expected);
      const names = parsePackageJson(after).value.dependencies.map((d) => d.name);
      assert.ok(!names.includes(c.dep) || c.dep === 'env', 'the typosquat is gone');
    });
  }

  it('intended already declared; typosquat the last of two', () => {
    const text = '{\n  "dependencies": {\n    "cross-env": "^7",\n    "crossenv": "^7"\n  }\n}';
    const after = applied(text, replaceTyposquatEdits(text, reportFor(text, 'crossenv'), 'cross-env', '^7'));
    assert.equal(after, '{\n  "dependencies": {\n    "cross-env": "^7"\n  }\n}');
  });

  it('a stale report or a broken file: no edits', () => {
    const text = '{"dependencies":{"crossenv":"^7"}}';
    const report = reportFor(text, 'crossenv');
    assert.deepEqual(replaceTyposquatEdits('{"dependencies":{"crossenv":"^8"}}', report, 'cross-env', '^7'), []);
    assert.deepEqual(replaceTyposquatEdits('{"dependencies":{"crossenv":"^7",}}', report, 'cross-env', '^7'), []);
    assert.deepEqual(replaceTyposquatEdits(text, { ...report, section: 'lockfile' }, 'cross-env', '^7'), []);
  });
});

const SUPPRESS: SuppressionRequest = { entry: 'is-array@^1.0.0', signal: 'typosquat', reason: 'deliberate: our old helper' };
const ITEM = '{ "package": "is-array@^1.0.0", "signal": "typosquat", "reason": "deliberate: our old helper" }';

describe('suppressionEdits', () => {
  const CASES: Array<{ name: string; text: string | undefined; request?: SuppressionRequest; expected?: string }> = [
    { name: 'no file: the whole file', text: undefined, expected: lines('{', '  "suppressions": [', `    ${ITEM}`, '  ]', '}', '') },
    { name: 'an empty file', text: '', expected: lines('{', '  "suppressions": [', `    ${ITEM}`, '  ]', '}', '') },
    { name: 'a blank file with CRLF', text: '\r\n', expected: crlf(lines('{', '  "suppressions": [', `    ${ITEM}`, '  ]', '}', '')) },
    { name: '{}', text: '{}', expected: lines('{', '  "suppressions": [', `    ${ITEM}`, '  ]', '}') },
    { name: '{} spread over lines', text: '{\n}\n', expected: lines('{', '  "suppressions": [', `    ${ITEM}`, '  ]', '}', '') },
    {
      name: 'an existing file without suppressions',
      text: lines('{', '  "$schema": "./node_modules/vigil/media/vigilrc.schema.json",', '  "severity": { "new-bin": "off" }', '}', ''),
      expected: lines('{', '  "$schema": "./node_modules/vigil/media/vigilrc.schema.json",', '  "severity": { "new-bin": "off" },', '  "suppressions": [', `    ${ITEM}`, '  ]', '}', ''),
    },
    {
      name: 'appended to suppressions, comments and the trailing comma kept',
      text: lines('{', '  // the policy', '  "suppressions": [', '    { "package": "b", "signal": "deprecated", "reason": "x" }, // why', '  ],', '}', ''),
      expected: lines('{', '  // the policy', '  "suppressions": [', '    { "package": "b", "signal": "deprecated", "reason": "x" }, // why', `    ${ITEM}`, '  ],', '}', ''),
    },
    {
      name: 'a line comment after the last item stays on its line',
      text: lines('{', '  "suppressions": [', '    { "package": "b", "signal": "deprecated", "reason": "x" } // why', '  ]', '}'),
      expected: lines('{', '  "suppressions": [', '    { "package": "b", "signal": "deprecated", "reason": "x" }, // why', `    ${ITEM}`, '  ]', '}'),
    },
    {
      name: 'spread-out items: the new one too (4 spaces), with expires',
      text: lines('{', '    "suppressions": [', '        {', '            "package": "b",', '            "signal": "deprecated",', '            "reason": "x"', '        }', '    ]', '}'),
      request: { ...SUPPRESS, expires: '2027-01-01' },
      expected: lines(
        '{',
        '    "suppressions": [',
        '        {',
        '            "package": "b",',
        '            "signal": "deprecated",',
        '            "reason": "x"',
        '        },',
        '        {',
        '            "package": "is-array@^1.0.0",',
        '            "signal": "typosquat",',
        '            "reason": "deliberate: our old helper",',
        '            "expires": "2027-01-01"',
        '        }',
        '    ]',
        '}',
      ),
    },
    {
      name: 'an empty suppressions list (tabs, CRLF)',
      text: crlf('{\n\t"severity": {},\n\t"suppressions": []\n}\n'),
      expected: crlf(`{\n\t"severity": {},\n\t"suppressions": [\n\t\t${ITEM}\n\t]\n}\n`),
    },
    {
      name: 'a one-line file stays on one line',
      text: '{ "severity": { "new-bin": "off" } }',
      expected: `{ "severity": { "new-bin": "off" }, "suppressions": [{ "package": "is-array@^1.0.0", "signal": "typosquat", "reason": "deliberate: our old helper" }] }`,
    },
    {
      name: 'reason and entry are trimmed; a scoped name',
      text: undefined,
      request: { entry: ' @azure/core-tracing ', signal: 'new-publisher', reason: '  checked the release  ', expires: '2026-12-31T18:00:00Z' },
      expected: lines(
        '{',
        '  "suppressions": [',
        '    { "package": "@azure/core-tracing", "signal": "new-publisher", "reason": "checked the release", "expires": "2026-12-31T18:00:00Z" }',
        '  ]',
        '}',
        '',
      ),
    },
    { name: 'suppressions that is not a list', text: '{ "suppressions": {} }' },
    { name: 'a broken file', text: '{ "suppressions": [ }' },
    { name: 'an array at the root', text: '[]' },
    { name: 'already there', text: lines('{', '  "suppressions": [', `    ${ITEM}`, '  ]', '}') },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const request = c.request ?? SUPPRESS;
      const edits = suppressionEdits(c.text, request);
      if (c.expected === undefined) return assert.deepEqual(edits, []);
      const after = applied(c.text ?? '', edits, true);
      assert.equal(after, c.expected);
      // Round trip: Vigil reads the suppression back, and the file has no new problems.
      const parsed = parsePolicyFile(after);
      assert.deepEqual(parsed.problems, []);
      const found = parsed.policy.suppressions.find((s) => s.signal === request.signal && s.entry === request.entry.trim());
      assert.ok(found, 'the suppression is read back');
      assert.equal(found.reason, request.reason.trim());
      assert.equal(found.expires, request.expires);
    });
  }

  const INVALID: Array<[string, SuppressionRequest, RegExp]> = [
    ['a blank reason', { ...SUPPRESS, reason: '   ' }, /needs a reason/],
    ['not a package name', { ...SUPPRESS, entry: 'Not A Name' }, /"package" must be a package name/],
    ['not a range after @', { ...SUPPRESS, entry: 'is-array@not a range!' }, /semver range/],
    ['an impossible date', { ...SUPPRESS, expires: '2027-02-30' }, /"expires" must be a date/],
    ['a date-time without a zone', { ...SUPPRESS, expires: '2027-01-01T10:00' }, /"expires" must be a date/],
    ['a file problem cannot be suppressed', { ...SUPPRESS, signal: 'invalid-json' }, /Not a signal Vigil reports/],
  ];
  for (const [name, request, message] of INVALID) {
    it(`invalid: ${name}`, () => {
      assert.match(suppressionProblem(request) ?? '', message);
      assert.deepEqual(suppressionEdits(undefined, request), []);
      assert.deepEqual(suppressionEdits('{}', request), []);
    });
  }

  it('a valid suppression has no problem', () => {
    assert.equal(suppressionProblem(SUPPRESS), undefined);
  });
});

describe('managerOf and installCommand', () => {
  const CASES: Array<[string, string[], string, PackageManager]> = [
    ['no lockfile, no field: npm', [], '{}', 'npm'],
    ['pnpm-lock.yaml', ['pnpm-lock.yaml'], '{}', 'pnpm'],
    ['yarn.lock as a path', ['packages/app/yarn.lock'], '{}', 'yarn'],
    ['package-lock.json', ['package-lock.json'], '{}', 'npm'],
    ['npm-shrinkwrap.json', ['C:\\repo\\npm-shrinkwrap.json'], '{}', 'npm'],
    ['not a lockfile', ['bun.lockb'], '{}', 'npm'],
    ['the packageManager field wins over a lockfile', ['package-lock.json'], '{ "packageManager": "pnpm@9.1.0" }', 'pnpm'],
    ['packageManager with a hash', [], '{ "packageManager": "yarn@4.1.1+sha512.abc" }', 'yarn'],
    ['devEngines.packageManager', [], '{ "devEngines": { "packageManager": { "name": "pnpm" } } }', 'pnpm'],
    ['an unknown packageManager falls back to the lockfile', ['yarn.lock'], '{ "packageManager": "bun@1.1.0" }', 'yarn'],
    ['a broken package.json falls back to the lockfile', ['pnpm-lock.yaml'], '{ "packageManager": ', 'pnpm'],
  ];
  for (const [name, lockfiles, text, expected] of CASES) {
    it(name, () => assert.equal(managerOf(lockfiles, text), expected));
  }
  it('install commands', () => {
    assert.deepEqual((['npm', 'yarn', 'pnpm'] as const).map(installCommand), ['npm install', 'yarn install', 'pnpm install']);
  });
});

describe('never throws, never corrupts', () => {
  const SAMPLES = [
    PKG,
    DIRECT,
    crlf('{\n\t"dependencies": {\n\t\t"crossenv": "^7",\n\t\t"cross-env": "^7"\n\t},\n\t"overrides": { "a": { ".": "1" } }\n}\n'),
    '{"dependencies":{"sw":"npm:string-width@^4"},"pnpm":{"overrides":{}}}',
  ];
  // Every prefix and a few splices of each sample: half-typed documents.
  const inputs = SAMPLES.flatMap((text) => [
    ...Array.from({ length: text.length + 1 }, (_, n) => text.slice(0, n)),
    ...Array.from({ length: 20 }, (_, n) => text.slice(0, (n * 7) % text.length) + text.slice((n * 13) % text.length)),
  ]);
  it(`${inputs.length} damaged package.json texts`, () => {
    let edited = 0;
    for (const text of inputs) {
      const parsed = parsePackageJson(text);
      for (const manager of ['npm', 'yarn', 'pnpm'] as const) {
        const result = overrideEdits(text, manager, 'minimist', '1.2.8', ['mkdirp']);
        if (result.edits.length > 0) edited += Number(applied(text, result.edits) !== text);
        else assert.ok(result.note !== undefined || parsed.problems.length === 0, 'no edit is explained');
      }
      for (const d of parsed.value.dependencies) {
        const spec = classifySpec(d.name, d.spec);
        const report: DependencyReport = { file: 'package.json', name: d.name, package: spec.packageName, spec: d.spec, section: d.section, kind: spec.kind, range: d.nameRange, specRange: d.specRange, status: 'checked' };
        applyEdits(text, pinEdit(text, report, '1.0.0'));
        const renamed = replaceTyposquatEdits(text, report, 'cross-env', '^7');
        if (renamed.length > 0) applied(text, renamed);
      }
      managerOf(['yarn.lock'], text);
    }
    assert.ok(edited > 40, `the intact ones were edited (${edited})`);
  });
  it(`${inputs.length} damaged .vigilrc.json texts`, () => {
    const policies = ['{\n  // c\n  "suppressions": [\n    { "package": "b", "signal": "deprecated", "reason": "x" },\n  ],\n}\n'].flatMap((text) =>
      Array.from({ length: text.length + 1 }, (_, n) => text.slice(0, n)),
    );
    let edited = 0;
    for (const text of policies) {
      const edits = suppressionEdits(text, SUPPRESS);
      if (edits.length === 0) continue;
      edited++;
      const after = applied(text, edits, true);
      assert.ok(parsePolicyFile(after).policy.suppressions.some((s) => s.entry === SUPPRESS.entry));
    }
    assert.ok(edited > 0);
  });
  it('arguments of the wrong type (from a command) give nothing, without throwing', () => {
    const report = reportFor(PKG, 'left-pad');
    const junk = undefined as unknown as string;
    assert.deepEqual(pinEdit(PKG, report, junk), []);
    assert.deepEqual(replaceTyposquatEdits(PKG, report, junk, junk), []);
    assert.deepEqual(overrideEdits(PKG, 'npm', junk, junk).edits, []);
    assert.deepEqual(suppressionEdits(undefined, {} as SuppressionRequest), []);
    assert.deepEqual(suppressionEdits(undefined, undefined as unknown as SuppressionRequest), []);
  });
});
