/**
 * Fuzzing parse/yarnLock with fast-check (fixed seed): thousands of mutated, truncated and spliced
 * versions of the yarn.lock fixtures, plus random text made of the characters that matter to the two
 * formats. Whatever the input: no throw, a bounded time, every offset inside the text, every index
 * inside the package list, at most MAX_PROBLEMS problems. Also a few pathological shapes (very deep
 * indentation, one huge line, one entry with very many dependencies) that must stay linear.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { findYarnEntry, parseYarnLock } from '../../server/src/core/parse/yarnLock';
import { MAX_PROBLEMS } from '../../server/src/core/parse/yarnLockSyntax';
import type { ParsedLockfile } from '../../server/src/core/lockfile/types';

const LOCKS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lockfiles');
const FIXTURES = ['yarn-classic/app', 'yarn-classic/workspaces', 'yarn-berry/app', 'yarn-berry/app-v6', 'yarn-berry/workspaces'].map((dir) => readFileSync(join(LOCKS, dir, 'yarn.lock'), 'utf8'));

const SEED = 20240611;
/** Per parse of a fixture-sized input; generous so a loaded machine does not make it flaky. */
const BOUND_MS = 250;

/** Everything a consumer may rely on, whatever the input. */
function assertWellFormed(text: string, parsed: ParsedLockfile): void {
  const { value, problems } = parsed;
  const inside = (r: { start: number; end: number }): boolean => Number.isInteger(r.start) && Number.isInteger(r.end) && 0 <= r.start && r.start <= r.end && r.end <= text.length;
  assert.ok(value.kind === 'yarn-classic' || value.kind === 'yarn-berry');
  assert.equal(typeof value.version, 'string');
  assert.ok(problems.length <= MAX_PROBLEMS);
  for (const p of problems) assert.ok(inside(p.range), `problem range ${JSON.stringify(p.range)}`);
  const count = value.packages.length;
  for (const pkg of value.packages) {
    assert.ok(inside(pkg.range), `package range ${JSON.stringify(pkg.range)}`);
    assert.equal(text.slice(pkg.range.start, pkg.range.end), pkg.key);
    assert.equal(typeof pkg.version, 'string');
    assert.equal(typeof pkg.name, 'string');
    for (const d of pkg.dependencies) assert.ok(Number.isInteger(d) && d >= 0 && d < count);
  }
  for (const importer of value.importers) for (const d of importer.dependencies) assert.ok(d.package >= 0 && d.package < count);
  for (const pkg of value.packages.slice(0, 5)) {
    const found = findYarnEntry(value, pkg.name, '^1.0.0');
    assert.ok(found === undefined || (found >= 0 && found < count));
  }
}

function timedParse(text: string): ParsedLockfile {
  const start = performance.now();
  const parsed = parseYarnLock(text);
  const elapsed = performance.now() - start;
  assert.ok(elapsed < BOUND_MS, `parsed ${text.length} characters in ${elapsed.toFixed(1)} ms`);
  return parsed;
}

/** Characters that steer either format: indentation, quotes, separators, YAML indicators, markers. */
const SIGNIFICANT = [' ', ' ', '  ', '\t', '\n', '\r\n', '\r', ':', ': ', '"', "'", '\\', ',', ', ', '#', '-', '- ', '?', '? ', '[', ']', '{', '}', '&', '*', '!', '|', '>', '@', '^', '~', 'a', 'z', '0', '9', 'true', 'false', '\uFEFF', '😀', '<<<<<<<', '=======', '>>>>>>>', '__metadata:', 'version', 'resolution', 'dependencies:', 'npm:', 'workspace:.', 'patch:', '::locator='];
const fragment = fc.array(fc.constantFrom(...SIGNIFICANT), { maxLength: 6 }).map((parts) => parts.join(''));

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'deleteLine' | 'duplicateLine'; line: number }
  | { kind: 'indent'; line: number; delta: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'conflict'; line: number; span: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fragment }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), delta: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('conflict' as const), line: fc.nat(), span: fc.integer({ min: 0, max: 12 }) }),
);

