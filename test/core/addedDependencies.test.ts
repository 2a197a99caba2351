/**
 * The signals about what a release adds to its dependencies: young-dependency-added, install-script-added
 * through a new dependency, git-dependency-added. Positives with exact evidence, and the negatives that
 * keep noise low (a long-established dependency, a monorepo sibling, a dependency that was already there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFn } from '../../server/src/core/lookups';
import type { PackageSummary } from '../../server/src/core/registry/types';
import { dependencyChanges } from '../../server/src/core/signals/dependencyChanges';
import { dependencyInstallScript } from '../../server/src/core/signals/dependencyInstallScript';
import { gitDependencyAdded } from '../../server/src/core/signals/gitDependencyAdded';
import { youngDependencyAdded } from '../../server/src/core/signals/youngDependencyAdded';
import { at, contextOf, summaryOf, type Release } from '../helpers/coreBuilders';

const lookupOf =
  (...summaries: PackageSummary[]): LookupFn =>
  (name) => {
    const summary = summaries.find((s) => s.name === name);
    return summary ? { ok: true, summary } : { ok: false, kind: 'not-found', message: `${name} is not on the registry (404).` };
  };

/** `host`: two quiet releases by alice, then 1.2.0 on day 200 with `dependencies`. */
function host(dependencies: Record<string, string>, extra: Partial<Release> = {}, before: Record<string, string> = { 'old-dep': '^1.0.0' }): PackageSummary {
  return summaryOf('host', [
    { version: '1.0.0', at: at(0), by: 'alice', dependencies: before },
    { version: '1.1.0', at: at(100), by: 'alice', dependencies: before },
    { version: '1.2.0', at: at(200), by: 'alice', dependencies: { ...before, ...dependencies }, ...extra },
  ]);
}

/** A package first published on `day` (plus minutes) by `by`. */
const dep = (name: string, day: number, by = 'mallory', releases: Partial<Release>[] = [{}]): PackageSummary =>
  summaryOf(
    name,
    releases.map((r, i) => ({ version: `1.0.${i}`, at: at(day + i), by, ...r })),
  );

const NOW = at(200, 60);

interface YoungCase {
  name: string;
  summary: PackageSummary;
  lookup: LookupFn;
  now?: string;
  config?: { youngDependencyDays: number };
  /** Exact evidence.dependencies names, or undefined for no finding. */
  young: string[] | undefined;
}

const YOUNG: YoungCase[] = [
  { name: 'a package created 5 days before the release', summary: host({ fresh: '^1.0.0' }), lookup: lookupOf(dep('fresh', 195)), young: ['fresh'] },
  { name: 'a package created 29 days before', summary: host({ fresh: '^1.0.0' }), lookup: lookupOf(dep('fresh', 171)), young: ['fresh'] },
  { name: 'exactly 30 days before is old enough', summary: host({ fresh: '^1.0.0' }), lookup: lookupOf(dep('fresh', 170)), young: undefined },
  { name: 'a long-established package is nothing', summary: host({ lodash: '^4.0.0' }), lookup: lookupOf(dep('lodash', -2000, 'jdalton')), young: undefined },
  { name: 'a threshold from the configuration', summary: host({ fresh: '^1.0.0' }), lookup: lookupOf(dep('fresh', 155)), config: { youngDependencyDays: 60 }, young: ['fresh'] },
  {
    name: 'a young package the previous release already had is not added',
    summary: host({}, {}, { fresh: '^1.0.0' }),
    lookup: lookupOf(dep('fresh', 195)),
    young: undefined,
  },
  {
    name: 'a new optional dependency counts, and an alias is looked up by its target',
    summary: host({ shim: 'npm:fresh@^1.0.0' }, { optionalDependencies: { other: '^1.0.0' } }),
    lookup: lookupOf(dep('fresh', 195), dep('other', 199)),
    young: ['other', 'fresh'],
  },
  {
    name: 'a monorepo sibling in the same scope is not reported',
    summary: summaryOf('@corp/core', [
      { version: '1.0.0', at: at(0), by: 'alice' },
      { version: '1.1.0', at: at(200), by: 'alice', dependencies: { '@corp/helper': '^1.0.0' } },
    ]),
    lookup: lookupOf(dep('@corp/helper', 199, 'bob')),
    young: undefined,
  },
  {
    name: 'a sibling from the same repository, first published by a publisher of this package, is not reported',
    summary: host({ 'host-helper': '^1.0.0' }, { repository: 'git+https://github.com/acme/host.git' }),
    lookup: lookupOf(dep('host-helper', 199, 'alice', [{ repository: 'https://github.com/acme/host' }])),
    young: undefined,
  },
  {
    name: 'the same repository claimed by a newcomer is still reported',
    summary: host({ 'host-helper': '^1.0.0' }, { repository: 'git+https://github.com/acme/host.git' }),
    lookup: lookupOf(dep('host-helper', 199, 'mallory', [{ repository: 'https://github.com/acme/host' }])),
    young: ['host-helper'],
  },
  { name: '90 days later the release has been vetted by time', summary: host({ fresh: '^1.0.0' }), lookup: lookupOf(dep('fresh', 195)), now: at(291), young: undefined },
  { name: 'a dependency that cannot be looked up alone reports nothing', summary: host({ gone: '^1.0.0' }), lookup: lookupOf(), young: undefined },
];

