/**
 * parse/packageJson: exact offsets for every dependency section, CRLF and non-ASCII text, and broken
 * files that still yield what can be read, with problems at the place they broke and no file content in
 * any message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEPENDENCY_SECTIONS, parsePackageJson, type ParseProblem } from '../../server/src/core/parse/packageJson';
import type { OffsetRange } from '../../server/src/core/finding';

const slice = (text: string, range: OffsetRange): string => text.slice(range.start, range.end);

for (const section of DEPENDENCY_SECTIONS) {
  test(`offsets of key and spec in "${section}"`, () => {
    const text = `{\n  "name": "demo",\n  "${section}": {\n    "left-pad": "^1.3.0",\n    "@scope/pkg": "~2.0.1"\n  }\n}\n`;
    const { value, problems } = parsePackageJson(text);
    assert.deepEqual(problems, []);
    assert.equal(value.name, 'demo');
    assert.deepEqual(
      value.dependencies.map((d) => [d.section, d.name, d.spec, slice(text, d.nameRange), slice(text, d.specRange)]),
      [
        [section, 'left-pad', '^1.3.0', '"left-pad"', '"^1.3.0"'],
        [section, '@scope/pkg', '~2.0.1', '"@scope/pkg"', '"~2.0.1"'],
      ],
    );
    const first = value.dependencies[0];
    const keyAt = text.indexOf('"left-pad"');
    assert.deepEqual(first?.nameRange, { start: keyAt, end: keyAt + 10 });
    assert.deepEqual(first?.specRange, { start: keyAt + 12, end: keyAt + 20 });
  });
}

test('all four sections in one file, in document order, with hard-coded offsets', () => {
  const text = '{"dependencies":{"a":"1"},"devDependencies":{"b":"2"},"optionalDependencies":{"c":"3"},"peerDependencies":{"d":"4"}}';
  const { value, problems } = parsePackageJson(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    value.dependencies.map((d) => [d.section, d.name, d.nameRange.start, d.nameRange.end, d.specRange.start, d.specRange.end]),
    [
      ['dependencies', 'a', 17, 20, 21, 24],
      ['devDependencies', 'b', 45, 48, 49, 52],
      ['optionalDependencies', 'c', 78, 81, 82, 85],
      ['peerDependencies', 'd', 107, 110, 111, 114],
    ],
  );
});

test('other top-level keys that look like sections are ignored', () => {
  const text = '{"bundledDependencies":["x"],"overrides":{"y":"1"},"dependencies":{"z":"1"}}';
  const { value, problems } = parsePackageJson(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(value.dependencies.map((d) => d.name), ['z']);
});

test('CRLF line endings: offsets still point at the quoted key and spec', () => {
  const text = '{\r\n  "name": "crlf",\r\n  "dependencies": {\r\n    "ms": "^2.1.0",\r\n    "once": "1.4.0"\r\n  }\r\n}\r\n';
  const { value, problems } = parsePackageJson(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    value.dependencies.map((d) => [d.nameRange.start, slice(text, d.nameRange), slice(text, d.specRange)]),
    [
      [47, '"ms"', '"^2.1.0"'],
      [68, '"once"', '"1.4.0"'],
    ],
  );
});

test('non-ASCII text before an entry: offsets are UTF-16 code units, not bytes', () => {
  const text = '{"description":"😀","dependencies":{"a":"1"}}';
  const { value, problems } = parsePackageJson(text);
  assert.deepEqual(problems, []);
  const dep = value.dependencies[0];
  // "😀" is two UTF-16 code units (four UTF-8 bytes): the key starts at 36, not at byte 38.
  assert.deepEqual(dep?.nameRange, { start: 36, end: 39 });
  assert.deepEqual(dep?.specRange, { start: 40, end: 43 });
  assert.equal(Buffer.byteLength(text.slice(0, 36)), 38);
});

test('non-ASCII key and spec are read verbatim', () => {
  const text = '{"dependencies":{"naïve-☃":"^1"}}';
  const { value } = parsePackageJson(text);
  assert.deepEqual(value.dependencies.map((d) => [d.name, slice(text, d.nameRange)]), [['naïve-☃', '"naïve-☃"']]);
});

test('a byte-order mark is accepted as npm accepts it', () => {
  const text = '\uFEFF{"dependencies":{"a":"1"}}';
  const { value, problems } = parsePackageJson(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(value.dependencies.map((d) => [d.name, d.nameRange.start]), [['a', 18]]);
});

interface MalformedCase {
  name: string;
  text: string;
  /** [code, start, end] of each problem, in order. */
  problems: Array<[ParseProblem['code'], number, number]>;
  /** [name, spec] of each dependency still read. */
  dependencies: Array<[string, string]>;
  /** A phrase the first problem's message must contain. */
  says: string;
}

