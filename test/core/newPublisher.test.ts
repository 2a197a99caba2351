/**
 * signals/newPublisher on synthetic histories: new accounts, regular maintainers, and the switch from
 * trusted publishing (CI) back to a person's token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPublisher } from '../../server/src/core/signals/newPublisher';
import type { Evidence } from '../../server/src/core/finding';
import { at, CI, contextOf, summaryOf, type Account, type Release } from '../helpers/coreBuilders';

/** Findings are judged one day after the target's release: inside the 90-day window where a newcomer's release is a warning. */
const DAY_MS = 86_400_000;
const dayAfter = (releases: Release[], version: string): string =>
  new Date(Date.parse(releases.find((r) => r.version === version)?.at ?? '') + DAY_MS).toISOString();
const by = (version: string, day: number, who?: string | Account): Release => (who === undefined ? { version, at: at(day) } : { version, at: at(day), by: who });
const KIRA: Account = { name: 'kira', email: 'kira@example.com' };
const KIRA_NEW_MAIL: Account = { name: 'kira', email: 'kira.backup@proton.me' };
const KIRA_SHOUTING: Account = { name: 'kira', email: 'KIRA@Example.com' };

const record = (name: string, versions: number, first: number, last: number): Record<string, unknown> => ({
  name,
  versions,
  firstPublished: at(first),
  lastPublished: at(last),
});

interface Case {
  name: string;
  releases: Release[];
  target: string;
  /** Exact evidence, or undefined for "no finding". */
  evidence: Evidence | undefined;
  /** Phrases the message must contain. */
  says?: string[];
  severity?: 'warning' | 'information';
}

const TRUSTED_RUN = [by('2.0.0', 0, KIRA), by('2.1.0', 10, KIRA), by('2.2.0', 20, CI), by('2.3.0', 30, CI)];

