/**
 * Streaming summaries: for every recorded packument and every hostile shape, the summary from the
 * stream is the summary of the whole parsed document, however the bytes are chunked; and a 60 MB
 * document is summarised with a small fraction of its size in memory.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import { summarizeChunks } from '../../server/src/node/packumentStream';
import { RECORDED_PACKUMENTS, packument } from './helpers';

function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** JSON.stringify keeps key order, so equal strings mean the same summary, versions in the same order. */
function bothWays(bytes: Buffer, name: string, size: number): [string, string] {
  let whole: unknown;
  try {
    whole = JSON.parse(bytes.toString('utf8'));
  } catch {
    whole = Symbol('not JSON');
  }
  const expected = typeof whole === 'symbol' ? 'not JSON' : JSON.stringify(summarizePackument(whole, name));
  const streamed = summarizeChunks(chunked(bytes, size), name);
  return [streamed.ok || !/not valid JSON/.test(streamed.error.message) ? JSON.stringify(streamed) : 'not JSON', expected];
}

test('streamed summaries equal whole-document summaries on every recorded packument and scenario', () => {
  assert.ok(RECORDED_PACKUMENTS.length >= 28, `${RECORDED_PACKUMENTS.length} files`);
  for (const file of RECORDED_PACKUMENTS) {
    const bytes = readFileSync(file);
    const name = (JSON.parse(bytes.toString('utf8')) as { name: string }).name;
    for (const size of [bytes.length, 65_536, 4096, 7]) {
      const [streamed, expected] = bothWays(bytes, name, size);
      assert.equal(streamed, expected, `${file} in ${size}-byte chunks`);
    }
  }
});

test('streamed summaries equal whole-document summaries in 1-byte chunks (a sample of recorded documents)', () => {
  for (const file of RECORDED_PACKUMENTS.filter((f) => /(ms|once|evp_bytestokey|encoding|ua-parser-js|crypto-hash-lite)\.json$/.test(f))) {
    const bytes = readFileSync(file);
    const name = (JSON.parse(bytes.toString('utf8')) as { name: string }).name;
    const [streamed, expected] = bothWays(bytes, name, 1);
    assert.equal(streamed, expected, file);
  }
});

const base = packument('pkg', ['1.0.0', '2.0.0']);
const v1 = (base.versions as Record<string, Record<string, unknown>>)['1.0.0'] as Record<string, unknown>;

/** Hostile and odd shapes: each must give the same verdict and the same summary as the whole document. */
const SHAPES: Array<[string, string]> = [
  ['versions not an object', JSON.stringify({ ...base, versions: [v1] })],
  ['versions null', JSON.stringify({ ...base, versions: null })],
  ['time not an object', JSON.stringify({ ...base, time: 'yesterday' })],
  ['time values not dates', JSON.stringify({ ...base, time: { created: 5, '1.0.0': 'not a date', '2.0.0': { at: 1 } } })],
  ['maintainers not arrays', JSON.stringify({ ...base, maintainers: { name: 'x' }, versions: { '1.0.0': { ...v1, maintainers: 'alice <a@x>' } } })],
  ['a version that is not an object', JSON.stringify({ ...base, versions: { '1.0.0': 'x', '2.0.0': v1 } })],
  ['scripts, dist and bin of the wrong types', JSON.stringify({ ...base, versions: { '1.0.0': { ...v1, scripts: ['install'], dist: 'x', bin: 7 } } })],
  ['attestations present, then overridden by a duplicate', '{"name":"pkg","versions":{"1.0.0":{"dist":{"attestations":{"a":1},"attestations":"no"}},"2.0.0":{"dist":{"attestations":{}}}}}'],
  ['duplicate versions: the last one counts', '{"name":"pkg","versions":{"1.0.0":{"scripts":{"install":"evil"}},"1.0.0":{"deprecated":"use 2"}}}'],
  ['duplicate top-level versions maps', '{"name":"pkg","versions":{"1.0.0":{}},"versions":{"2.0.0":{}},"name":"pkg"}'],
  ['versions named like Object.prototype members', '{"name":"pkg","versions":{"__proto__":{"deprecated":"x"},"constructor":{},"toString":{"gypfile":true}},"time":{"__proto__":"2020-01-01T00:00:00Z"}}'],
  ['escapes and non-ASCII everywhere', '{"name":"pkg","description":"caf\\u00e9 😀 \\ud83d\\ude00","versions":{"1.0.0-\\u03b1":{"scripts":{"post\\u0069nstall":"echo \\"hi\\""},"_npmUser":{"name":"Zoë"}}}}'],
  ['a document for another package', JSON.stringify(packument('other'))],
  ['not an object', '["pkg"]'],
  ['a string', '"pkg"'],
  ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
  ['truncated', JSON.stringify(base).slice(0, 100)],
  ['trailing garbage', `${JSON.stringify(base)} {}`],
  ['an empty body', ''],
];

