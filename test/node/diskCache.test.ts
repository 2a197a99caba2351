import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import type { PackageSummary } from '../../server/src/core/registry/types';
import { cacheKey, defaultCacheDir, DiskCache, isFresh, type CacheEntry } from '../../server/src/node/diskCache';
import { encodeSummary } from '../../server/src/node/summaryCodec';
import { tempDir } from './helpers';

const summary: PackageSummary = {
  name: '@scope/pkg',
  distTags: { latest: '1.0.0' },
  maintainers: [{ name: 'alice' }],
  unpublished: [],
  versions: {
    '1.0.0': {
      version: '1.0.0',
      publishedAt: '2020-01-01T00:00:00.000Z',
      installScripts: {},
      gypfile: false,
      maintainers: ['alice'],
      dependencies: {},
      optionalDependencies: {},
      provenance: false,
      bin: [],
    },
  },
};
const KEY = cacheKey('https://registry.test/', '@scope/pkg');
const entry: CacheEntry = { key: KEY, fetchedAt: '2024-05-01T12:00:00.000Z', etag: '"abc"', summary };

test('defaultCacheDir: XDG_CACHE_HOME when absolute, else ~/.cache', () => {
  const table: Array<[Record<string, string>, string]> = [
    [{ XDG_CACHE_HOME: '/xdg' }, '/xdg/vigil'],
    [{ XDG_CACHE_HOME: 'relative/cache' }, '/home/me/.cache/vigil'],
    [{ XDG_CACHE_HOME: '' }, '/home/me/.cache/vigil'],
    [{}, '/home/me/.cache/vigil'],
  ];
  for (const [env, expected] of table) assert.equal(defaultCacheDir(env, '/home/me'), expected, JSON.stringify(env));
});

test('isFresh: inside the window only; a future fetchedAt is not trusted', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');
  const table: Array<[string, boolean]> = [
    ['2024-05-01T12:00:00.000Z', true],
    ['2024-05-01T11:45:00.001Z', true],
    ['2024-05-01T11:45:00.000Z', false],
    ['2024-04-01T00:00:00.000Z', false],
    ['2024-05-01T12:00:01.000Z', false],
  ];
  for (const [fetchedAt, fresh] of table) assert.equal(isFresh({ fetchedAt }, now), fresh, fetchedAt);
  assert.equal(isFresh({ fetchedAt: '2024-05-01T11:00:00.000Z' }, now, 2 * 3600_000), true);
});

test('DiskCache: round trip, one hashed file per key, written whole', async (t) => {
  const dir = await tempDir(t);
  const cache = new DiskCache(dir);
  assert.equal(await cache.read(KEY), undefined);
  await cache.write(entry);
  assert.deepEqual(await cache.read(KEY), entry);
  const files = await readdir(cache.dir);
  // No temp files left, and the name is a hash: no package name shapes a path.
  assert.deepEqual(files, [basename(cache.fileFor(KEY))]);
  assert.match(files[0] ?? '', /^[0-9a-f]{64}\.json$/);
  assert.equal(await cache.read(cacheKey('https://other.test/', '@scope/pkg')), undefined, 'keys include the registry');
  await cache.delete(KEY);
  assert.equal(await cache.read(KEY), undefined);
});

test('DiskCache: a damaged entry is reported absent and removed', async (t) => {
  // Entries hold summaries in their stored form (summaryCodec.ts): versions as an array.
  const stored = encodeSummary(summary);
  const first = (stored.versions as Array<Record<string, unknown>>)[0];
  const damaged: Array<[string, string]> = [
    ['not JSON', '{"key":'],
    ['empty file', ''],
    ['another key (hash collision or a copied file)', JSON.stringify({ ...entry, key: 'https://x/ other' })],
    ['fetchedAt not a date', JSON.stringify({ ...entry, fetchedAt: 'yesterday' })],
    ['etag not a string', JSON.stringify({ ...entry, etag: 42 })],
    ['summary missing', JSON.stringify({ ...entry, summary: undefined })],
    ['versions keyed by name (the plain form, not the stored one)', JSON.stringify({ ...entry, summary })],
    ['maintainers missing', JSON.stringify({ ...entry, summary: { ...stored, maintainers: undefined } })],
    ['a version of the wrong shape', JSON.stringify({ ...entry, summary: { ...stored, versions: [{ version: '1.0.0' }] } })],
    ['a version without its name', JSON.stringify({ ...entry, summary: { ...stored, versions: [{ ...first, version: 1 }] } })],
  ];
  const dir = await tempDir(t);
  const logs: string[] = [];
  const cache = new DiskCache(dir, (m) => logs.push(m));
  for (const [why, text] of damaged) {
    await cache.write(entry);
    await writeFile(cache.fileFor(KEY), text);
    assert.equal(await cache.read(KEY), undefined, why);
    assert.deepEqual(await readdir(cache.dir), [], `${why}: removed`);
  }
  assert.equal(logs.length, damaged.length);
  assert.ok(logs.every((m) => m.includes('damaged')));
});

test('DiskCache: an unwritable cache folder costs nothing but a log line', async (t) => {
  const dir = await tempDir(t);
  const blocker = join(dir, 'file-not-folder');
  await writeFile(blocker, 'x');
  const logs: string[] = [];
  const cache = new DiskCache(blocker, (m) => logs.push(m));
  await cache.write(entry); // must not throw
  assert.equal(await cache.read(KEY), undefined);
  assert.equal(logs.length, 2, logs.join('\n')); // the failed write, and the failed read (ENOTDIR)
  assert.match(logs[0] ?? '', /could not be written \(ENOTDIR\)/);
  assert.equal(await readFile(blocker, 'utf8'), 'x');
});