const CASES: Case[] = [
  {
    name: 'an account that never published the package',
    releases: [by('1.0.0', 0, 'alice'), by('1.1.0', 10, 'alice'), by('1.2.0', 20, 'bob'), by('1.3.0', 30, 'mallory')],
    target: '1.3.0',
    evidence: {
      version: '1.3.0',
      publishedAt: at(30),
      publisher: 'mallory',
      previousVersion: '1.2.0',
      previousPublisher: 'bob',
      previousPublishers: [record('alice', 2, 0, 10), record('bob', 1, 20, 20)],
      maintainerSince: null,
    },
    says: [
      'pkg@1.3.0 was published by mallory, an account that never published this package before and was not a maintainer of any earlier release; earlier releases came from alice (2 versions, last 2024-01-11), bob (1 version, last 2024-01-21).',
    ],
  },
  {
    name: 'earlier versions without publisher data are skipped, not counted',
    releases: [by('1.0.0', 0), by('1.1.0', 10, 'alice'), by('1.1.1', 15), by('1.2.0', 20, 'bob')],
    target: '1.2.0',
    evidence: {
      version: '1.2.0',
      publishedAt: at(20),
      publisher: 'bob',
      previousVersion: '1.1.0',
      previousPublisher: 'alice',
      previousPublishers: [record('alice', 1, 10, 10)],
      maintainerSince: null,
    },
  },
  {
    name: 'publishers with equal counts are listed by name; more than five are summarised',
    releases: ['f', 'e', 'd', 'c', 'b', 'a'].map((who, i) => by(`1.${i}.0`, i, who)).concat(by('2.0.0', 10, 'zed')),
    target: '2.0.0',
    evidence: {
      version: '2.0.0',
      publishedAt: at(10),
      publisher: 'zed',
      previousVersion: '1.5.0',
      previousPublisher: 'a',
      previousPublishers: [record('a', 1, 5, 5), record('b', 1, 4, 4), record('c', 1, 3, 3), record('d', 1, 2, 2), record('e', 1, 1, 1), record('f', 1, 0, 0)],
      maintainerSince: null,
    },
    says: ['earlier releases came from a (1 version, last 2024-01-06), b (1 version, last 2024-01-05), c (1 version, last 2024-01-04), d (1 version, last 2024-01-03), e (1 version, last 2024-01-02) and 1 more.'],
  },
  {
    name: 'trusted publishing, then a person by hand with a changed e-mail',
    releases: [...TRUSTED_RUN, by('2.3.1', 40, KIRA_NEW_MAIL)],
    target: '2.3.1',
    evidence: {
      version: '2.3.1',
      publishedAt: at(40),
      publisher: 'kira',
      previousVersion: '2.3.0',
      previousPublisher: 'GitHub Actions',
      previousPublishers: [record('GitHub Actions', 2, 20, 30), record('kira', 2, 0, 10)],
      trustedPublisher: 'github',
      emailChange: 'kira@example.com → kira.backup@proton.me',
    },
    says: [
      'pkg@2.3.1 was published by kira by hand (a personal npm token), while the releases before it came from GitHub Actions through trusted publishing since 2.2.0 (2024-01-21).',
      "The account's publishing e-mail also changed (kira@example.com → kira.backup@proton.me).",
    ],
  },
  {
    name: 'trusted publishing, then a person by hand with the same e-mail',
    releases: [...TRUSTED_RUN, by('2.3.1', 40, KIRA)],
    target: '2.3.1',
    evidence: {
      version: '2.3.1',
      publishedAt: at(40),
      publisher: 'kira',
      previousVersion: '2.3.0',
      previousPublisher: 'GitHub Actions',
      previousPublishers: [record('GitHub Actions', 2, 20, 30), record('kira', 2, 0, 10)],
      trustedPublisher: 'github',
    },
    says: ['through trusted publishing since 2.2.0 (2024-01-21). A manual publish breaking a CI-only habit'],
  },
  {
    name: 'an e-mail differing only in case is not a change',
    releases: [...TRUSTED_RUN, by('2.3.1', 40, KIRA_SHOUTING)],
    target: '2.3.1',
    evidence: {
      version: '2.3.1',
      publishedAt: at(40),
      publisher: 'kira',
      previousVersion: '2.3.0',
      previousPublisher: 'GitHub Actions',
      previousPublishers: [record('GitHub Actions', 2, 20, 30), record('kira', 2, 0, 10)],
      trustedPublisher: 'github',
    },
  },
  {
    name: 'trusted publishing, then an account never seen: reported as a new account',
    releases: [...TRUSTED_RUN, by('2.3.1', 40, 'mallory')],
    target: '2.3.1',
    evidence: {
      version: '2.3.1',
      publishedAt: at(40),
      publisher: 'mallory',
      previousVersion: '2.3.0',
      previousPublisher: 'GitHub Actions',
      previousPublishers: [record('GitHub Actions', 2, 20, 30), record('kira', 2, 0, 10)],
      maintainerSince: null,
    },
    says: ['an account that never published this package before'],
  },
  {
    name: 'a maintainer added shortly before their first publish: still a warning',
    releases: [by('1.0.0', 0, 'alice'), { ...by('1.1.0', 100, 'alice'), maintainers: ['alice', 'bob'] }, by('1.2.0', 120, 'bob')],
    target: '1.2.0',
    evidence: {
      version: '1.2.0',
      publishedAt: at(120),
      publisher: 'bob',
      previousVersion: '1.1.0',
      previousPublisher: 'alice',
      previousPublishers: [record('alice', 2, 0, 100)],
      maintainerSince: at(100),
    },
    says: ['an account that never published this package before and only became a maintainer with 1.1.0 (2024-04-10); earlier releases came from alice (2 versions, last 2024-04-10).'],
  },
  {
    name: 'a co-maintainer listed for exactly 90 days before their first publish: information',
    releases: [{ ...by('1.0.0', 0, 'alice'), maintainers: ['alice', 'bob'] }, { ...by('1.1.0', 50, 'alice'), maintainers: ['alice', 'bob'] }, by('1.2.0', 90, 'bob')],
    target: '1.2.0',
    evidence: {
      version: '1.2.0',
      publishedAt: at(90),
      publisher: 'bob',
      previousVersion: '1.1.0',
      previousPublisher: 'alice',
      previousPublishers: [record('alice', 2, 0, 50)],
      maintainerSince: at(0),
    },
    severity: 'information',
    says: ['pkg@1.2.0 was published by bob, who had not published it before but has been a listed maintainer since 1.0.0 (2024-01-01); earlier releases came from alice (2 versions, last 2024-02-20).'],
  },
  {
    name: 'a co-maintainer listed for a minute less than 90 days: a warning',
    releases: [{ ...by('1.0.0', 0, 'alice'), maintainers: ['alice', 'bob'] }, { version: '1.2.0', at: at(89, 24 * 60 - 1), by: 'bob' }],
    target: '1.2.0',
    evidence: {
      version: '1.2.0',
      publishedAt: at(89, 24 * 60 - 1),
      publisher: 'bob',
      previousVersion: '1.0.0',
      previousPublisher: 'alice',
      previousPublishers: [record('alice', 1, 0, 0)],
      maintainerSince: at(0),
    },
    says: ['and only became a maintainer with 1.0.0 (2024-01-01)'],
  },
  { name: 'the regular maintainer', releases: [by('1.0.0', 0, 'alice'), by('1.1.0', 10, 'alice')], target: '1.1.0', evidence: undefined },
  { name: 'a returning maintainer', releases: [by('1.0.0', 0, 'alice'), by('1.1.0', 10, 'bob'), by('1.2.0', 20, 'alice')], target: '1.2.0', evidence: undefined },
  { name: 'the first version', releases: [by('1.0.0', 0, 'alice')], target: '1.0.0', evidence: undefined },
  { name: 'no publisher on the version', releases: [by('1.0.0', 0, 'alice'), by('1.1.0', 10)], target: '1.1.0', evidence: undefined },
  { name: 'no publisher on any earlier version', releases: [by('1.0.0', 0), by('1.1.0', 10, 'alice')], target: '1.1.0', evidence: undefined },
  { name: 'a switch to trusted publishing', releases: [by('1.0.0', 0, KIRA), by('1.1.0', 10, CI)], target: '1.1.0', evidence: undefined },
  { name: 'trusted publishing continued', releases: TRUSTED_RUN, target: '2.3.0', evidence: undefined },
  { name: 'a person by hand after a person by hand', releases: [...TRUSTED_RUN, by('2.3.1', 40, KIRA), by('2.3.2', 50, KIRA)], target: '2.3.2', evidence: undefined },
];

