/**
 * The takeover signals beyond the foundation, on synthetic histories: trust-downgrade, dormant-release,
 * release-line-burst, repository-changed, new-bin — positives with exact evidence, and the negatives
 * that keep noise low.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dormantRelease } from '../../server/src/core/signals/dormantRelease';
import { newBin } from '../../server/src/core/signals/newBin';
import { releaseLine, releaseLineBurst } from '../../server/src/core/signals/releaseLineBurst';
import { normalizeRepository, repositoryChanged } from '../../server/src/core/signals/repositoryChanged';
import { trustDowngrade } from '../../server/src/core/signals/trustDowngrade';
import type { Signal } from '../../server/src/core/signals';
import { DEFAULT_CONFIG, type AnalysisConfig } from '../../server/src/core/config';
import { at, CI, contextOf, summaryOf, type Release } from '../helpers/coreBuilders';

interface Case {
  name: string;
  signal: Signal;
  releases: Release[];
  target: string;
  /** When the analysis runs; default: one hour after the target's release. */
  now?: string;
  /** Thresholds from .vigilrc.json. */
  config?: Partial<AnalysisConfig>;
  severity?: 'error' | 'warning' | 'information';
  /** Evidence fields that must match exactly. */
  evidence?: Record<string, unknown>;
  says?: string[];
}

const plusHour = (iso: string): string => new Date(Date.parse(iso) + 3_600_000).toISOString();
const KIRA = { name: 'kira', email: 'kira@example.com' };
const ATTESTED: Release[] = [
  { version: '2.0.0', at: at(0), by: KIRA },
  { version: '2.1.0', at: at(10), by: CI, provenance: true },
  { version: '2.2.0', at: at(20), by: CI, provenance: true },
];