for (const c of YOUNG) {
  test(`young-dependency-added: ${c.name}`, () => {
    const context = contextOf(c.summary, c.summary.versions['1.2.0'] ? '1.2.0' : '1.1.0', c.now ?? NOW, { cooldownDays: 3, ...c.config });
    const hit = youngDependencyAdded(context, c.lookup);
    assert.deepEqual(
      (hit?.evidence.dependencies as Array<{ name: string }> | undefined)?.map((d) => d.name),
      c.young,
    );
    if (hit) assert.equal(hit.severity, 'error');
  });
}

test('young-dependency-added: exact evidence and message, the failed lookup of another added package in evidence', () => {
  const summary = host({ fresh: '^1.0.0', gone: '~2.0.0' }, { by: 'mallory' });
  const hit = youngDependencyAdded(contextOf(summary, '1.2.0', NOW), lookupOf(dep('fresh', 195, 'mallory')));
  assert.deepEqual(hit?.evidence, {
    version: '1.2.0',
    publishedAt: at(200),
    publisher: 'mallory',
    previousVersion: '1.1.0',
    thresholdDays: 30,
    dependencies: [
      {
        name: 'fresh',
        spec: '^1.0.0',
        optional: false,
        created: at(195),
        ageHours: 120,
        firstVersion: '1.0.0',
        firstPublisher: 'mallory',
        samePublisher: true,
      },
    ],
    unchecked: [{ name: 'gone', reason: 'gone is not on the registry (404).' }],
  });
  assert.equal(
    hit?.message,
    'host@1.2.0 (2024-07-19, by mallory) adds a dependency on fresh (^1.0.0), created 5 days before it (2024-07-14, first published by ' +
      'mallory — the account that published this release); 1.1.0 did not depend on it. Whoever takes over a package hides the payload ' +
      'in a brand-new dependency where nobody looks: event-stream (flatmap-stream, 2018) and axios (plain-crypto-js, 2026). Read that code before installing.',
  );
});

test('young-dependency-added: the previous release is the one published before, not the previous version number', () => {
  // 1.2.5 is a backport published after 2.0.0; 2.0.0 already depended on fresh, so 1.2.5 adds nothing new to installs.
  const summary = summaryOf('host', [
    { version: '1.2.0', at: at(0), by: 'alice' },
    { version: '2.0.0', at: at(190), by: 'alice', dependencies: { fresh: '^1.0.0' } },
    { version: '1.2.5', at: at(200), by: 'alice', dependencies: { fresh: '^1.0.0' } },
  ]);
  assert.equal(youngDependencyAdded(contextOf(summary, '1.2.5', NOW), lookupOf(dep('fresh', 185))), undefined);
});

interface ScriptCase {
  name: string;
  dependency: PackageSummary;
  spec?: string;
  /** [dependency version resolved at publish time, its scripts], or undefined for no finding. */
  expected: [string, string[]] | undefined;
}

const SCRIPTS: ScriptCase[] = [
  {
    name: "the dependency's version at publish time has a postinstall",
    dependency: dep('hash-lite', 199, 'lumen', [{}, { scripts: { postinstall: 'node setup.js' } }]),
    spec: '^1.0.1',
    expected: ['1.0.1', ['postinstall: node setup.js']],
  },
  {
    name: 'an implicit node-gyp rebuild counts',
    dependency: dep('native', -500, 'nat', [{ gypfile: true }]),
    expected: ['1.0.0', ['install (implicit node-gyp rebuild)']],
  },
  {
    name: 'a script the dependency added only after the release is not this release',
    // 1.0.0 (day 150) is what ^1.0.0 gave on day 200; 1.0.1 with the script came on day 201.
    dependency: summaryOf('hash-lite', [{ version: '1.0.0', at: at(150), by: 'l' }, { version: '1.0.1', at: at(201), by: 'l', scripts: { postinstall: 'x' } }]),
    expected: undefined,
  },
  { name: 'a dependency without install scripts', dependency: dep('plain', -500), expected: undefined },
];

for (const c of SCRIPTS) {
  test(`install-script-added through a new dependency: ${c.name}`, () => {
    const summary = host({ [c.dependency.name]: c.spec ?? '^1.0.0' });
    const hit = dependencyInstallScript(contextOf(summary, '1.2.0', NOW), lookupOf(c.dependency));
    const deps = hit?.evidence.dependencies as Array<{ version: string; scripts: string[] }> | undefined;
    assert.deepEqual(deps?.map((d) => [d.version, d.scripts])[0], c.expected);
    if (hit) {
      assert.equal(hit.signal, 'install-script-added');
      assert.equal(hit.severity, 'error');
      assert.match(hit.message, new RegExp(`adds the dependency ${c.dependency.name} \\(`));
    }
  });
}

