/**
 * similar/: the edit distance, the pigeonhole index (checked against brute force), and which high-impact
 * name a declared name imitates — on a small list for exact answers, and on the real npm-high-impact list
 * for the promise that matters most: no listed package is ever flagged, and real squats are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FuzzyIndex, osaDistance } from '../../server/src/core/similar/fuzzyIndex';
import { HighImpactIndex, type NameLookup, type NameMatch } from '../../server/src/core/similar/highImpact';
import { buildTables, decodeTables, encodeTables, TableLookup } from '../../server/src/core/similar/nameTables';
import { glyphName, isGlyph, plainName, splitScope } from '../../server/src/core/similar/names';
import { highImpactIndex } from '../../server/src/node/highImpact';
import { NAMES, TABLES } from '../../server/src/node/highImpactData';
import { highImpactModule } from '../../server/src/node/highImpactModule';
import { MapLookup, PigeonholeIndex } from './similarReference';

const DISTANCES: Array<[string, string, number, number]> = [
  ['react', 'react', 2, 0],
  ['react', 'raect', 2, 1], // a swap is one edit
  ['react', 'reat', 2, 1],
  ['react', 'reactt', 2, 1],
  ['react', 'rezct', 2, 1],
  ['lodash', 'lodahs', 2, 1],
  ['ca', 'abc', 3, 3], // optimal string alignment: no editing a swapped pair again
  ['express', 'exprss', 1, 1],
  ['kitten', 'sitting', 1, 2], // beyond max: max + 1
  ['a', 'abcd', 1, 2],
];
for (const [a, b, max, expected] of DISTANCES) {
  test(`osaDistance(${a}, ${b}, max ${max}) = ${expected}`, () => assert.equal(osaDistance(a, b, max), expected));
}

/** A seeded generator, so the comparison with brute force is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Plain Levenshtein distance, for the brute-force side. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const sortedEntries = <K>(map: ReadonlyMap<K, number>): Array<[K, number]> => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// Budgets by length: npm's (1 edit from 5 characters, 2 from 10) and one that is not monotone.
const BUDGETS: Array<[string, (length: number) => number]> = [
  ['by length', (length) => (length >= 10 ? 2 : length >= 5 ? 1 : 0)],
  ['not monotone', (length) => (length % 3 === 0 ? 0 : length % 3 === 1 ? 2 : 1)],
];
for (const [name, budget] of BUDGETS) {
  test(`FuzzyIndex finds what the pigeonhole map finds, budget ${name}`, () => {
    const next = random(3);
    const word = (length: number): string => Array.from({ length }, () => 'abc'[Math.floor(next() * 3)]).join('');
    const texts = Array.from({ length: 300 }, () => word(1 + Math.floor(next() * 12)));
    const text = (id: number): string => texts[id] as string;
    const index = new FuzzyIndex(FuzzyIndex.tables(texts.keys(), text), text, budget);
    const reference = new PigeonholeIndex(new Map(texts.entries()), budget);
    for (let q = 0; q < 400; q++) {
      const query = q % 2 === 0 ? word(1 + Math.floor(next() * 13)) : text(q >> 1).slice(1, 2) + text(q >> 1).slice(0, 1) + text(q >> 1).slice(2);
      assert.deepEqual(sortedEntries(index.near(query)), sortedEntries(reference.near(query)), query);
    }
  });
}

const GLYPHS: Array<[string, string, boolean]> = [
  ['lodash', 'lodash', true],
  ['LoDash', 'lodash', true],
  ['@types/node', 'typesnode', true],
  ['l0dash', 'lodash', true],
  ['lodash', 'lodas', false],
  ['lodas', 'lodash', false],
  ['\u212aoa', 'koa', true], // Kelvin sign: not ASCII, lower-cases to k
  ['ko\u212a', 'kok', true],
  ['k\u00e9', 'ke', false],
  ['\u0130nk', 'i\u0307nk', true], // dotted capital I lower-cases to two code units
];
for (const [name, key, expected] of GLYPHS) {
  test(`isGlyph(${name}, ${key}) = ${expected}, as glyphName says`, () => {
    assert.equal(glyphName(name) === key, expected);
    assert.equal(isGlyph(name, key), expected);
  });
}

test('FuzzyIndex finds exactly the texts brute force finds (Levenshtein within budget, same first letter), never more', () => {
  const next = random(7);
  const word = (length: number): string => Array.from({ length }, () => 'abcde'[Math.floor(next() * 5)]).join('');
  const budget = (length: number): number => (length >= 10 ? 2 : length >= 5 ? 1 : 0);
  const texts = Array.from({ length: 400 }, () => word(3 + Math.floor(next() * 10)));
  const text = (id: number): string => texts[id] as string;
  const index = new FuzzyIndex(FuzzyIndex.tables(texts.keys(), text), text, budget);
  const reference = new PigeonholeIndex(new Map(texts.entries()), budget);
  for (let q = 0; q < 300; q++) {
    // Queries near list entries (a few random edits) and unrelated ones.
    let query = q % 2 === 0 ? (texts[Math.floor(next() * texts.length)] as string) : word(3 + Math.floor(next() * 10));
    for (let e = Math.floor(next() * 3); e > 0; e--) {
      const at = Math.floor(next() * query.length);
      query = next() < 0.5 ? query.slice(0, at) + word(1) + query.slice(at + 1) : query.slice(0, at) + word(1) + query.slice(at);
    }
    const found = index.near(query);
    assert.deepEqual(sortedEntries(found), sortedEntries(reference.near(query)), `${query}: as the pigeonhole map finds`);
    texts.forEach((text, id) => {
      const k = budget(text.length);
      const osa = osaDistance(query, text, k);
      if (found.has(id)) assert.equal(found.get(id), osa, `${query} ~ ${text}`);
      const expected = k > 0 && text !== query && text[0] === query[0] && levenshtein(query, text) <= k;
      if (expected) assert.ok(found.has(id), `${query} should find ${text} (Levenshtein ${levenshtein(query, text)}, budget ${k})`);
      if (found.has(id)) assert.ok(osa >= 1 && osa <= k, `${query} found ${text} at distance ${osa}`);
    });
  }
});

const LIST = ['lodash', 'react', 'react-dom', 'cross-env', '@types/node', '@azure/core-tracing', 'jquery', 'd3', 'is-number', 'preact', 'mkdirp', 'zustand', 'eslint-config-xo', '@typescript-eslint/parser', 'typescript', 'ms'];
const SMALL = new HighImpactIndex(LIST);
const m = (intended: string, technique: NameMatch['technique'], distance = 0): NameMatch => ({ intended, technique, distance, rank: LIST.indexOf(intended) });

const MATCHES: Array<[string, NameMatch | undefined]> = [
  ['crossenv', m('cross-env', 'separators')],
  ['cross_env', m('cross-env', 'separators')],
  ['Cross.Env', m('cross-env', 'separators')],
  ['types-node', m('@types/node', 'scope')],
  ['typesnode', m('@types/node', 'scope')],
  ['@lo/dash', m('lodash', 'scope')],
  ['l0dash', m('lodash', 'homoglyph')],
  ['is-nunber', m('is-number', 'edit', 1)],
  ['jquery.js', m('jquery', 'affix')],
  ['jquery-js', m('jquery', 'affix')],
  ['node-jquery', m('jquery', 'affix')],
  ['d3.js', m('d3', 'affix')],
  ['core-tracing', m('@azure/core-tracing', 'missing-scope')],
  ['@lodash/lodash', m('lodash', 'scope-name')],
  ['@lodashjs/lodash', m('lodash', 'scope-name')],
  ['@typescript_eslint/parser', m('@typescript-eslint/parser', 'separators')],
  ['@typescript-eslnit/parser', m('@typescript-eslint/parser', 'scope-typo', 1)],
  ['raect', m('react', 'edit', 1)],
  ['reactt', m('react', 'edit', 1)],
  ['lodahs', m('lodash', 'edit', 1)],
  ['react-don', m('react-dom', 'edit', 1)],
  ['typescirpt', m('typescript', 'edit', 1)],
  ['tpyescritp', m('typescript', 'edit', 2)],
  // Negatives: listed names, owned scopes, deliberate names, short names, other words.
  ['react', undefined],
  ['preact', undefined],
  ['react-dom', undefined],
  ['@types/nodee', undefined],
  ['@azure/core-tracingg', undefined],
  ['mkdirp2', undefined],
  ['zustand-x', undefined],
  ['eslint-config-bod', undefined],
  ['msx', undefined],
  ['rect', undefined],
  ['xeact', undefined],
  ['tracing', undefined],
  ['@acme/utils', undefined],
];
for (const [name, expected] of MATCHES) {
  test(`HighImpactIndex.match(${name}) → ${expected ? `${expected.intended} (${expected.technique})` : 'nothing'}`, () => {
    assert.deepEqual(SMALL.match(name), expected);
  });
}

test('the most popular candidate wins when several match', () => {
  const index = new HighImpactIndex(['babel-cli', '@babel/cli']);
  assert.deepEqual(index.match('babelcli'), { intended: 'babel-cli', technique: 'separators', distance: 0, rank: 0 });
});

/** npm-high-impact is ESM-only: loaded the way the runtime loads it. */
async function realList(): Promise<readonly string[]> {
  return (await import('npm-high-impact')).npmHighImpact;
}

