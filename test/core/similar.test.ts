/**
 * similar/: the edit distance, the pigeonhole index (checked against brute force), and which high-impact
 * name a declared name imitates — on a small list for exact answers, and on the real npm-high-impact list
 * for the promise that matters most: no listed package is ever flagged, and real squats are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FuzzyIndex, osaDistance } from '../../server/src/core/similar/fuzzyIndex';
import { HighImpactIndex, type NameMatch } from '../../server/src/core/similar/highImpact';

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

test('FuzzyIndex finds exactly the texts brute force finds (Levenshtein within budget, same first letter), never more', () => {
  const next = random(7);
  const word = (length: number): string => Array.from({ length }, () => 'abcde'[Math.floor(next() * 5)]).join('');
  const budget = (length: number): number => (length >= 10 ? 2 : length >= 5 ? 1 : 0);
  const texts = Array.from({ length: 400 }, () => word(3 + Math.floor(next() * 10)));
  const index = new FuzzyIndex(texts.map((t, i) => [i, t] as const), budget);
  for (let q = 0; q < 300; q++) {
    // Queries near list entries (a few random edits) and unrelated ones.
    let query = q % 2 === 0 ? (texts[Math.floor(next() * texts.length)] as string) : word(3 + Math.floor(next() * 10));
    for (let e = Math.floor(next() * 3); e > 0; e--) {
      const at = Math.floor(next() * query.length);
      query = next() < 0.5 ? query.slice(0, at) + word(1) + query.slice(at + 1) : query.slice(0, at) + word(1) + query.slice(at);
    }
    const found = index.near(query, (id) => texts[id] as string);
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