test('install-script-added through a new dependency: exact evidence; a dependency the previous release had is not new', () => {
  const lite = dep('hash-lite', 199, 'lumen', [{}, { scripts: { postinstall: 'node setup.js' } }]);
  const hit = dependencyInstallScript(contextOf(host({ 'hash-lite': '^1.0.1' }), '1.2.0', NOW), lookupOf(lite));
  assert.deepEqual(hit?.evidence, {
    version: '1.2.0',
    publishedAt: at(200),
    publisher: 'alice',
    previousVersion: '1.1.0',
    dependencies: [
      { name: 'hash-lite', spec: '^1.0.1', optional: false, version: '1.0.1', publishedAt: at(200), publisher: 'lumen', scripts: ['postinstall: node setup.js'] },
    ],
  });
  assert.match(hit?.message ?? '', /runs `postinstall: node setup.js` at install; 1\.1\.0 did not depend on it\./);
  const kept = host({}, {}, { 'hash-lite': '^1.0.1' });
  assert.equal(dependencyInstallScript(contextOf(kept, '1.2.0', NOW), lookupOf(lite)), undefined);
});

interface GitCase {
  name: string;
  before: Record<string, string>;
  after: Record<string, string>;
  /** Exact evidence.added, or undefined for no finding. */
  added: Array<Record<string, unknown>> | undefined;
}

const GIT: GitCase[] = [
  {
    name: 'a new GitHub dependency',
    before: { a: '^1.0.0' },
    after: { a: '^1.0.0', helper: 'github:someone/helper' },
    added: [{ name: 'helper', spec: 'github:someone/helper', source: 'git', optional: false, previousSpec: null }],
  },
  {
    name: 'a registry dependency switched to a tarball URL',
    before: { a: '^1.0.0' },
    after: { a: 'https://evil.example/a-1.0.0.tgz' },
    added: [{ name: 'a', spec: 'https://evil.example/a-1.0.0.tgz', source: 'tarball-url', optional: false, previousSpec: '^1.0.0' }],
  },
  {
    name: 'a git+ssh URL',
    before: {},
    after: { b: 'git+ssh://git@host.example/b.git#main' },
    added: [{ name: 'b', spec: 'git+ssh://git@host.example/b.git#main', source: 'git', optional: false, previousSpec: null }],
  },
  { name: 'a git dependency the previous release had too', before: { helper: 'github:someone/helper' }, after: { helper: 'github:someone/helper#v2' }, added: undefined },
  { name: 'a new registry dependency', before: {}, after: { lodash: '^4.17.21' }, added: undefined },
  { name: 'a new local path is not a remote source', before: {}, after: { local: 'file:../local' }, added: undefined },
];

for (const c of GIT) {
  test(`git-dependency-added: ${c.name}`, () => {
    const summary = summaryOf('host', [
      { version: '1.0.0', at: at(0), by: 'alice', dependencies: c.before },
      { version: '1.1.0', at: at(10), by: 'alice', dependencies: c.after },
    ]);
    const hit = gitDependencyAdded(contextOf(summary, '1.1.0', at(11)));
    assert.deepEqual(hit?.evidence.added, c.added);
    if (hit) {
      assert.deepEqual([hit.signal, hit.severity, hit.evidence.previousVersion], ['git-dependency-added', 'error', '1.0.0']);
      assert.match(hit.message, /^host@1\.1\.0 \(2024-01-11, by alice\) installs .* which 1\.0\.0 did not\./);
    }
  });
}

test('git-dependency-added: does not fade; a first release adds nothing', () => {
  const summary = summaryOf('host', [
    { version: '1.0.0', at: at(0), by: 'alice', dependencies: { g: 'github:u/g' } },
    { version: '1.1.0', at: at(10), by: 'alice', dependencies: { g: 'github:u/g', h: 'github:u/h' } },
  ]);
  assert.equal(gitDependencyAdded(contextOf(summary, '1.1.0', at(2000)))?.severity, 'error');
  assert.equal(gitDependencyAdded(contextOf(summary, '1.0.0', at(1))), undefined);
});

test('dependencyChanges: regular and optional dependencies by name, sorted, with the spec they replaced', () => {
  const [before, after] = Object.values(
    summaryOf('host', [
      { version: '1.0.0', at: at(0), dependencies: { keep: '^1.0.0', swap: '^2.0.0' } },
      { version: '1.1.0', at: at(1), dependencies: { keep: '^1.1.0', swap: 'github:u/swap', zeta: '1' }, optionalDependencies: { alpha: '^3.0.0', keep: '^1.1.0' } },
    ]).versions,
  );
  assert.ok(before && after);
  assert.deepEqual(
    dependencyChanges(after, before).map((c) => [c.name, c.kind, c.optional, c.previousSpec ?? null]),
    [
      ['alpha', 'registry', true, null],
      ['swap', 'git', false, '^2.0.0'],
      ['zeta', 'registry', false, null],
    ],
  );
  assert.deepEqual(dependencyChanges(after, undefined), []);
});
