/**
 * The yarn.lock TextMate grammar (syntaxes/yarnlock.tmLanguage.json) against the recorded lockfiles of
 * both Yarn generations: every line is a comment, an entry key, or a field, and the parts land in the
 * intended scopes. Its patterns use only syntax JavaScript's RegExp shares with Oniguruma, so they are
 * run here directly (VS Code's own engine needs a WebAssembly build we do not ship for tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fileRegistry';

const ROOT = join(FIXTURES, '..', '..');
const grammar = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'yarnlock.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  repository: Record<string, { match?: string; begin?: string; end?: string }>;
};
const re = (source: string | undefined): RegExp => new RegExp(source ?? '(?!)');
const comment = re(grammar.repository.comment?.match);
const conflict = re(grammar.repository['conflict-marker']?.match);
const keyStart = re(grammar.repository['entry-key']?.begin);
const keyEnd = re(grammar.repository['entry-key']?.end);
const field = re(grammar.repository.field?.match);

function yarnLocks(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yarnLocks(path);
    return name === 'yarn.lock' ? [path] : [];
  });
}

const files = yarnLocks(join(FIXTURES, 'lockfiles'));

test('there are Yarn 1 and Yarn 2+ lockfiles to check the grammar on', () => {
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  assert.ok(texts.some((text) => text.includes('# yarn lockfile v1')));
  assert.ok(texts.some((text) => text.includes('__metadata:')));
});

for (const file of files) {
  test(`every line of ${file.slice(FIXTURES.length + 1)} is a comment, an entry key or a field`, () => {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const ok = comment.test(line) || conflict.test(line) || (keyStart.test(line) && keyEnd.test(line)) || field.test(line);
      assert.ok(ok, `line ${index + 1} is not recognised`);
    });
  });
}

const CASES: Array<{ line: string; kind: 'key' | 'field' | 'comment' | 'conflict'; property?: string; value?: string }> = [
  { line: '"@babel/core@^7.0.0", "@babel/core@^7.1.0":', kind: 'key' },
  { line: 'lodash@^4.17.21:', kind: 'key' },
  { line: '"lodash@npm:^4.17.21":', kind: 'key' },
  { line: '  version "4.17.21"', kind: 'field', property: 'version', value: '"4.17.21"' },
  { line: '  version: 4.17.21', kind: 'field', property: 'version', value: '4.17.21' },
  { line: '    "@types/node" "*"', kind: 'field', property: '"@types/node"', value: '"*"' },
  { line: '  dependencies:', kind: 'field', property: 'dependencies' },
  { line: '# yarn lockfile v1', kind: 'comment' },
  { line: '<<<<<<< HEAD', kind: 'conflict' },
];

for (const c of CASES) {
  test(`grammar: ${c.line.trim()}`, () => {
    if (c.kind === 'comment') return assert.ok(comment.test(c.line));
    if (c.kind === 'conflict') return assert.ok(conflict.test(c.line));
    if (c.kind === 'key') return assert.ok(keyStart.test(c.line) && keyEnd.test(c.line) && !field.test(c.line));
    const match = field.exec(c.line);
    assert.ok(match, 'a field');
    assert.equal(match[2], c.property);
    assert.equal(match[4], c.value);
  });
}

test('the grammar is contributed for yarn.lock files', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { languages: Array<{ id: string; filenames?: string[] }>; grammars: Array<{ language: string; scopeName: string; path: string }> };
  };
  const language = manifest.contributes.languages.find((l) => l.filenames?.includes('yarn.lock'));
  assert.ok(language, 'a language for yarn.lock');
  const contributed = manifest.contributes.grammars.find((g) => g.language === language.id);
  assert.equal(contributed?.scopeName, grammar.scopeName);
  assert.equal(contributed?.path, './syntaxes/yarnlock.tmLanguage.json');
});
