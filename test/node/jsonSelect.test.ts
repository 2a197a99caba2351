/**
 * The streaming JSON reader: it must accept exactly what JSON.parse accepts, mean what JSON.parse
 * means, and not care where the chunks split.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSelectReader, type ObjectSelector, type Selector } from '../../server/src/node/jsonSelect';

/** Feeds `text` in chunks of `size` bytes (or split once at `splitAt`). */
function read(text: string | Buffer, selector: Selector, chunking: { size?: number; splitAt?: number } = {}, maxDepth?: number) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const reader = new JsonSelectReader(selector, maxDepth);
  const chunks: Buffer[] = [];
  if (chunking.splitAt !== undefined) chunks.push(bytes.subarray(0, chunking.splitAt), bytes.subarray(chunking.splitAt));
  else for (let i = 0, size = chunking.size ?? bytes.length; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  for (const chunk of chunks) if (!reader.write(chunk)) break;
  return reader.end();
}

/** Same value, same own keys in the same order (JSON.stringify would lose an own "__proto__"). */
function sameJson(actual: unknown, expected: unknown, label: string): void {
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), label);
  if (typeof expected === 'object' && expected !== null) {
    assert.deepEqual(Reflect.ownKeys(actual as object), Reflect.ownKeys(expected), label);
    assert.equal(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected), label);
    for (const key of Reflect.ownKeys(expected)) {
      sameJson((actual as Record<string | symbol, unknown>)[key], (expected as Record<string | symbol, unknown>)[key], `${label}.${String(key)}`);
    }
  }
}

const VALID: string[] = [
  '{"a":1}',
  ' [1, 2, {"x": [] , "y":{}}]\n',
  '"str"',
  '-0.5e+10',
  '0',
  '-0',
  '1E3',
  '12.25E-2',
  'true',
  'false',
  'null',
  '{"a" : "\\u00e9\\ud83d\\ude00\\\\\\/\\b\\f\\n\\r\\t\\"" }',
  '{"é":"ü","日本":"語","😀":"😀"}',
  '"\\ud800 lone \\udfff"',
  '{"a\\"b":1,"a\\u0022b":2}',
  '{"a":1,"a":2,"b":[1],"a":3}',
  '{"__proto__":{"x":1},"constructor":2,"toString":[]}',
  '[]',
  '{}',
  '[[[[{"deep":[null]}]]]]',
  '\t\r\n {"spaced"\t:\r\n[ true ,false,null ] } \n',
];

test('JsonSelectReader: a captured root is exactly JSON.parse of it, at every split and in 1-byte chunks', () => {
  for (const text of VALID) {
    const expected: unknown = JSON.parse(text);
    const whole = read(text, 'capture');
    assert.ok(whole.ok, text);
    sameJson(whole.value, expected, text);
    const bytes = Buffer.from(text);
    for (let at = 0; at <= bytes.length; at++) {
      const split = read(bytes, 'capture', { splitAt: at });
      assert.ok(split.ok, `${text} split at ${at}`);
      sameJson(split.value, expected, `${text} split at ${at}`);
    }
    const drip = read(bytes, 'capture', { size: 1 });
    assert.ok(drip.ok);
    sameJson(drip.value, expected, `${text} in 1-byte chunks`);
  }
});

const INVALID: string[] = [
  '', ' ', '{', '{"a"}', '{"a":}', '{"a":1,}', '[1,]', '[1 2]', '{"a":1}}', '{} x', '{}{}', '01', '1.', '-', '1e', '1e+',
  '.5', '+1', '"\\x"', '"\\u12G4"', '"\\u12"', '"a\nb"', '"tab\there"', 'tru', 'nul', 'True', "'a'", '{"a":1]', '[}', '\ufeff{}',
  'NaN', 'Infinity', '{a:1}', '{"a" 1}', '[,1]', '"unterminated', '{"a":"b"', '[1,2', '-01', '1.e5', '{"a":tru}', '/* c */ {}',
];

