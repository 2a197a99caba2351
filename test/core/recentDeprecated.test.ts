/**
 * signals/recentRelease (the cooldown, its boundary and its setting) and signals/deprecated (the text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recentRelease } from '../../server/src/core/signals/recentRelease';
import { deprecated } from '../../server/src/core/signals/deprecated';
import { SIGNALS } from '../../server/src/core/signals';
import { gitDependencyAdded } from '../../server/src/core/signals/gitDependencyAdded';
import { installScriptAdded } from '../../server/src/core/signals/installScriptAdded';
import { newPublisher } from '../../server/src/core/signals/newPublisher';
import { ownershipChange } from '../../server/src/core/signals/ownershipChange';
import { maintainerAdded } from '../../server/src/core/signals/maintainerAdded';
import { trustDowngrade } from '../../server/src/core/signals/trustDowngrade';
import { releaseLineBurst } from '../../server/src/core/signals/releaseLineBurst';
import { dormantRelease } from '../../server/src/core/signals/dormantRelease';
import { repositoryChanged } from '../../server/src/core/signals/repositoryChanged';
import { newBin } from '../../server/src/core/signals/newBin';
import type { Evidence } from '../../server/src/core/finding';
import { at, CI, contextOf, HOUR, summaryOf, type Release } from '../helpers/coreBuilders';

const PUBLISHED = at(10);
const msAfter = (ms: number): string => new Date(Date.parse(PUBLISHED) + ms).toISOString();

interface RecentCase {
  name: string;
  now: string;
  cooldownDays?: number;
  release?: Partial<Release>;
  /** [ageHours, the "published … ago (… UTC, by …), inside the N-day cooldown" part], or undefined. */
  expected: [number, string] | undefined;
  publisher?: string | null;
}

const RECENT: RecentCase[] = [
  { name: 'one hour old', now: at(10, 60), expected: [1, 'was published 1 hour ago (2024-01-11 00:00 UTC, by alice), inside the 3-day cooldown.'] },
  { name: 'the same instant', now: PUBLISHED, expected: [0, 'was published 1 minute ago (2024-01-11 00:00 UTC, by alice)'] },
  { name: 'ten minutes old', now: at(10, 10), expected: [0, 'was published 10 minutes ago'] },
  { name: 'one millisecond short of the cooldown', now: msAfter(3 * 24 * HOUR - 1), expected: [71, 'was published 3 days ago'] },
  { name: 'exactly at the cooldown: past it', now: at(13), expected: undefined },
  { name: 'a week old', now: at(17), expected: undefined },
  { name: 'cooldownDays 0 disables the signal', now: PUBLISHED, cooldownDays: 0, expected: undefined },
  { name: 'a negative cooldown disables it too', now: PUBLISHED, cooldownDays: -1, expected: undefined },
  { name: 'a longer cooldown', now: at(15), cooldownDays: 7, expected: [120, 'was published 5 days ago (2024-01-11 00:00 UTC, by alice), inside the 7-day cooldown.'] },
  { name: 'a fractional cooldown', now: at(10, 11 * 60), cooldownDays: 0.5, expected: [11, 'was published 11 hours ago'] },
  { name: 'a fractional cooldown, passed', now: at(10, 12 * 60), cooldownDays: 0.5, expected: undefined },
  { name: 'an undated version', now: PUBLISHED, release: { at: undefined }, expected: undefined },
  {
    name: 'published through trusted publishing',
    now: at(10, 120),
    release: { by: CI },
    expected: [2, 'was published 2 hours ago (2024-01-11 00:00 UTC, by GitHub Actions (trusted publishing))'],
    publisher: 'GitHub Actions',
  },
  { name: 'no publisher recorded', now: at(11), release: { by: undefined }, expected: [24, 'was published 24 hours ago (2024-01-11 00:00 UTC, by an unrecorded account)'], publisher: null },
];