for (const c of CASES) {
  test(`new-publisher: ${c.name}`, () => {
    const hit = newPublisher(contextOf(summaryOf('pkg', c.releases), c.target, dayAfter(c.releases, c.target)));
    if (c.evidence === undefined) {
      assert.equal(hit, undefined);
      return;
    }
    assert.ok(hit);
    assert.equal(hit.signal, 'new-publisher');
    assert.equal(hit.severity, c.severity ?? 'warning');
    assert.deepEqual(hit.evidence, c.evidence);
    for (const phrase of c.says ?? []) assert.ok(hit.message.includes(phrase), `${hit.message}\n  lacks: ${phrase}`);
  });
}

const VETTING_CASES: Array<{ name: string; daysAfter: number; severity: 'warning' | 'information' }> = [
  { name: 'one day after the release', daysAfter: 1, severity: 'warning' },
  { name: 'a minute short of 90 days after the release', daysAfter: 90 - 1 / 1440, severity: 'warning' },
  { name: '90 days after the release: vetted by time', daysAfter: 90, severity: 'information' },
  { name: 'years after the release', daysAfter: 2000, severity: 'information' },
];

for (const c of VETTING_CASES) {
  test(`new-publisher: a newcomer's release judged ${c.name} is ${c.severity}`, () => {
    const releases = [by('1.0.0', 0, 'alice'), by('1.1.0', 10, 'alice'), by('1.2.0', 20, 'mallory')];
    const now = new Date(Date.parse(at(20)) + c.daysAfter * DAY_MS).toISOString();
    const hit = newPublisher(contextOf(summaryOf('pkg', releases), '1.2.0', now));
    assert.equal(hit?.severity, c.severity);
    assert.equal(hit?.evidence.vettedByTime, c.severity === 'information' ? true : undefined);
    if (c.severity === 'information') {
      assert.match(hit?.message ?? '', /It has been public for .* without being pulled, which makes a hijack unlikely\.$/);
      assert.doesNotMatch(hit?.message ?? '', /Check the release notes/);
    }
  });
}
