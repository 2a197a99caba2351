/**
 * publish-burst: several of the project's dependencies released by one account within a short window (the
 * September 2025 chalk/debug pattern). Table of positives with exact evidence and the negatives that keep a
 * maintainer's ordinary day, a monorepo release and CI publishing quiet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, type AnalysisConfig } from '../../server/src/core/config';
import type { PackageSummary } from '../../server/src/core/registry/types';
import { publishBursts, type BurstInput } from '../../server/src/core/signals/publishBurst';
import { at, CI, summaryOf, type Account } from '../helpers/coreBuilders';

/** A package with an old release by its owner and a new one by `by`, `minutes` after day 300 began. */
function pkg(name: string, minutes: number, by: string | Account = 'qix', repository?: string): PackageSummary {
  return summaryOf(name, [
    { version: '1.0.0', at: at(100), by: 'qix' },
    { version: '1.0.1', at: at(300, minutes), by, ...(repository && { repository }) },
  ]);
}

const latest = (summary: PackageSummary): BurstInput => ({ summary, version: summary.distTags.latest as string });
const NOW = new Date(at(300, 180));

interface Case {
  name: string;
  inputs: BurstInput[];
  now?: Date;
  config?: Partial<AnalysisConfig>;
  /** The keys that get a hit. */
  flagged: string[];
}

const CASES: Case[] = [
  { name: 'three packages by one account within two hours', inputs: [pkg('chalk', 0), pkg('debug', 40), pkg('ansi-styles', 110)].map(latest), flagged: ['chalk@1.0.1', 'debug@1.0.1', 'ansi-styles@1.0.1'] },
  { name: 'two packages are not a burst', inputs: [pkg('chalk', 0), pkg('debug', 40)].map(latest), flagged: [] },
  { name: 'three packages spread over three hours', inputs: [pkg('chalk', 0), pkg('debug', 90), pkg('ansi-styles', 180)].map(latest), flagged: [] },
  { name: 'three accounts are not one account', inputs: [pkg('chalk', 0, 'a'), pkg('debug', 10, 'b'), pkg('ansi-styles', 20, 'c')].map(latest), flagged: [] },
  {
    name: 'a monorepo release counts as one package',
    inputs: [pkg('@babel/core', 0, 'qix', 'https://github.com/babel/babel'), pkg('@babel/cli', 1, 'qix', 'git+https://github.com/babel/babel.git'), pkg('chalk', 5)].map(latest),
    flagged: [],
  },
  { name: 'trusted publishing names the CI, not an account', inputs: [pkg('a', 0, CI), pkg('b', 10, CI), pkg('c', 20, CI)].map(latest), flagged: [] },
  { name: 'a burst public for 90 days has been vetted by time', inputs: [pkg('chalk', 0), pkg('debug', 40), pkg('ansi-styles', 110)].map(latest), now: new Date(at(390, 111)), flagged: [] },
  {
    name: 'a dependency the project resolves to an older release counts for the burst but gets no finding',
    inputs: [latest(pkg('chalk', 0)), latest(pkg('debug', 40)), { summary: pkg('ansi-styles', 110), version: '1.0.0' }],
    flagged: ['chalk@1.0.1', 'debug@1.0.1'],
  },
  { name: 'the number of packages is configurable', inputs: [pkg('chalk', 0), pkg('debug', 40)].map(latest), config: { publishBurstPackages: 2 }, flagged: ['chalk@1.0.1', 'debug@1.0.1'] },
  { name: 'the window is configurable', inputs: [pkg('chalk', 0), pkg('debug', 90), pkg('ansi-styles', 180)].map(latest), config: { publishBurstHours: 3 }, flagged: ['chalk@1.0.1', 'debug@1.0.1', 'ansi-styles@1.0.1'] },
];

for (const c of CASES) {
  test(`publish-burst: ${c.name}`, () => {
    const hits = publishBursts(c.inputs, c.now ?? NOW, { ...DEFAULT_CONFIG, ...c.config });
    assert.deepEqual([...hits.keys()].sort(), [...c.flagged].sort());
    for (const hit of hits.values()) assert.deepEqual([hit.signal, hit.severity], ['publish-burst', 'warning']);
  });
}

test('publish-burst: the evidence lists every release of the burst, the message names them', () => {
  const inputs = [latest(pkg('chalk', 0)), latest(pkg('debug', 40)), { summary: pkg('ansi-styles', 110), version: '1.0.0' }];
  const hit = publishBursts(inputs, NOW, DEFAULT_CONFIG).get('debug@1.0.1');
  assert.deepEqual(hit?.evidence, {
    version: '1.0.1',
    publishedAt: at(300, 40),
    publisher: 'qix',
    windowHours: 2,
    packageCount: 3,
    releases: [
      { package: 'chalk', version: '1.0.1', publishedAt: at(300, 0), resolvedInProject: true },
      { package: 'debug', version: '1.0.1', publishedAt: at(300, 40), resolvedInProject: true },
      { package: 'ansi-styles', version: '1.0.1', publishedAt: at(300, 110), resolvedInProject: false },
    ],
  });
  assert.equal(
    hit?.message,
    'debug@1.0.1 is one of 3 releases of 3 of your dependencies that qix published within 2 hours on 2024-10-27: chalk@1.0.1 (00:00 UTC), ' +
      'debug@1.0.1 (00:40 UTC), ansi-styles@1.0.1 (01:50 UTC). One account releasing many unrelated packages at once is how a phished ' +
      'maintainer account is used (chalk, debug and 16 more packages on 8 September 2025). Unless the maintainer announced these releases, stay on the earlier ones.',
  );
});

test('publish-burst: a package declared twice is one package', () => {
  const chalk = pkg('chalk', 0);
  const hits = publishBursts([latest(chalk), latest(chalk), latest(pkg('debug', 40))], NOW, DEFAULT_CONFIG);
  assert.deepEqual([...hits.keys()], []);
});
