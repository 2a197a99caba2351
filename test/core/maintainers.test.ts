/**
 * maintainer-added and ownership-change on synthetic histories: who joined and when (from each version's
 * maintainer list, or only the current one), who left, and the negatives that keep them quiet — a
 * colleague who publishes, a team sync, founders, CI identities, successors with a record, old handovers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Evidence } from '../../server/src/core/finding';
import { maintainerHistory } from '../../server/src/core/registry/maintainers';
import type { PackageSummary, VersionSummary } from '../../server/src/core/registry/types';
import { maintainerAdded } from '../../server/src/core/signals/maintainerAdded';
import { ownershipChange } from '../../server/src/core/signals/ownershipChange';
import type { Signal } from '../../server/src/core/signals';
import { at, CI, contextOf, summaryOf, type Release } from '../helpers/coreBuilders';

interface Case {
  name: string;
  signal: Signal;
  releases: Release[];
  /** The top-level (current) maintainer list; default: the last release's. */
  current?: string[];
  /** Days after T0 the analysis runs. */
  now: number;
  severity?: 'warning' | 'information';
  evidence?: Evidence;
  says?: string[];
}

const r = (version: string, day: number, by: string | typeof CI, maintainers?: string[]): Release => ({ version, at: at(day), by, ...(maintainers && { maintainers }) });
/** A one-person package: lasse published everything, alone. */
const SOLO = [r('5.0.0', 0, 'lasse'), r('5.1.0', 100, 'lasse'), r('5.2.0', 200, 'lasse')];

const CASES: Case[] = [
  {
    name: 'maintainer-added: a newcomer joins a one-person package and has not published (xz)',
    signal: maintainerAdded,
    releases: [...SOLO, r('5.2.1', 300, 'lasse', ['lasse', 'jiat'])],
    now: 310,
    severity: 'warning',
    evidence: {
      added: ['jiat'],
      joins: [{ name: 'jiat', joinedAt: at(300), joinedWith: '5.2.1', approximate: false, before: ['lasse'] }],
      maintainers: ['lasse', 'jiat'],
      publishers: ['lasse'],
      windowDays: 90,
    },
    says: ['pkg has a new maintainer who has not published it yet: jiat (joined with 5.2.1, 2024-10-27), beside lasse.', 'xz-utils'],
  },
  {
    name: 'maintainer-added: only the current list names the newcomer: joined after the last release, approximately',
    signal: maintainerAdded,
    releases: SOLO,
    current: ['lasse', 'jiat'],
    now: 210,
    severity: 'warning',
    evidence: {
      added: ['jiat'],
      joins: [{ name: 'jiat', joinedAt: at(200), joinedWith: null, approximate: true, before: ['lasse'] }],
      maintainers: ['lasse', 'jiat'],
      publishers: ['lasse'],
      windowDays: 90,
    },
    says: ['jiat (joined after the last release, by 2024-07-19 at the latest)'],
  },
  {
    name: 'maintainer-added: a team of three adding a fourth is the team growing (information)',
    signal: maintainerAdded,
    releases: [r('1.0.0', 0, 'a', ['a', 'b', 'c']), r('1.1.0', 50, 'b', ['a', 'b', 'c', 'd'])],
    now: 60,
    severity: 'information',
    evidence: {
      added: ['d'],
      joins: [{ name: 'd', joinedAt: at(50), joinedWith: '1.1.0', approximate: false, before: ['a', 'b', 'c'] }],
      maintainers: ['a', 'b', 'c', 'd'],
      publishers: ['a', 'b'],
      windowDays: 90,
    },
    says: ['most likely the team growing'],
  },
  { name: 'maintainer-added: 91 days later it is no longer news', signal: maintainerAdded, releases: [...SOLO, r('5.2.1', 300, 'lasse', ['lasse', 'jiat'])], now: 391 },
  {
    name: 'maintainer-added: a colleague who then publishes is new-publisher\'s business',
    signal: maintainerAdded,
    releases: [...SOLO, r('5.2.1', 300, 'lasse', ['lasse', 'kim']), r('5.3.0', 305, 'kim', ['lasse', 'kim'])],
    now: 310,
  },
  {
    name: 'maintainer-added: founders are not additions',
    signal: maintainerAdded,
    releases: [r('1.0.0', 0, 'a', ['a', 'b']), r('1.0.1', 5, 'a', ['a', 'b'])],
    now: 10,
  },
  {
    name: 'maintainer-added: three or more at once is an organisation sync',
    signal: maintainerAdded,
    releases: [...SOLO, r('5.2.1', 300, 'lasse', ['lasse', 'o1', 'o2', 'o3'])],
    now: 310,
  },
  {
    name: 'maintainer-added: a trusted-publisher identity is CI, not a maintainer',
    signal: maintainerAdded,
    releases: [...SOLO, r('5.3.0', 300, CI, ['lasse', CI.name])],
    now: 310,
  },
  {
    name: 'maintainer-added: an old document without per-version lists says nothing about when anyone joined',
    signal: maintainerAdded,
    releases: [{ version: '0.1.0', at: at(0) }, { version: '0.2.0', at: at(300) }],
    current: ['someone'],
    now: 310,
  },
  {
    name: 'ownership-change: everyone who published has left, and the new hands had not published (event-stream)',
    signal: ownershipChange,
    releases: [r('3.3.0', 0, 'dominic'), r('3.3.4', 100, 'dominic'), r('3.3.5', 300, 'right9', ['right9'])],
    now: 305,
    severity: 'warning',
    evidence: {
      previousPublishers: [{ name: 'dominic', versions: 2, firstPublished: at(0), lastPublished: at(100) }],
      maintainers: ['right9'],
      changedAt: at(300),
      changedWith: '3.3.5',
      approximate: false,
    },
    says: ['Everyone who published pkg before has left its maintainers: dominic (2 releases, last 2024-04-10). It is now in the hands of right9, who had not published it before (the change came with 3.3.5, 2024-10-27).'],
  },
  {
    name: 'ownership-change: the new owner has not released yet (current list only, approximate)',
    signal: ownershipChange,
    releases: SOLO,
    current: ['mallory'],
    now: 205,
    severity: 'warning',
    evidence: {
      previousPublishers: [{ name: 'lasse', versions: 3, firstPublished: at(0), lastPublished: at(200) }],
      maintainers: ['mallory'],
      changedAt: at(200),
      changedWith: null,
      approximate: true,
    },
  },
  {
    name: 'ownership-change: half a year later it is information',
    signal: ownershipChange,
    releases: [r('3.3.0', 0, 'dominic'), r('3.3.5', 300, 'right9', ['right9'])],
    now: 480,
    severity: 'information',
    evidence: {
      previousPublishers: [{ name: 'dominic', versions: 1, firstPublished: at(0), lastPublished: at(0) }],
      maintainers: ['right9'],
      changedAt: at(300),
      changedWith: '3.3.5',
      approximate: false,
      vettedByTime: true,
    },
  },
  { name: 'ownership-change: after a year, not at all', signal: ownershipChange, releases: [r('3.3.0', 0, 'dominic'), r('3.3.5', 300, 'right9', ['right9'])], now: 700 },
  {
    name: 'ownership-change: one original publisher staying is enough',
    signal: ownershipChange,
    releases: [r('1.0.0', 0, 'a', ['a', 'b']), r('1.1.0', 10, 'b', ['a', 'b']), r('1.2.0', 20, 'c', ['b', 'c'])],
    now: 25,
  },
  {
    name: 'ownership-change: a successor who published while the author was there has a record (body-parser)',
    signal: ownershipChange,
    releases: [r('1.0.0', 0, 'author', ['author', 'doug']), r('1.1.0', 10, 'doug', ['author', 'doug']), r('1.2.0', 300, 'doug', ['doug'])],
    now: 305,
  },
  {
    name: 'ownership-change: a move to trusted publishing is not a change of hands',
    signal: ownershipChange,
    releases: [r('2.0.0', 0, 'kira'), r('2.1.0', 10, CI, ['kira', CI.name]), r('2.2.0', 20, CI, ['kira'])],
    now: 25,
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const summary = summaryOf('pkg', c.releases, undefined, c.current);
    const target = c.releases[c.releases.length - 1]?.version as string;
    const hit = c.signal(contextOf(summary, target, at(c.now)));
    if (c.severity === undefined) {
      assert.equal(hit, undefined, hit?.message);
      return;
    }
    assert.ok(hit, 'a finding');
    assert.equal(hit.severity, c.severity);
    if (c.evidence) assert.deepEqual(hit.evidence, c.evidence);
    for (const phrase of c.says ?? []) assert.ok(hit.message.includes(phrase), `${hit.message}\n  lacks: ${phrase}`);
  });
}