test('JsonSelectReader: rejects what JSON.parse rejects, with a position and no content', () => {
  for (const text of INVALID) {
    assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse accepts ${JSON.stringify(text)}?`);
    for (const selector of ['capture', { keys: new Map() }] as Selector[]) {
      const result = read(text, selector);
      assert.equal(result.ok, false, JSON.stringify(text));
      if (!result.ok) assert.match(result.error, /^(.+ at byte \d+|it ends before the document is complete)$/, text);
      assert.equal(read(text, selector, { size: 1 }).ok, false, `${JSON.stringify(text)} in 1-byte chunks`);
    }
  }
});

test('JsonSelectReader: every prefix of a valid document is accepted exactly when JSON.parse accepts it', () => {
  for (const text of VALID) {
    for (let length = 0; length < text.length; length++) {
      const prefix = text.slice(0, length);
      let parses = true;
      try {
        JSON.parse(prefix);
      } catch {
        parses = false;
      }
      assert.equal(read(prefix, { keys: new Map() }).ok, parses, JSON.stringify(prefix));
    }
  }
});

const keys = (entries: Record<string, Selector>, other?: Selector): ObjectSelector =>
  other === undefined ? { keys: new Map(Object.entries(entries)) } : { keys: new Map(Object.entries(entries)), other };

const SELECTIONS: Array<[string, ObjectSelector, string, unknown]> = [
  ['unnamed members are skipped, named ones kept', keys({ a: 'capture' }), '{"skip":{"big":[1,{"x":"y"}]},"a":[1,"2"],"z":"zz"}', { a: [1, '2'] }],
  ['a nested selector rebuilds only what it names', keys({ v: keys({}, keys({ k: 'capture' })) }), '{"v":{"1.0":{"k":1,"drop":2},"2.0":{"drop":3}}}', { v: { '1.0': { k: 1 }, '2.0': {} } }],
  ['a non-object where a selector expects one becomes null', keys({ v: keys({ k: 'capture' }) }), '{"v":[{"k":1}]}', { v: null }],
  // Kept members come before rebuilt ones within an object (documented in jsonSelect.ts).
  ['duplicate keys: the last wins, whatever the types', keys({ v: keys({ k: 'capture' }), c: 'capture' }), '{"v":{"k":1},"c":1,"v":"str","c":{"x":2}}', { c: { x: 2 }, v: null }],
  ['duplicate keys: a later object replaces an earlier one', keys({ v: keys({ k: 'capture' }) }), '{"v":5,"v":{"k":[2],"j":0}}', { v: { k: [2] } }],
  ['presence: {} for an object, null for anything else', keys({ p: 'presence', q: 'presence' }), '{"p":{"huge":[1,2,3]},"q":[{}]}', { p: {}, q: null }],
  ['escaped member names are decoded before matching', keys({ 'a"b': 'capture', é: 'capture' }), '{"a\\"b":1,"\\u00e9":2,"ab":3}', { 'a"b': 1, é: 2 }],
  ['numbers, literals and strings are captured as JSON.parse reads them', keys({}, 'capture'), '{"n":-1.5e2,"t":true,"f":false,"z":null,"s":"\\ud83d\\ude00"}', { n: -150, t: true, f: false, z: null, s: '😀' }],
];

test('JsonSelectReader: selection keeps what the selector names, at every split', () => {
  for (const [label, selector, text, expected] of SELECTIONS) {
    for (let at = 0; at <= Buffer.byteLength(text); at++) {
      const result = read(text, selector, { splitAt: at });
      assert.ok(result.ok, label);
      sameJson(result.value, expected, `${label} (split at ${at})`);
    }
  }
});

test('JsonSelectReader: "__proto__" and other Object.prototype names are data, never prototypes', () => {
  const text = '{"versions":{"__proto__":{"k":1},"constructor":{"k":2},"hasOwnProperty":{"k":3}},"__proto__":{"polluted":true}}';
  const result = read(text, keys({ versions: keys({}, keys({ k: 'capture' })), ['__proto__']: 'capture' }), { size: 3 });
  assert.ok(result.ok);
  const value = result.value as Record<string, Record<string, unknown>>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value.versions as object), ['__proto__', 'constructor', 'hasOwnProperty']);
  assert.equal(Object.getPrototypeOf(value.versions), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(value.versions, '__proto__')?.value, { k: 1 });
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: true });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('JsonSelectReader: nesting is bounded (skipped, captured or rebuilt alike)', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  for (const selector of ['capture', keys({})] as Selector[]) {
    const tooDeep = read(`{"a":${deep(600)}}`, selector);
    assert.equal(tooDeep.ok, false);
    assert.match(!tooDeep.ok ? tooDeep.error : '', /^nesting deeper than 512 levels at byte 516$/);
    assert.ok(read(`{"a":${deep(500)}}`, selector).ok);
    assert.ok(read(`{"a":${deep(600)}}`, selector, {}, 700).ok);
  }
});

test('JsonSelectReader: stops at the first error (write returns false) and reports that one', () => {
  const reader = new JsonSelectReader('capture');
  assert.equal(reader.write(Buffer.from('{"a":1,')), true);
  assert.equal(reader.write(Buffer.from('"b":x, "c": !')), false);
  assert.equal(reader.write(Buffer.from('more')), false);
  assert.deepEqual(reader.end(), { ok: false, error: 'unexpected byte where a value should be at byte 11' });
});

/** A small seeded generator (mulberry32) of arbitrary JSON, for agreement with JSON.parse at random splits. */
function randomJson(seed: number): () => { text: string; split: number[] } {
  let state = seed;
  const rand = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pieces = ['a', 'é', '😀', '\\n', '\\"', '\\u0041', '\\ud83d', ' ', '__proto__', '日'];
  const str = (): string => `"${Array.from({ length: Math.floor(rand() * 6) }, () => pieces[Math.floor(rand() * pieces.length)]).join('')}"`;
  const value = (depth: number): string => {
    const r = rand();
    if (depth > 4 || r < 0.3) return [str(), String(Math.round((rand() - 0.5) * 1e6) / 100), 'true', 'null', '-0', '1e-7'][Math.floor(rand() * 6)] as string;
    const n = Math.floor(rand() * 5);
    if (r < 0.6) return `[${Array.from({ length: n }, () => value(depth + 1)).join(',')}]`;
    return `{${Array.from({ length: n }, () => `${str()}: ${value(depth + 1)}`).join(' ,')}}`;
  };
  return () => {
    const text = value(0);
    const size = Buffer.byteLength(text);
    return { text, split: [Math.floor(rand() * (size + 1)), 1 + Math.floor(rand() * 5)] };
  };
}

test('JsonSelectReader: agrees with JSON.parse on 300 random documents, randomly chunked', () => {
  const next = randomJson(20240501);
  for (let i = 0; i < 300; i++) {
    const { text, split } = next();
    const expected: unknown = JSON.parse(text);
    const at = read(text, 'capture', { splitAt: split[0] as number });
    const sized = read(text, 'capture', { size: split[1] as number });
    assert.ok(at.ok && sized.ok, text);
    sameJson(at.value, expected, text);
    sameJson(sized.value, expected, text);
  }
});
