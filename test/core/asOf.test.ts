/**
 * registry/asOf.viewAsOf: the registry as it was at an instant (incident replays).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewAsOf } from '../../server/src/core/registry/asOf';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { PackageSummary, Person } from '../../server/src/core/registry/types';
import { at, packument, summaryOf, type Release } from '../helpers/coreBuilders';

function withTopLevel(name: string, releases: Release[], distTags: Record<string, string>, maintainers: Person[]): PackageSummary {
  const doc = packument(name, releases, distTags);
  doc.maintainers = maintainers;
  const result = summarizePackument(doc, name);
  if (!result.ok) throw new Error(result.error.message);
  return result.summary;
}

const HISTORY = withTopLevel(
  'pkg',
  [
    { version: '0.0.1', by: 'alice' },
    { version: '1.0.0', at: at(0), by: 'alice' },
    { version: '1.1.0', at: at(10), by: 'alice', maintainers: ['alice', 'bob'] },
    { version: '2.0.0-rc.1', at: at(15), by: 'bob' },
    { version: '2.0.0', at: at(20), by: 'bob', maintainers: ['bob', 'carol'] },
  ],
  { latest: '2.0.0', next: '2.0.0-rc.1', legacy: '1.0.0' },
  [
    { name: 'alice', email: 'alice@top.example' },
    { name: 'bob', email: 'bob@top.example' },
  ],
);

interface ViewCase {
  name: string;
  asOf: string;
  versions: string[];
  distTags: Record<string, string>;
  maintainers: Person[];
  modified: string | undefined;
}

const CASES: ViewCase[] = [
  {
    name: 'later versions hidden; latest falls back to the highest visible stable; next too',
    asOf: at(12),
    versions: ['0.0.1', '1.0.0', '1.1.0'],
    distTags: { latest: '1.1.0', next: '1.1.0', legacy: '1.0.0' },
    maintainers: [
      { name: 'alice', email: 'alice@top.example' },
      { name: 'bob', email: 'bob@top.example' },
    ],
    modified: at(12),
  },
  {
    name: 'a visible prerelease keeps its tag, but latest never falls back to it',
    asOf: at(17),
    versions: ['0.0.1', '1.0.0', '1.1.0', '2.0.0-rc.1'],
    distTags: { latest: '1.1.0', next: '2.0.0-rc.1', legacy: '1.0.0' },
    maintainers: [{ name: 'bob', email: 'bob@top.example' }],
    modified: at(17),
  },
  {
    name: 'a version published exactly at the instant is visible',
    asOf: at(20),
    versions: ['0.0.1', '1.0.0', '1.1.0', '2.0.0-rc.1', '2.0.0'],
    distTags: { latest: '2.0.0', next: '2.0.0-rc.1', legacy: '1.0.0' },
    maintainers: [{ name: 'bob', email: 'bob@top.example' }, { name: 'carol' }],
    modified: at(20),
  },
  {
    name: 'one millisecond earlier it is not',
    asOf: new Date(Date.parse(at(20)) - 1).toISOString(),
    versions: ['0.0.1', '1.0.0', '1.1.0', '2.0.0-rc.1'],
    distTags: { latest: '1.1.0', next: '2.0.0-rc.1', legacy: '1.0.0' },
    maintainers: [{ name: 'bob', email: 'bob@top.example' }],
    modified: new Date(Date.parse(at(20)) - 1).toISOString(),
  },
  {
    name: 'long after: everything, modified unchanged',
    asOf: at(400),
    versions: ['0.0.1', '1.0.0', '1.1.0', '2.0.0-rc.1', '2.0.0'],
    distTags: { latest: '2.0.0', next: '2.0.0-rc.1', legacy: '1.0.0' },
    maintainers: [{ name: 'bob', email: 'bob@top.example' }, { name: 'carol' }],
    modified: at(20),
  },
  {
    name: 'at creation: the first version, and the undated one',
    asOf: at(0),
    versions: ['0.0.1', '1.0.0'],
    distTags: { latest: '1.0.0', next: '1.0.0', legacy: '1.0.0' },
    maintainers: [{ name: 'alice', email: 'alice@top.example' }],
    modified: at(0),
  },
];

for (const c of CASES) {
  test(`viewAsOf: ${c.name}`, () => {
    const view = viewAsOf(HISTORY, new Date(c.asOf));
    assert.ok(view);
    assert.deepEqual(Object.keys(view.versions), c.versions);
    assert.deepEqual(view.distTags, c.distTags);
    assert.deepEqual(view.maintainers, c.maintainers);
    assert.equal(view.modified, c.modified);
    assert.equal(view.created, at(0));
    assert.deepEqual(view.unpublished, []);
  });
}

test('viewAsOf: a package created after the instant does not exist', () => {
  assert.equal(viewAsOf(HISTORY, new Date(Date.parse(at(0)) - 1)), undefined);
});

test('viewAsOf: without time.created, a package whose every version is later does not exist', () => {
  const summary = summaryOf('late', [{ version: '1.0.0', at: at(5) }]);
  delete summary.created;
  assert.equal(viewAsOf(summary, new Date(at(1))), undefined);
});

test('viewAsOf: a package whose versions are all undated stays whole', () => {
  const summary = summaryOf('undated', [{ version: '1.0.0' }, { version: '1.0.1' }]);
  const view = viewAsOf(summary, new Date(at(1)));
  assert.deepEqual(view && Object.keys(view.versions), ['1.0.0', '1.0.1']);
  assert.deepEqual(view?.distTags, { latest: '1.0.1' });
});

test('viewAsOf: a tag with no stable version to fall back to disappears', () => {
  const summary = summaryOf('pre', [{ version: '1.0.0-alpha', at: at(0) }, { version: '1.0.0', at: at(5) }], { latest: '1.0.0', alpha: '1.0.0-alpha' });
  assert.deepEqual(viewAsOf(summary, new Date(at(1)))?.distTags, { alpha: '1.0.0-alpha' });
});

test('viewAsOf: without per-version maintainer lists, the top-level list stays', () => {
  const summary = summaryOf('nomaint', [{ version: '1.0.0', at: at(0) }, { version: '1.1.0', at: at(3) }]);
  assert.deepEqual(viewAsOf(summary, new Date(at(1)))?.maintainers, [{ name: 'owner', email: 'owner@example.com' }]);
});

test('viewAsOf: unpublished versions are not carried into the past', () => {
  const summary = { ...summaryOf('u', [{ version: '1.0.0', at: at(0) }]), unpublished: ['0.9.0'] };
  assert.deepEqual(viewAsOf(summary, new Date(at(1)))?.unpublished, []);
});

test('viewAsOf: the input summary is not changed', () => {
  const before = JSON.stringify(HISTORY);
  viewAsOf(HISTORY, new Date(at(12)));
  assert.equal(JSON.stringify(HISTORY), before);
});