test('real list: no high-impact package is flagged against another (preact/react, chalk/chalk-template, colors/color, …)', async () => {
  const names = await realList();
  const index = new HighImpactIndex(names);
  assert.ok(index.size > 10_000, `${index.size} names`);
  const flagged = names.filter((name) => index.match(name) !== undefined);
  assert.deepEqual(flagged, []);
});

const REAL: Array<[string, string | undefined]> = [
  ['crossenv', 'cross-env'], // 2017: stole npm tokens
  ['raect', 'react'],
  ['lodahs', 'lodash'],
  ['l0dash', 'lodash'],
  ['mongose', 'mongoose'], // 2017 campaign
  ['electorn', 'electron'],
  ['nodemailer-js', 'nodemailer'], // 2017 campaign
  ['jquery.js', 'jquery'], // 2017 campaign
  ['d3.js', 'd3'], // 2017 campaign
  ['mssql-node', 'mssql'], // 2017 campaign
  ['types-node', '@types/node'],
  ['core-tracing', '@azure/core-tracing'], // 2022 @azure campaign
  ['@typess/node', '@types/node'],
  ['discordjs', 'discord.js'],
  ['chalks', 'chalk'],
  ['react-don', 'react-dom'],
  ['typescirpt', 'typescript'],
  ['@types/nodee', undefined],
  ['zustand-x', undefined],
  ['mkdirp2', undefined],
  ['my-company-internal-tool', undefined],
];
test('real list: recorded squats are found with the package they imitate; deliberate names are not', async () => {
  const index = new HighImpactIndex(await realList());
  assert.deepEqual(
    REAL.map(([name]) => [name, index.match(name)?.intended]),
    REAL.map(([name, intended]) => [name, intended]),
  );
});