const CASES: Case[] = [
  {
    name: 'trust-downgrade: a token publish after trusted, attested releases',
    signal: trustDowngrade,
    releases: [...ATTESTED, { version: '2.2.1', at: at(30), by: KIRA }],
    target: '2.2.1',
    severity: 'error',
    evidence: { previousVersion: '2.2.0', previousProvenance: true, previousTrustedPublisher: 'github', attestedSince: '2.1.0', attestedReleases: 2 },
    says: ['without provenance or trusted publishing', 'came with trusted publishing (github) and provenance'],
  },
  {
    name: 'trust-downgrade: provenance alone (no trusted publisher) counts as attested',
    signal: trustDowngrade,
    releases: [{ version: '1.0.0', at: at(0), by: KIRA, provenance: true }, { version: '1.0.1', at: at(5), by: KIRA }],
    target: '1.0.1',
    severity: 'error',
    evidence: { previousProvenance: true, previousTrustedPublisher: null, attestedReleases: 1 },
  },
  { name: 'trust-downgrade: attested release after attested ones', signal: trustDowngrade, releases: [...ATTESTED, { version: '2.3.0', at: at(30), by: CI, provenance: true }], target: '2.3.0' },
  { name: 'trust-downgrade: never attested', signal: trustDowngrade, releases: [{ version: '1.0.0', at: at(0), by: KIRA }, { version: '1.0.1', at: at(5), by: KIRA }], target: '1.0.1' },
  { name: 'trust-downgrade: a switch to attestation is no downgrade', signal: trustDowngrade, releases: ATTESTED, target: '2.1.0' },
  {
    name: 'trust-downgrade: two years later it has been vetted by time',
    signal: trustDowngrade,
    releases: [...ATTESTED, { version: '2.2.1', at: at(30), by: KIRA }],
    target: '2.2.1',
    now: at(760),
    severity: 'information',
    evidence: { vettedByTime: true },
    says: ['It has been public for 2 years without being pulled'],
  },
  {
    name: 'dormant-release: a release after more than a year of silence',
    signal: dormantRelease,
    releases: [{ version: '1.0.0', at: at(0), by: 'sam' }, { version: '1.0.1', at: at(100), by: 'sam' }, { version: '1.0.2', at: at(100 + 800), by: 'helper' }],
    target: '1.0.2',
    severity: 'warning',
    evidence: { previousVersion: '1.0.1', silentDays: 800, publisher: 'helper', previousPublisher: 'sam' },
    says: ['ended 2 years without any release'],
  },
  {
    name: 'dormant-release: a wake-up two years ago says nothing today (vetted by time)',
    signal: dormantRelease,
    releases: [{ version: '1.0.0', at: at(0), by: 'sam' }, { version: '1.0.1', at: at(800), by: 'sam' }],
    target: '1.0.1',
    now: at(800 + 730),
  },
  { name: 'dormant-release: 364 days is not dormant', signal: dormantRelease, releases: [{ version: '1.0.0', at: at(0), by: 'sam' }, { version: '1.1.0', at: at(364), by: 'sam' }], target: '1.1.0' },
  { name: 'dormant-release: exactly 365 days is', signal: dormantRelease, releases: [{ version: '1.0.0', at: at(0), by: 'sam' }, { version: '1.1.0', at: at(365), by: 'sam' }], target: '1.1.0', severity: 'warning', evidence: { silentDays: 365 } },
  {
    name: 'dormant-release: thresholds.dormantReleaseDays 180 makes 200 silent days dormant',
    signal: dormantRelease,
    releases: [{ version: '1.0.0', at: at(0), by: 'sam' }, { version: '1.1.0', at: at(200), by: 'sam' }],
    target: '1.1.0',
    config: { dormantReleaseDays: 180 },
    severity: 'warning',
    evidence: { silentDays: 200 },
  },
  { name: 'dormant-release: the first release', signal: dormantRelease, releases: [{ version: '1.0.0', at: at(0), by: 'sam' }], target: '1.0.0' },
  {
    name: 'release-line-burst: three lines within minutes (ua-parser-js)',
    signal: releaseLineBurst,
    releases: [
      { version: '0.7.22', at: at(0), by: 'f' },
      { version: '0.7.23', at: at(18, 0), by: 'f' },
      { version: '0.8.0', at: at(18, 4), by: 'f' },
      { version: '1.0.0', at: at(18, 7), by: 'f' },
    ],
    target: '0.8.0',
    severity: 'warning',
    evidence: { lines: ['0.7', '0.8', '1'], versions: ['0.7.23', '0.8.0', '1.0.0'], publishers: ['f'], windowHours: 6 },
  },
  {
    name: 'release-line-burst: two lines are a normal backport',
    signal: releaseLineBurst,
    releases: [{ version: '1.4.2', at: at(5, 0), by: 'f' }, { version: '2.1.1', at: at(5, 30), by: 'f' }],
    target: '2.1.1',
  },
  {
    name: 'release-line-burst: three patches on one line are not a burst of lines',
    signal: releaseLineBurst,
    releases: [{ version: '2.1.1', at: at(5, 0), by: 'f' }, { version: '2.1.2', at: at(5, 10), by: 'f' }, { version: '2.2.0', at: at(5, 20), by: 'f' }],
    target: '2.2.0',
  },
  {
    name: 'release-line-burst: two lines are a burst when thresholds.releaseLineBurstLines is 2',
    signal: releaseLineBurst,
    releases: [{ version: '1.4.2', at: at(5, 0), by: 'f' }, { version: '2.1.1', at: at(5, 30), by: 'f' }],
    target: '2.1.1',
    config: { releaseLineBurstLines: 2 },
    severity: 'warning',
    evidence: { lines: ['1', '2'], windowHours: 6 },
  },
  {
    name: 'release-line-burst: lines a day apart are a burst within a 48-hour window',
    signal: releaseLineBurst,
    releases: [{ version: '1.0.0', at: at(1), by: 'f' }, { version: '2.0.0', at: at(2), by: 'f' }, { version: '3.0.0', at: at(3), by: 'f' }],
    target: '2.0.0',
    config: { releaseLineBurstHours: 48 },
    severity: 'warning',
    evidence: { lines: ['1', '2', '3'], windowHours: 48 },
  },
  {
    name: 'release-line-burst: lines spread over days are not a burst',
    signal: releaseLineBurst,
    releases: [{ version: '1.0.0', at: at(1), by: 'f' }, { version: '2.0.0', at: at(2), by: 'f' }, { version: '3.0.0', at: at(3), by: 'f' }],
    target: '3.0.0',
  },
  {
    name: 'repository-changed: moved to another owner',
    signal: repositoryChanged,
    releases: [
      { version: '1.0.0', at: at(0), by: 'a', repository: 'git+https://github.com/alice/lib.git' },
      { version: '1.0.1', at: at(5), by: 'a', repository: 'git+https://github.com/mallory/lib.git' },
    ],
    target: '1.0.1',
    severity: 'warning',
    evidence: { repository: 'github.com/mallory/lib', previousRepository: 'github.com/alice/lib', previousVersion: '1.0.0' },
  },
  {
    name: 'repository-changed: the same repository written another way is no change',
    signal: repositoryChanged,
    releases: [
      { version: '1.0.0', at: at(0), by: 'a', repository: 'git://github.com/Alice/lib.git' },
      { version: '1.0.1', at: at(5), by: 'a', repository: 'github:alice/lib' },
      { version: '1.0.2', at: at(6), by: 'a', repository: 'git@github.com:alice/lib.git' },
    ],
    target: '1.0.2',
  },
  {
    name: 'new-bin: an executable appears',
    signal: newBin,
    releases: [{ version: '1.0.0', at: at(0), by: 'a' }, { version: '1.1.0', at: at(5), by: 'a', bin: { git: './fake-git.js' } }],
    target: '1.1.0',
    severity: 'information',
    evidence: { added: ['git'], previousBin: [] },
  },
  {
    name: 'new-bin: the same executables as before',
    signal: newBin,
    releases: [{ version: '1.0.0', at: at(0), by: 'a', bin: { tool: 'cli.js' } }, { version: '1.1.0', at: at(5), by: 'a', bin: { tool: 'cli.js' } }],
    target: '1.1.0',
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const summary = summaryOf('pkg', c.releases);
    const published = c.releases.find((r) => r.version === c.target)?.at as string;
    const hit = c.signal(contextOf(summary, c.target, c.now ?? plusHour(published), { ...DEFAULT_CONFIG, ...c.config }));
    if (c.severity === undefined) {
      assert.equal(hit, undefined, hit?.message);
      return;
    }
    assert.ok(hit, 'a finding');
    assert.equal(hit.severity, c.severity);
    for (const [key, value] of Object.entries(c.evidence ?? {})) assert.deepEqual(hit.evidence[key], value, key);
    for (const phrase of c.says ?? []) assert.ok(hit.message.includes(phrase), `${hit.message}\n  lacks: ${phrase}`);
  });
}

