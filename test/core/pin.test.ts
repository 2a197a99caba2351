/**
 * pin.knownGoodPin: the newest release in the range that is past the cooldown, from a known publisher,
 * not deprecated and not itself flagged; else the newest earlier one, saying it leaves the range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knownGoodPin } from '../../server/src/core/pin';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { publishHistory } from '../../server/src/core/registry/history';
import { at, CI, summaryOf, type Account, type Release } from '../helpers/coreBuilders';

const NOW = at(100);
const r = (version: string, day: number, extra: Partial<Release> = {}): Release => ({ version, at: at(day), by: 'alice', ...extra });
const KIRA: Account = { name: 'kira' };

interface Case {
  name: string;
  releases: Release[];
  range: string;
  resolved: string;
  /** [pin, the exact reason], or undefined for no pin. */
  expected: [string, string] | undefined;
  cooldownDays?: number;
}

const inRange = (v: string, dayText: string, range: string, who = 'alice'): string =>
  `${v} (published ${dayText} by ${who}) is the newest release in "${range}" that is past the 3-day cooldown, comes from an account that had published this package before, and raises no error-level warning.`;
const outside = (v: string, dayText: string, range: string): string =>
  `${v} (published ${dayText} by alice) is the newest earlier release that is past the 3-day cooldown, comes from an account that had published this package before, and raises no error-level warning. It is outside "${range}": change the range when you pin it.`;

const BASE = [r('1.0.0', 0), r('1.1.0', 10), r('1.2.0', 20)];