function mutate(text: string, m: Mutation): string {
  const at = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  const lines = text.split('\n');
  const line = (n: number): number => n % lines.length;
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'deleteLine':
      lines.splice(line(m.line), 1);
      return lines.join('\n');
    case 'duplicateLine':
      lines.splice(line(m.line), 0, lines[line(m.line)] ?? '');
      return lines.join('\n');
    case 'indent': {
      const i = line(m.line);
      const current = lines[i] ?? '';
      lines[i] = m.delta >= 0 ? ' '.repeat(m.delta) + current : current.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      return lines.join('\n');
    }
    case 'swapLines': {
      const [a, b] = [line(m.a), line(m.b)];
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'conflict': {
      const i = line(m.line);
      const ours = lines.slice(i, i + m.span);
      lines.splice(i, m.span, '<<<<<<< HEAD', ...ours, '=======', ...ours.map((l) => l.replace(/\d/, '7')), '>>>>>>> branch');
      return lines.join('\n');
    }
  }
}

test('mutated fixtures: no throw, bounded time, offsets inside the text, indices inside the packages', () => {
  fc.assert(
    fc.property(fc.nat(FIXTURES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
      const text = mutations.reduce(mutate, FIXTURES[which] as string);
      assertWellFormed(text, timedParse(text));
    }),
    { seed: SEED, numRuns: 2500 },
  );
});

test('fixtures cut at every kind of place still yield their leading entries', () => {
  fc.assert(
    fc.property(fc.nat(FIXTURES.length - 1), fc.nat(), (which, cut) => {
      const full = FIXTURES[which] as string;
      const text = full.slice(0, cut % (full.length + 1));
      const parsed = timedParse(text);
      assertWellFormed(text, parsed);
      const intact = parseYarnLock(full).value.packages;
      // Every entry that ends (blank line included) before the cut is still there.
      const complete = intact.filter((p) => full.indexOf('\n\n', p.range.end) + 1 < text.length && full.indexOf('\n\n', p.range.end) >= 0);
      for (const pkg of complete) assert.ok(parsed.value.packages.some((q) => q.key === pkg.key && q.version === pkg.version), `${pkg.key} survives the cut`);
    }),
    { seed: SEED + 1, numRuns: 800 },
  );
});

test('random text made of the significant characters: no throw, well-formed result', () => {
  const text = fc.array(fc.oneof(fragment, fc.string({ maxLength: 5 })), { maxLength: 120 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, fc.boolean(), (body, asBerry) => {
      const input = asBerry ? `__metadata:\n  version: 8\n${body}` : `# yarn lockfile v1\n${body}`;
      assertWellFormed(input, timedParse(input));
    }),
    { seed: SEED + 2, numRuns: 1500 },
  );
});

test('pathological shapes stay linear', () => {
  const deep = `# yarn lockfile v1\na@^1:\n${Array.from({ length: 5000 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')}\n`;
  const wide = `__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: ${'1'.repeat(1_000_000)}\n`;
  const manyDeps = `# yarn lockfile v1\na@^1:\n  version "1.0.0"\n  dependencies:\n${Array.from({ length: 50_000 }, (_, i) => `    d${i} "^1"`).join('\n')}\n`;
  const manyBerryDeps = `__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n  dependencies:\n${Array.from({ length: 50_000 }, (_, i) => `    d${i}: "npm:^1"`).join('\n')}\n`;
  const noNewlines = `__metadata:${' x'.repeat(500_000)}`;
  for (const text of [deep, wide, manyDeps, manyBerryDeps, noNewlines]) {
    const start = performance.now();
    const parsed = parseYarnLock(text);
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 3000, `${text.length} characters in ${elapsed.toFixed(0)} ms`);
    assertWellFormed(text, parsed);
  }
});