const LINES: Array<[string, string | undefined]> = [['0.7.23', '0.7'], ['0.8.0', '0.8'], ['1.0.0', '1'], ['1.9.3', '1'], ['12.0.0-rc.1', '12'], ['not-semver', undefined]];
for (const [version, line] of LINES) test(`releaseLine(${version}) = ${line}`, () => assert.equal(releaseLine(version), line));

const REPOS: Array<[string, string]> = [
  ['git+https://github.com/Foo/Bar.git', 'github.com/foo/bar'],
  ['git://github.com/foo/bar.git', 'github.com/foo/bar'],
  ['git+ssh://git@github.com/foo/bar.git', 'github.com/foo/bar'],
  ['git@github.com:foo/bar.git', 'github.com/foo/bar'],
  ['https://www.github.com/foo/bar/', 'github.com/foo/bar'],
  ['github:foo/bar', 'github.com/foo/bar'],
  ['foo/bar', 'github.com/foo/bar'],
  ['gitlab:foo/bar', 'gitlab.com/foo/bar'],
  ['bitbucket:foo/bar', 'bitbucket.org/foo/bar'],
  ['https://github.com/foo/bar#readme', 'github.com/foo/bar'],
  ['https://git.example.com:8443/team/bar.git', 'git.example.com:8443/team/bar'],
];
for (const [url, normal] of REPOS) test(`normalizeRepository(${url})`, () => assert.equal(normalizeRepository(url), normal));