const CASES: Case[] = [
  { name: 'the newest in range past the cooldown', releases: [...BASE, r('1.3.0', 99)], range: '^1.0.0', resolved: '1.3.0', expected: ['1.2.0', inRange('1.2.0', '2024-01-21', '^1.0.0')] },
  { name: 'a too-young release is skipped', releases: [...BASE, r('1.2.5', 98), r('1.3.0', 99)], range: '^1.0.0', resolved: '1.3.0', expected: ['1.2.0', inRange('1.2.0', '2024-01-21', '^1.0.0')] },
  { name: 'exactly at the cooldown is old enough', releases: [...BASE, r('1.2.5', 97), r('1.3.0', 99)], range: '^1.0.0', resolved: '1.3.0', expected: ['1.2.5', inRange('1.2.5', '2024-04-07', '^1.0.0')] },
  { name: 'a longer cooldown reaches further back', releases: [...BASE, r('1.3.0', 99)], range: '^1.0.0', resolved: '1.3.0', cooldownDays: 85, expected: ['1.1.0', inRange('1.1.0', '2024-01-11', '^1.0.0').replace('3-day', '85-day')] },
  { name: 'a deprecated release is skipped', releases: [r('1.0.0', 0), r('1.1.0', 10), r('1.2.0', 20, { deprecated: 'broken' }), r('1.3.0', 99)], range: '^1.0.0', resolved: '1.3.0', expected: ['1.1.0', inRange('1.1.0', '2024-01-11', '^1.0.0')] },
  { name: 'a release by a new publisher is skipped', releases: [r('1.0.0', 0), r('1.1.0', 10), r('1.2.0', 20, { by: 'mallory' }), r('1.3.0', 99)], range: '^1.0.0', resolved: '1.3.0', expected: ['1.1.0', inRange('1.1.0', '2024-01-11', '^1.0.0')] },
  {
    name: 'a release that added install scripts is skipped',
    releases: [r('1.0.0', 0), r('1.1.0', 10), r('1.2.0', 20, { scripts: { postinstall: 'node x' } }), r('1.3.0', 99)],
    range: '^1.0.0',
    resolved: '1.3.0',
    expected: ['1.1.0', inRange('1.1.0', '2024-01-11', '^1.0.0')],
  },
  {
    name: 'a release that kept long-standing install scripts is fine',
    releases: [r('1.0.0', 0, { scripts: { install: 'node-gyp rebuild' } }), r('1.1.0', 10, { scripts: { install: 'node-gyp rebuild' } }), r('1.2.0', 20, { scripts: { install: 'node-gyp rebuild' } }), r('1.3.0', 99)],
    range: '^1.0.0',
    resolved: '1.3.0',
    expected: ['1.2.0', inRange('1.2.0', '2024-01-21', '^1.0.0')],
  },
  { name: 'prereleases are never pins', releases: [...BASE, r('1.3.0-beta.1', 30), r('1.3.0', 99)], range: '>=1.0.0-0', resolved: '1.3.0', expected: ['1.2.0', inRange('1.2.0', '2024-01-21', '>=1.0.0-0')] },
  { name: 'the resolved version is skipped; a newer in-range release can be the pin', releases: [...BASE, r('1.3.0', 40)], range: '^1.0.0', resolved: '1.2.0', expected: ['1.3.0', inRange('1.3.0', '2024-02-10', '^1.0.0')] },
  {
    name: 'after a trusted-publishing run, the hand-published release is skipped and CI releases qualify',
    releases: [r('2.0.0', 0, { by: KIRA }), r('2.1.0', 10, { by: CI }), r('2.2.0', 20, { by: CI }), r('2.2.1', 30, { by: KIRA }), r('2.3.0', 99, { by: 'mallory' })],
    range: '^2.0.0',
    resolved: '2.3.0',
    expected: ['2.2.0', inRange('2.2.0', '2024-01-21', '^2.0.0', 'GitHub Actions (trusted publishing)')],
  },
  {
    name: 'nothing good in range: the newest earlier release, saying it leaves the range',
    releases: [r('1.1.0', 10), r('1.2.0', 20), r('1.3.0', 98), r('1.3.1', 99)],
    range: '~1.3.0',
    resolved: '1.3.1',
    expected: ['1.2.0', outside('1.2.0', '2024-01-21', '~1.3.0')],
  },
  {
    name: 'a dist-tag spec has no range: the newest earlier release',
    releases: [...BASE, r('1.3.0', 99)],
    range: 'next',
    resolved: '1.3.0',
    expected: ['1.2.0', outside('1.2.0', '2024-01-21', 'next')],
  },
  {
    name: 'the fallback never goes above the resolved version',
    releases: [r('1.0.0', 0), r('1.1.0', 10), r('2.0.0', 20), r('1.2.0', 99)],
    range: '~1.2.0',
    resolved: '1.2.0',
    expected: ['1.1.0', outside('1.1.0', '2024-01-11', '~1.2.0')],
  },
  { name: 'none qualifies: every other release deprecated', releases: [r('1.0.0', 0, { deprecated: 'x' }), r('1.1.0', 10, { deprecated: 'x' }), r('1.2.0', 99)], range: '^1.0.0', resolved: '1.2.0', expected: undefined },
  { name: 'none qualifies: every other release too young', releases: [r('1.0.0', 98), r('1.1.0', 99)], range: '^1.0.0', resolved: '1.1.0', expected: undefined },
  { name: 'none qualifies: the only other release is the first one, whose publisher had no history', releases: [r('1.0.0', 0), r('1.1.0', 99)], range: '^1.0.0', resolved: '1.1.0', expected: undefined },
  { name: 'undated releases cannot be placed past the cooldown', releases: [{ version: '1.0.0', by: 'alice' }, { version: '1.1.0', by: 'alice' }, r('1.2.0', 99)], range: '^1.0.0', resolved: '1.2.0', expected: undefined },
];

for (const c of CASES) {
  test(`knownGoodPin: ${c.name}`, () => {
    const summary = summaryOf('pkg', c.releases);
    const config = { ...DEFAULT_CONFIG, cooldownDays: c.cooldownDays ?? 3 };
    const pin = knownGoodPin(summary, publishHistory(summary), c.range, c.resolved, new Date(NOW), config);
    assert.deepEqual(pin, c.expected && { pin: c.expected[0], reason: c.expected[1] });
  });
}

test('knownGoodPin: a resolved version that is not semver (a dist-tag on "1.0") does not throw', () => {
  const summary = summaryOf('pkg', [r('1.0.0', 0), r('1.1.0', 10), r('1.0', 99)], { latest: '1.0' });
  const pin = knownGoodPin(summary, publishHistory(summary), '*', '1.0', new Date(NOW), DEFAULT_CONFIG);
  assert.deepEqual(pin, { pin: '1.1.0', reason: inRange('1.1.0', '2024-01-11', '*') });
});