test('streamed and whole-document summaries agree on hostile shapes, at every chunk size', () => {
  for (const [label, text] of SHAPES) {
    for (const size of [1, 3, 1000]) {
      const [streamed, expected] = bothWays(Buffer.from(text), 'pkg', size);
      assert.equal(streamed, expected, `${label} (${size}-byte chunks)`);
    }
  }
});

test('not JSON: a malformed error that says where, and never echoes the body', () => {
  const table: Array<[string, RegExp]> = [
    ['<html>SECRET</html>', /^The registry's document for pkg is not valid JSON \(unexpected byte where a value should be at byte 0\)\.$/],
    ['{"name":"pkg","versions":{', /^The registry's document for pkg is not valid JSON \(it ends before the document is complete\)\.$/],
    ['{"name":"pkg"} SECRET', /^The registry's document for pkg is not valid JSON \(unexpected data after the document at byte 15\)\.$/],
    [`{"name":${'['.repeat(1000)}`, /nesting deeper than 512 levels at byte 519/],
  ];
  for (const [text, message] of table) {
    const result = summarizeChunks([Buffer.from(text)], 'pkg');
    assert.ok(!result.ok);
    assert.equal(result.error.kind, 'malformed');
    assert.match(result.error.message, message);
    assert.ok(!result.error.message.includes('SECRET'));
  }
});

/**
 * A packument shaped like @types/node: thousands of versions, each with its own long readme, streamed
 * from a generator so the test itself never holds it.
 */
function* giantPackument(versions: number, readmeBytes: number): Generator<Buffer> {
  const readme = JSON.stringify('Lorem ipsum "dolor" sit amet, é ü 😀\n'.repeat(Math.ceil(readmeBytes / 40)).slice(0, readmeBytes));
  yield Buffer.from(`{"name":"giant","dist-tags":{"latest":"1.0.${versions - 1}"},"readme":${readme},"versions":{`);
  const times: string[] = [];
  for (let i = 0; i < versions; i++) {
    const version = `1.0.${i}`;
    times.push(`"${version}":"${new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString()}"`);
    const scripts = i % 100 === 0 ? '{"test":"t","postinstall":"node setup.js"}' : '{"test":"t"}';
    yield Buffer.from(
      `${i ? ',' : ''}"${version}":{"name":"giant","version":"${version}","description":"d","readme":${readme},"scripts":${scripts},` +
        `"dependencies":{"a":"^1.0.0","b":"~2.1.0"},"devDependencies":{"c":"1"},"_npmUser":{"name":"u"},"maintainers":[{"name":"u"}],` +
        `"dist":{"integrity":"sha512-${i}","tarball":"https://r.example/giant-${version}.tgz","attestations":{"url":"x"}}}`,
    );
  }
  yield Buffer.from(`},"time":{${times.join(',')}},"maintainers":[{"name":"u"}]}`);
}

/** The collector, for measuring what is live rather than what is merely not yet collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

test('a 60 MB packument is summarised with peak memory far below its size', () => {
  const gc = collector();
  gc();
  const before = process.memoryUsage();
  let bytes = 0;
  let peak = 0;
  let count = 0;
  function* measured(): Generator<Buffer> {
    for (const chunk of giantPackument(3000, 20_000)) {
      bytes += chunk.length;
      // Every 500 versions: what the reader holds at that point (the chunk in hand included).
      if (++count % 500 === 0) {
        gc();
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
      }
      yield chunk;
    }
  }
  const result = summarizeChunks(measured(), 'giant');
  assert.ok(result.ok);
  assert.equal(Object.keys(result.summary.versions).length, 3000);
  assert.deepEqual(result.summary.versions['1.0.100']?.installScripts, { postinstall: 'node setup.js' });
  assert.equal(result.summary.versions['1.0.2999']?.provenance, true);
  assert.ok(bytes > 60_000_000, `${bytes} bytes`);
  // Held: the reduced document read so far (3-6 MB here: about 1-2 KB per version), none of the readmes.
  // Holding the document would mean 60 MB and more (JSON.parse of it needs several times that).
  assert.ok(peak < bytes / 8, `peak live growth ${(peak / 1e6).toFixed(1)} MB for a ${(bytes / 1e6).toFixed(1)} MB document`);
});