const MALFORMED: MalformedCase[] = [
  {
    name: 'trailing comma',
    text: '{"dependencies":{"a":"1",}}',
    problems: [['invalid-json', 25, 26], ['invalid-json', 25, 26]],
    dependencies: [['a', '1']],
    says: 'a trailing comma is not allowed',
  },
  {
    name: 'missing comma: both entries still read',
    text: '{"dependencies":{"a":"1" "b":"2"}}',
    problems: [['invalid-json', 25, 28]],
    dependencies: [['a', '1'], ['b', '2']],
    says: 'a comma is missing',
  },
  {
    name: 'line comment',
    text: '{\n// pinned for now\n"dependencies":{"a":"1"}}',
    problems: [['invalid-json', 2, 19]],
    dependencies: [['a', '1']],
    says: 'comments are not allowed',
  },
  {
    name: 'block comment',
    text: '{/* x */"dependencies":{"a":"1"}}',
    problems: [['invalid-json', 1, 8]],
    dependencies: [['a', '1']],
    says: 'comments are not allowed',
  },
  {
    name: 'truncated inside a value: the unterminated spec is still read',
    text: '{"dependencies":{"a":"1","b":"^2',
    problems: [['invalid-json', 29, 32], ['invalid-json', 32, 32], ['invalid-json', 32, 32]],
    dependencies: [['a', '1'], ['b', '^2']],
    says: 'a string is not closed',
  },
  {
    name: 'truncated after a colon',
    text: '{"dependencies":{"a":"1","b":',
    problems: [['invalid-json', 29, 29], ['invalid-json', 29, 29], ['invalid-json', 29, 29], ['invalid-dependency', 25, 28]],
    dependencies: [['a', '1']],
    says: 'a value is expected',
  },
  {
    name: 'a byte-order mark before a broken file: offsets still count the mark',
    text: '\uFEFF{"dependencies":{"a":"1" "b":"2"}}',
    problems: [['invalid-json', 26, 29]],
    dependencies: [['a', '1'], ['b', '2']],
    says: 'a comma is missing',
  },
  { name: 'empty file', text: '', problems: [['invalid-json', 0, 0]], dependencies: [], says: 'a value is expected' },
  { name: 'whitespace only', text: '  \n', problems: [['invalid-json', 3, 3]], dependencies: [], says: 'a value is expected' },
  { name: 'root is an array', text: '["a"]', problems: [['invalid-json', 0, 5]], dependencies: [], says: 'must contain a JSON object' },
  { name: 'root is a string', text: '"x"', problems: [['invalid-json', 0, 3]], dependencies: [], says: 'must contain a JSON object' },
  { name: 'root is null', text: 'null', problems: [['invalid-json', 0, 4]], dependencies: [], says: 'must contain a JSON object' },
  {
    name: 'a section that is an array: problem on its key, other sections read',
    text: '{"dependencies":["a"],"devDependencies":{"b":"1"}}',
    problems: [['invalid-dependency', 1, 15]],
    dependencies: [['b', '1']],
    says: '"dependencies" must be an object',
  },
  {
    name: 'a section that is null',
    text: '{"peerDependencies":null}',
    problems: [['invalid-dependency', 1, 19]],
    dependencies: [],
    says: '"peerDependencies" must be an object',
  },
  {
    name: 'a spec that is a number: problem on the value, siblings read',
    text: '{"dependencies":{"a":1,"b":"2"}}',
    problems: [['invalid-dependency', 21, 22]],
    dependencies: [['b', '2']],
    says: 'must be a string',
  },
  {
    name: 'a spec that is an object',
    text: '{"optionalDependencies":{"a":{"version":"1"}}}',
    problems: [['invalid-dependency', 29, 44]],
    dependencies: [],
    says: 'in "optionalDependencies" must be a string',
  },
  {
    name: 'missing colon',
    text: '{"dependencies":{"a" "1","b":"2"}}',
    problems: [['invalid-json', 21, 24], ['invalid-dependency', 17, 20]],
    dependencies: [['b', '2']],
    says: 'a colon is expected',
  },
  {
    name: 'text after the document',
    text: '{"dependencies":{"a":"1"}} x',
    problems: [['invalid-json', 27, 28]],
    dependencies: [['a', '1']],
    says: 'this is not valid JSON',
  },
  {
    name: 'many syntax errors: at most five reported, every entry read',
    text: '{"dependencies":{"a":"1" "b":"2" "c":"3" "d":"4" "e":"5" "f":"6" "g":"7"}}',
    problems: [['invalid-json', 25, 28], ['invalid-json', 33, 36], ['invalid-json', 41, 44], ['invalid-json', 49, 52], ['invalid-json', 57, 60]],
    dependencies: [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5'], ['f', '6'], ['g', '7']],
    says: 'a comma is missing',
  },
];

for (const c of MALFORMED) {
  test(`malformed: ${c.name}`, () => {
    const { value, problems } = parsePackageJson(c.text);
    assert.deepEqual(problems.map((p) => [p.code, p.range.start, p.range.end]), c.problems);
    assert.deepEqual(value.dependencies.map((d) => [d.name, d.spec]), c.dependencies);
    assert.ok(problems[0]?.message.includes(c.says), problems[0]?.message);
    for (const p of problems) {
      assert.equal(p.severity, 'error');
      assert.ok(p.range.start <= p.range.end && p.range.end <= c.text.length, `range inside the text: ${JSON.stringify(p.range)}`);
    }
  });
}

test('problem messages never quote the file', () => {
  const secret = 'npm_Zq8SECRETtoken0000000000000000000';
  const texts = [
    `{"dependencies":{"${secret}":1}}`,
    `{"dependencies":{"a":"${secret}" "b":"1"}}`,
    `{\n// ${secret}\n"dependencies":{"a":"1"}}`,
    `{"dependencies":["${secret}"]}`,
    `["${secret}"]`,
    `{"dependencies":{"a":"${secret}`,
    `{"dependencies":{"a":"1"}} ${secret}`,
    `{"${secret}":{"a":"1",}}`,
  ];
  for (const text of texts) {
    const { problems } = parsePackageJson(text);
    assert.ok(problems.length > 0, `a problem for ${JSON.stringify(text)}`);
    for (const p of problems) assert.ok(!p.message.includes('Zq8SECRET'), `message quotes the file: ${p.message}`);
  }
});

test('the package name is read only when it is a string', () => {
  assert.equal(parsePackageJson('{"name":"ok","dependencies":{}}').value.name, 'ok');
  assert.equal(parsePackageJson('{"name":42}').value.name, undefined);
  assert.deepEqual(parsePackageJson('{"name":"x"}').value.dependencies, []);
});
