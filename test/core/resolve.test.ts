/**
 * resolve.resolveVersion: the version npm would pick today (npm-pick-manifest's rules), or a message
 * saying why it cannot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveVersion, type Resolution } from '../../server/src/core/resolve';
import type { PackageSummary } from '../../server/src/core/registry/types';
import { at, summaryOf, type Release } from '../helpers/coreBuilders';

const rel = (version: string, day: number, deprecated?: string): Release =>
  deprecated === undefined ? { version, at: at(day), by: 'alice' } : { version, at: at(day), by: 'alice', deprecated };

/** `latest` lags behind 2.1.0 on purpose; prereleases on two lines; two extra tags. */
const MAIN = summaryOf(
  'pkg',
  [rel('1.0.0', 0), rel('1.1.0', 1), rel('1.2.0', 2), rel('2.0.0-beta.1', 3), rel('2.0.0-beta.2', 4), rel('2.0.0', 5), rel('2.1.0', 6), rel('3.0.0-rc.1', 7)],
  { latest: '2.0.0', next: '3.0.0-rc.1', beta: '2.0.0-beta.2' },
);
const DEPRECATED_LATEST = summaryOf('dl', [rel('1.0.0', 0), rel('1.1.0', 1), rel('1.2.0', 2, 'broken build')], { latest: '1.2.0' });
const ALL_DEPRECATED = summaryOf('ad', [rel('1.0.0', 0, 'old'), rel('1.1.0', 1, 'old too')], { latest: '1.1.0' });
const MIDDLE_DEPRECATED = summaryOf('md', [rel('1.0.0', 0), rel('1.1.0', 1, 'x'), rel('1.2.0', 2, 'y')], { latest: '1.2.0' });
const DANGLING_LATEST = summaryOf('dangling', [rel('1.0.0', 0), rel('1.5.0', 1)], { latest: '9.9.9' });
const NO_TAGS = summaryOf('notags', [rel('0.9.0', 0), rel('1.0.0', 1), rel('1.1.0-alpha', 2)], {});
const EMPTY = summaryOf('empty', [], {});

const ok = (version: string): Resolution => ({ ok: true, version });

const CASES: Array<[string, PackageSummary, string, Resolution]> = [
  ['latest satisfies the range: latest, not the highest', MAIN, '^2.0.0', ok('2.0.0')],
  ['latest outside the range: highest satisfying', MAIN, '^1.0.0', ok('1.2.0')],
  ['tilde range', MAIN, '~1.1.0', ok('1.1.0')],
  ['exact version', MAIN, '1.1.0', ok('1.1.0')],
  ['exact version with leading =', MAIN, '=1.0.0', ok('1.0.0')],
  ['spaces around the range are ignored', MAIN, '  ^1.0.0 ', ok('1.2.0')],
  ['"" means latest', MAIN, '', ok('2.0.0')],
  ['"*" means latest', MAIN, '*', ok('2.0.0')],
  ['"latest" is the tag', MAIN, 'latest', ok('2.0.0')],
  ['a dist-tag spec resolves through the tag', MAIN, 'next', ok('3.0.0-rc.1')],
  ['another dist-tag', MAIN, 'beta', ok('2.0.0-beta.2')],
  ['a range above latest skips prereleases', MAIN, '>=2.1.0', ok('2.1.0')],
  ['a prerelease range picks prereleases on its own tuple', MAIN, '>=2.0.0-beta.1 <2.0.0', ok('2.0.0-beta.2')],
  ['a prerelease range that latest satisfies', MAIN, '^2.0.0-beta.1', ok('2.0.0')],
  ['a prerelease range on the next major', MAIN, '^3.0.0-rc.0', ok('3.0.0-rc.1')],
  ['x-range', MAIN, '1.x', ok('1.2.0')],
  ['hyphen range', MAIN, '1.0.0 - 1.1.9', ok('1.1.0')],
  ['deprecated latest is avoided for a range', DEPRECATED_LATEST, '^1.0.0', ok('1.1.0')],
  ['deprecated latest is avoided for *', DEPRECATED_LATEST, '*', ok('1.1.0')],
  ['deprecated latest is avoided for ""', DEPRECATED_LATEST, '', ok('1.1.0')],
  ['the latest tag itself still gets the deprecated version (as npm)', DEPRECATED_LATEST, 'latest', ok('1.2.0')],
  ['an exact deprecated version is what was asked for', DEPRECATED_LATEST, '1.2.0', ok('1.2.0')],
  ['all deprecated: the highest deprecated', ALL_DEPRECATED, '^1.0.0', ok('1.1.0')],
  ['a lower undeprecated version beats higher deprecated ones', MIDDLE_DEPRECATED, '^1.0.0', ok('1.0.0')],
  ['latest pointing at a missing version: highest satisfying', DANGLING_LATEST, '*', ok('1.5.0')],
  ['no dist-tags: highest stable for *', NO_TAGS, '*', ok('1.0.0')],
  ['no dist-tags: a prerelease range still works', NO_TAGS, '^1.1.0-alpha', ok('1.1.0-alpha')],
  [
    'no satisfying version',
    MAIN,
    '^4.0.0',
    { ok: false, message: 'No published version of pkg satisfies the declared range (latest is 2.0.0). npm would fail to install it.' },
  ],
  [
    'no versions at all',
    EMPTY,
    '*',
    { ok: false, message: 'No published version of empty satisfies the declared range (latest is unknown). npm would fail to install it.' },
  ],
  [
    'neither a range nor a tag',
    MAIN,
    'not a range!',
    { ok: false, message: 'The declared version is neither a semver range nor a dist-tag of pkg (its tags: latest, next, beta). npm would fail to install it.' },
  ],
  [
    'an unknown tag with no tags at all',
    EMPTY,
    'canary',
    { ok: false, message: 'The declared version is neither a semver range nor a dist-tag of empty (its tags: none). npm would fail to install it.' },
  ],
  [
    'a spec naming an Object.prototype member is not a tag',
    MAIN,
    'constructor',
    { ok: false, message: 'The declared version is neither a semver range nor a dist-tag of pkg (its tags: latest, next, beta). npm would fail to install it.' },
  ],
  [
    'a long invalid spec is never quoted back (messages do not echo file contents)',
    MAIN,
    `bad${'y'.repeat(80)}`,
    {
      ok: false,
      message: 'The declared version is neither a semver range nor a dist-tag of pkg (its tags: latest, next, beta). npm would fail to install it.',
    },
  ],
];

for (const [name, summary, spec, expected] of CASES) {
  test(`resolveVersion: ${name} (${JSON.stringify(spec)})`, () => {
    assert.deepEqual(resolveVersion(summary, spec), expected);
  });
}

/** Registry documents are untrusted: a tag naming an Object.prototype member is a dangling tag. */
for (const tag of ['constructor', '__proto__', 'toString']) {
  test(`resolveVersion: latest → "${tag}" is treated as missing`, () => {
    const summary = summaryOf('proto', [rel('1.0.0', 0), rel('1.1.0', 1)], { latest: tag });
    assert.deepEqual(resolveVersion(summary, '*'), ok('1.1.0'));
  });
}
