/**
 * The stored form of summaries: lossless on every recorded packument and on odd version names and
 * fields that come and go, smaller than plain JSON, and damaged forms are refused, never half-read.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { PackageSummary } from '../../server/src/core/registry/types';
import { DiskCache } from '../../server/src/node/diskCache';
import { decodeSummary, encodeSummary, shareRepeats } from '../../server/src/node/summaryCodec';
import { PACKUMENTS, packument, tempDir } from './helpers';

function summaryOf(doc: unknown, name: string): PackageSummary {
  const result = summarizePackument(doc, name);
  assert.ok(result.ok, name);
  return result.summary;
}

/** Through JSON, as the disk cache does it. */
function roundTrip(summary: PackageSummary): PackageSummary | undefined {
  return decodeSummary(JSON.parse(JSON.stringify(encodeSummary(summary))));
}

const RECORDED = readdirSync(PACKUMENTS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(PACKUMENTS, file), 'utf8')) as { name: string });

test('stored summaries decode to exactly the summary, versions in the same order, for every recorded packument', () => {
  let plain = 0;
  let stored = 0;
  for (const doc of RECORDED) {
    const summary = summaryOf(doc, doc.name);
    const back = roundTrip(summary);
    assert.deepEqual(back, summary, doc.name);
    assert.equal(JSON.stringify(back), JSON.stringify(summary), `${doc.name}: same key order`);
    plain += JSON.stringify(summary).length;
    stored += JSON.stringify(encodeSummary(summary)).length;
  }
  assert.ok(stored < plain * 0.6, `stored ${stored} bytes vs plain ${plain}`);
});

test('fields that come and go, and version names that are Object.prototype members, survive', () => {
  const base = packument('pkg', ['1.0.0', '1.0.1', '1.0.2', '1.0.3']);
  const versions = base.versions as Record<string, Record<string, unknown>>;
  const doc = {
    ...base,
    versions: {
      '1.0.0': { ...versions['1.0.0'], deprecated: 'old', scripts: { install: 'x' } },
      '1.0.1': { ...versions['1.0.1'], _npmUser: undefined },
      '1.0.2': { ...versions['1.0.2'], deprecated: 'again', dist: {} },
      ['__proto__']: { ...versions['1.0.3'] },
      constructor: { dependencies: { a: '1' } },
    },
  };
  const summary = summaryOf(JSON.parse(JSON.stringify(doc)), 'pkg');
  assert.deepEqual(Object.keys(summary.versions), ['1.0.0', '1.0.1', '1.0.2', '__proto__', 'constructor']);
  const back = roundTrip(summary);
  assert.ok(back);
  assert.equal(JSON.stringify(back), JSON.stringify(summary));
  assert.equal(Object.getPrototypeOf(back.versions), Object.prototype);
  assert.deepEqual([back.versions['1.0.1']?.deprecated, back.versions['1.0.1']?.publisher, back.versions['1.0.2']?.integrity], [undefined, undefined, undefined]);
});

test('shareRepeats: equal neighbouring values become one, and nothing changes in content', () => {
  const doc = RECORDED.find((d) => d.name === 'body-parser');
  assert.ok(doc);
  const summary = summaryOf(doc, 'body-parser');
  const before = JSON.stringify(summary);
  shareRepeats(summary);
  assert.equal(JSON.stringify(summary), before);
  const versions = Object.values(summary.versions);
  const shared = versions.filter((v, i) => i > 0 && v.dependencies === versions[i - 1]?.dependencies && Object.keys(v.dependencies).length > 0);
  assert.ok(shared.length > 5, `${shared.length} shared dependency maps`);
  for (const [i, version] of versions.entries()) {
    const previous = versions[i - 1];
    if (previous && version.publisher && JSON.stringify(version.publisher) === JSON.stringify(previous.publisher)) {
      assert.equal(version.publisher, previous.publisher, `publisher of ${version.version}`);
    }
  }
});

test('damaged stored forms are refused: the disk cache discards the entry instead of reading half of it', async (t) => {
  const good = encodeSummary(summaryOf(packument('pkg', ['1.0.0', '2.0.0']), 'pkg'));
  const versions = good.versions as Array<Record<string, unknown>>;
  const damaged: Array<[string, unknown]> = [
    ['versions not an array', { ...good, versions: {} }],
    ['a version that is not an object', { ...good, versions: [versions[0], 7] }],
    ['a version without its name', { ...good, versions: [{ ...versions[0], version: 1 }] }],
    ['a first version missing a required field', { ...good, versions: [{ ...versions[0], dependencies: undefined }] }],
    ['a required field marked absent', { ...good, versions: [versions[0], { version: '2.0.0', bin: null }] }],
    ['a field of the wrong type', { ...good, versions: [versions[0], { version: '2.0.0', gypfile: 'yes' }] }],
  ];
  const cache = new DiskCache(await tempDir(t));
  for (const [label, summary] of damaged) {
    await cache.write({ key: 'k', fetchedAt: '2024-05-01T12:00:00.000Z', summary: summaryOf(packument('pkg'), 'pkg') });
    const file = cache.fileFor('k');
    const entry = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...entry, summary }));
    assert.equal(await cache.read('k'), undefined, label);
    await assert.rejects(readFile(file), { code: 'ENOENT' }, `${label}: the file is removed`);
  }
});