/** The list as shipped (highImpactData.ts) and its tables, read the way the adapter reads them. */
function shipped(): { names: string[]; lookup: TableLookup } {
  const names = NAMES.split('\n');
  const tables = decodeTables(Buffer.from(TABLES, 'base64'));
  assert.ok(tables, 'the shipped tables decode');
  return { names, lookup: new TableLookup(names, tables) };
}

test('shipped data: regenerating highImpactData.ts from the installed npm-high-impact gives the same bytes', async () => {
  const names = await realList();
  assert.deepEqual(NAMES.split('\n'), names, 'the shipped names are the installed list');
  const same = highImpactModule(names) === readFileSync(join(__dirname, '..', '..', '..', 'server', 'src', 'node', 'highImpactData.ts'), 'utf8');
  assert.ok(same, 'highImpactData.ts is stale: run node scripts/generate-high-impact.mjs');
});

// Names npm no longer accepts but old lists hold (upper case, non-ASCII), a repeat, odd scopes.
const ODD = ['JSONStream', 'jsonstream', 'K\u212aoa', '\u0130nk', 'lodash', 'lodash', 'l0dash', '@a/b', '@/x', '@', '@scope', '@Types/Node', 'express-session', '@my/express-session'];
const ODD_QUERIES = [...ODD, 'jsonStream', 'kkoa', 'i\u0307nk', 'lodahs', 'l0dahs', 'LODASH', '@a/bb', '@aa/b', '@b/a', 'express-sesion', 'expressession', '@types/node', '@my/express-sesion', 'my-express-session', ''];

test('tables built at run time answer like the maps for odd lists (case, non-ASCII, repeats, odd scopes)', () => {
  const fast = new TableLookup(ODD, buildTables(ODD));
  const reference = new MapLookup(ODD);
  assert.equal(fast.size, reference.size);
  for (const query of ODD_QUERIES) {
    for (const [question, ask] of QUESTIONS) assert.deepEqual(ask(fast, query), ask(reference, query), `${question}(${query})`);
    assert.deepEqual(new HighImpactIndex(ODD).match(query), new HighImpactIndex(ODD, reference).match(query), `match(${query})`);
  }
});