/** The summary with equal neighbouring maintainer lists and publishers held once, as decoded summaries hold them. */
function withSharedNeighbours(summary: PackageSummary): { summary: PackageSummary; shared: number } {
  const copy = structuredClone(summary);
  let previous: VersionSummary | undefined;
  let shared = 0;
  for (const version of Object.values(copy.versions)) {
    if (previous && isDeepStrictEqual(previous.maintainers, version.maintainers)) {
      version.maintainers = previous.maintainers;
      shared++;
    }
    if (previous?.publisher && version.publisher && isDeepStrictEqual(previous.publisher, version.publisher)) version.publisher = previous.publisher;
    previous = version;
  }
  return { summary: copy, shared };
}

test('the maintainer history is the same whether neighbouring versions share their lists or hold copies (every case above)', () => {
  let shared = 0;
  for (const c of CASES) {
    const summary = summaryOf('pkg', c.releases, undefined, c.current);
    const variant = withSharedNeighbours(summary);
    shared += variant.shared;
    assert.deepEqual(maintainerHistory(variant.summary), maintainerHistory(structuredClone(summary)), c.name);
  }
  assert.ok(shared >= 10, `${shared} shared lists: the shortcut is exercised`);
});

test('a neighbour with the same list but another publisher still has its own snapshot: publishing proves rights', () => {
  const releases = [r('1.0.0', 0, 'alice', ['alice']), r('1.1.0', 10, 'bob', ['alice']), r('1.2.0', 20, 'bob', ['alice', 'bob'])];
  const { summary, shared } = withSharedNeighbours(summaryOf('pkg', releases, undefined, ['alice', 'bob']));
  assert.equal(shared, 1, '1.1.0 holds 1.0.0’s list');
  assert.equal(maintainerHistory(summary).joins.get('bob')?.version, '1.1.0');
});