for (const c of RECENT) {
  test(`recent-release: ${c.name}`, () => {
    const release: Release = { version: '1.0.0', at: PUBLISHED, by: 'alice', ...c.release };
    const summary = summaryOf('pkg', [{ version: '0.9.0', at: at(0), by: 'alice' }, release]);
    const hit = recentRelease(contextOf(summary, '1.0.0', c.now, { cooldownDays: c.cooldownDays ?? 3 }));
    if (c.expected === undefined) {
      assert.equal(hit, undefined);
      return;
    }
    assert.ok(hit);
    assert.equal(hit.signal, 'recent-release');
    assert.equal(hit.severity, 'warning');
    const expected: Evidence = {
      version: '1.0.0',
      publishedAt: PUBLISHED,
      publishedDay: '2024-01-11',
      ageHours: c.expected[0],
      cooldownDays: c.cooldownDays ?? 3,
      publisher: c.publisher === undefined ? 'alice' : c.publisher,
    };
    assert.deepEqual(hit.evidence, expected);
    assert.ok(hit.message.startsWith(`pkg@1.0.0 ${c.expected[1]}`), hit.message);
  });
}

interface DeprecatedCase {
  name: string;
  text: string | undefined;
  /** Text in the message (≤ 300) and in the evidence (≤ 1000), or undefined for no finding. */
  expected: [string, string] | undefined;
}

const LONG = `${'word '.repeat(400)}end`;
const LONG_COLLAPSED = LONG.trim();

const DEPRECATED: DeprecatedCase[] = [
  { name: 'the text is shown', text: 'Use v2 instead', expected: ['Use v2 instead', 'Use v2 instead'] },
  { name: 'whitespace is collapsed', text: '  line one\n\n\tline two  \r\n', expected: ['line one line two', 'line one line two'] },
  { name: 'a long text is cut (300 in the message, 1000 in the evidence)', text: LONG, expected: [LONG_COLLAPSED.slice(0, 300), LONG_COLLAPSED.slice(0, 1000)] },
  { name: 'not deprecated', text: undefined, expected: undefined },
  { name: 'un-deprecated ("")', text: '', expected: undefined },
];

for (const c of DEPRECATED) {
  test(`deprecated: ${c.name}`, () => {
    const release: Release = c.text === undefined ? { version: '1.0.0', at: at(0) } : { version: '1.0.0', at: at(0), deprecated: c.text };
    const summary = summaryOf('pkg', [release, { version: '2.0.0', at: at(5) }]);
    const hit = deprecated(contextOf(summary, '1.0.0', at(400)));
    if (c.expected === undefined) {
      assert.equal(hit, undefined);
      return;
    }
    assert.ok(hit);
    assert.equal(hit.signal, 'deprecated');
    assert.equal(hit.severity, 'warning');
    assert.deepEqual(hit.evidence, {
      version: '1.0.0',
      deprecation: c.expected[1],
      publishedAt: at(0),
      publishedDay: '2024-01-01',
      latest: '2.0.0',
    });
    assert.ok(hit.message.startsWith(`pkg@1.0.0 is deprecated: "${c.expected[0]}". Deprecated releases get no fixes`), hit.message);
  });
}

test('deprecated: an undated version without a latest tag', () => {
  const summary = summaryOf('pkg', [{ version: '1.0.0', deprecated: 'gone' }], {});
  assert.deepEqual(deprecated(contextOf(summary, '1.0.0', at(400)))?.evidence, {
    version: '1.0.0',
    deprecation: 'gone',
    publishedAt: null,
    publishedDay: 'an unknown date',
    latest: null,
  });
});

test('the signal table: order and membership', () => {
  assert.deepEqual(SIGNALS, [installScriptAdded, gitDependencyAdded, trustDowngrade, newPublisher, ownershipChange, maintainerAdded, releaseLineBurst, dormantRelease, repositoryChanged, deprecated, recentRelease, newBin]);
});
