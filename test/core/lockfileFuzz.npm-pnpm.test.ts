/**
 * Fuzz: thousands of mutated copies of the real npm and pnpm fixture lockfiles (characters replaced,
 * inserted and deleted, lines swapped and repeated, conflict markers, truncation) go through the
 * parsers. None may throw or take long, and every range they return must lie inside the text, every
 * edge and importer must point at a package. Fixed seeds: the same inputs on every run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseNpmLock } from '../../server/src/core/parse/npmLock';
import { MAX_ENTRY_PROBLEMS } from '../../server/src/core/parse/npmLockCommon';
import { parsePnpmLock } from '../../server/src/core/parse/pnpmLock';
import type { ParsedLockfile } from '../../server/src/core/lockfile/types';

const LOCKS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lockfiles');
const read = (path: string): string => readFileSync(join(LOCKS, path), 'utf8');

const NPM = ['npm/app-v1/package-lock.json', 'npm/app-v2/package-lock.json', 'npm/app-v3/package-lock.json', 'npm/workspaces-v3/package-lock.json', 'npm/workspaces-v2/npm-shrinkwrap.json'].map(read);
const PNPM = ['pnpm/app-v9/pnpm-lock.yaml', 'pnpm/app-v6/pnpm-lock.yaml', 'pnpm/app-v5/pnpm-lock.yaml', 'pnpm/workspaces-v9/pnpm-lock.yaml', 'pnpm/workspaces-v6/pnpm-lock.yaml'].map(read);

/** Characters and snippets that matter to JSON and YAML, plus a BOM, a lone surrogate and non-ASCII. */
const SNIPPETS = [
  '{', '}', '[', ']', '"', "'", ':', ': ', ',', '\n', '\r\n', '\r', ' ', '  ', '\t', '#', ' #', '-', '- ', '\\', '\\u', '\u0000',
  '\uFEFF', '\uD800', 'é', '😀', '&a', '*a', '!!str', '|', '>', '? ', '---\n', '...\n', '<<<<<<< HEAD\n', '=======\n', '>>>>>>> x\n',
  'null', 'true', '1e999', '"node_modules/x": {"version": 1}', '{"version":"1.0.0"}', '(react@18.3.1)', 'link:../x', 'file:', '/', '@',
  'resolution: {integrity: sha512-x}', '    dependencies:\n', 'lockfileVersion: 9\n', '"lockfileVersion": 7,',
];

type Mutation =
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'repeatLine'; a: number };

const position = fc.nat({ max: 1_000_000 });
const snippet = fc.constantFrom(...SNIPPETS);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: position, text: snippet }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: snippet }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('swapLines' as const), a: position, b: position }),
  fc.record({ kind: fc.constant('repeatLine' as const), a: position }),
);

function apply(text: string, m: Mutation): string {
  const at = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.kind) {
    case 'replace':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at) + 1);
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'swapLines':
    case 'repeatLine': {
      const lines = text.split('\n');
      const a = m.a % lines.length;
      const b = m.kind === 'swapLines' ? m.b % lines.length : a;
      const first = lines[a] as string;
      if (m.kind === 'repeatLine') lines.splice(a, 0, first);
      else {
        lines[a] = lines[b] as string;
        lines[b] = first;
      }
      return lines.join('\n');
    }
  }
}

/** A generous bound: a fixture parses in about a millisecond; this only catches runaway loops. */
const MAX_MS = 250;

function check(text: string, parse: (text: string) => ParsedLockfile): void {
  const started = performance.now();
  const { value, problems } = parse(text);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < MAX_MS, `took ${elapsed.toFixed(0)} ms`);
  const inside = (r: { start: number; end: number }): boolean => Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.start <= r.end && r.end <= text.length;
  assert.ok(problems.length <= MAX_ENTRY_PROBLEMS + 3, `${problems.length} problems`);
  for (const problem of problems) {
    assert.ok(inside(problem.range), `problem range ${JSON.stringify(problem.range)} in ${text.length}`);
    assert.equal(typeof problem.message, 'string');
  }
  const count = value.packages.length;
  for (const pkg of value.packages) {
    assert.ok(inside(pkg.range), `package range ${JSON.stringify(pkg.range)} in ${text.length}`);
    assert.equal(typeof pkg.name, 'string');
    assert.equal(typeof pkg.version, 'string');
    for (const dep of pkg.dependencies) assert.ok(Number.isInteger(dep) && dep >= 0 && dep < count, `edge ${dep}`);
  }
  for (const importer of value.importers) {
    for (const dep of importer.dependencies) assert.ok(Number.isInteger(dep.package) && dep.package >= 0 && dep.package < count, `importer edge ${dep.package}`);
  }
}

for (const [label, seeds, parse, seed] of [
  ['package-lock.json', NPM, parseNpmLock, 20240611],
  ['pnpm-lock.yaml', PNPM, parsePnpmLock, 20240612],
] as const) {
  test(`fuzz ${label}: 2,500 mutated fixtures never throw, stay fast, and keep every range inside the text`, () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (which, mutations) => {
        const text = mutations.reduce(apply, seeds[which] as string);
        check(text, parse);
      }),
      { seed, numRuns: 2500 },
    );
  });
}

test('fuzz: every truncation of one fixture of each format', () => {
  for (const [text, parse] of [
    [NPM[2] as string, parseNpmLock],
    [PNPM[0] as string, parsePnpmLock],
  ] as const) {
    for (let cut = 0; cut <= text.length; cut += 7) check(text.slice(0, cut), parse);
  }
});

test('fuzz: random text of each format’s alphabet', () => {
  const alphabet = fc.constantFrom(...SNIPPETS, 'a', 'b', '1', '.', '@', 'node_modules/', 'packages', 'snapshots', 'importers', 'version', '  ', '\n  ');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 200 }), (parts) => {
      const text = parts.join('');
      check(text, parseNpmLock);
      check(text, parsePnpmLock);
    }),
    { seed: 7, numRuns: 1500 },
  );
});