test('tables: encoded and decoded unchanged; bytes in another format are refused', () => {
  const tables = buildTables([...LIST, 'lodash', '@azure/core-auth']);
  assert.deepEqual(decodeTables(encodeTables(tables)), tables);
  assert.equal(decodeTables(Uint8Array.of(9, 0, 0, 0)), undefined);
  assert.equal(decodeTables(encodeTables(tables).slice(0, 40)), undefined);
});

/**
 * Slips and tricks applied at a seeded place (`at` < length, `char` from a typist's alphabet): every
 * list name is asked about as itself and as three of these, in turn.
 */
const VARIANTS: Array<[string, (name: string, at: number, char: string) => string]> = [
  ['deletion', (n, at) => n.slice(0, at) + n.slice(at + 1)],
  ['insertion', (n, at, c) => n.slice(0, at) + c + n.slice(at)],
  ['substitution', (n, at, c) => n.slice(0, at) + c + n.slice(at + 1)],
  ['swap', (n, at) => n.slice(0, at) + n.slice(at + 1, at + 2) + n.slice(at, at + 1) + n.slice(at + 2)],
  ['first two swapped', (n) => n.slice(1, 2) + n.slice(0, 1) + n.slice(2)],
  ['two edits', (n, at, c) => n.slice(0, at) + c + n.slice(at + 2, -1) + c],
  ['scope dropped or added', (n) => splitScope(n)?.bare ?? `@${n}/${n}`],
  ['scope edited', (n, at, c) => {
    const parts = splitScope(n);
    return parts ? `@${parts.scope.slice(0, at) + c + parts.scope.slice(at)}/${parts.bare}` : `@${c}${n}/${n}`;
  }],
  ['case and separators', (n, at) => n.slice(0, at).toUpperCase() + n.slice(at).replace(/[-.]/g, '_')],
  ['look-alike digits', (n) => n.replace(/o/g, '0').replace(/l/g, '1')],
  ['js/node affix', (n, at) => (at % 2 === 0 ? `${n}.js` : `node-${n}`)],
];
// Mostly what npm names are made of, plus upper case and non-ASCII (Kelvin sign: lower-cases to k).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-._abcdeilnorstAZé\u212a';

/** What a lookup answers about a query, per question the rules ask. */
const QUESTIONS: Array<[string, (lookup: NameLookup, query: string) => unknown]> = [
  ['idOf', (l, q) => l.idOf(q)],
  ['ownsScope', (l, q) => l.ownsScope(splitScope(q)?.scope ?? q)],
  ['withGlyph', (l, q) => [...l.withGlyph(glyphName(q))].sort((a, b) => a - b)],
  ['withBare', (l, q) => [...l.withBare(q.toLowerCase())].sort((a, b) => a - b)],
  ['nearUnscoped', (l, q) => sortedEntries(l.nearUnscoped(plainName(q)))],
  ['nearScopes', (l, q) => sortedEntries(l.nearScopes(plainName(splitScope(q)?.scope ?? q)))],
];

test('shipped tables answer every question exactly as maps built from the names do (every name and three variants of it)', async () => {
  const { names, lookup } = shipped();
  const reference = new MapLookup(names);
  const fast = await highImpactIndex();
  const slow = new HighImpactIndex(names, reference);
  assert.equal(lookup.size, reference.size);
  const next = random(11);
  const differences: string[] = [];
  let asked = 0;
  for (const [index, name] of names.entries()) {
    const variants = [0, 1, 2].map((i) => VARIANTS[(3 * index + i) % VARIANTS.length] as (typeof VARIANTS)[number]);
    for (const [variant, edit] of [['itself', (n: string) => n] as const, ...variants]) {
      const query = edit(name, Math.floor(next() * name.length), ALPHABET[Math.floor(next() * ALPHABET.length)] as string);
      asked++;
      for (const [question, ask] of QUESTIONS) {
        if (!isDeepStrictEqual(ask(lookup, query), ask(reference, query))) differences.push(`${question}(${query}) [${variant} of ${name}]`);
      }
      if (!isDeepStrictEqual(fast.match(query), slow.match(query))) differences.push(`match(${query}) [${variant} of ${name}]`);
    }
  }
  assert.ok(asked > 60_000, `${asked} queries`);
  assert.deepEqual(differences.slice(0, 20), []);
});
