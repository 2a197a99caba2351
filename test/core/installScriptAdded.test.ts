/**
 * signals/installScriptAdded on synthetic histories: which version is flagged, against which baseline,
 * with which evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installScriptAdded } from '../../server/src/core/signals/installScriptAdded';
import { at, contextOf, summaryOf, type Release } from '../helpers/coreBuilders';

const NOW = at(400);
const plain = (version: string, when: string, by: string | null = 'alice'): Release => (by === null ? { version, at: when } : { version, at: when, by });
const scripted = (version: string, when: string, scripts: Record<string, string> = { postinstall: 'node setup.js' }): Release => ({
  version,
  at: when,
  by: 'alice',
  scripts,
});

interface Flagged {
  scripts: string[];
  previousVersion: string;
  previousPublishedAt: string;
  previousPublisher?: string | null;
  /** The start of the message, up to and including the baseline. */
  says: string;
}

interface Case {
  name: string;
  releases: Release[];
  target: string;
  expected: Flagged | undefined;
}

const BURST = [plain('0.7.22', at(0)), scripted('0.7.23', at(30, 0)), scripted('0.8.0', at(30, 3)), scripted('1.0.0', at(30, 6))];

const CASES: Case[] = [
  {
    name: 'postinstall added',
    releases: [plain('1.0.0', at(0)), scripted('1.0.1', at(10), { postinstall: 'node steal.js' })],
    target: '1.0.1',
    expected: { scripts: ['postinstall: node steal.js'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.0.1 runs a `postinstall` script at install; 1.0.0 before it did not (published 2024-01-01 by alice).' },
  },
  {
    name: 'preinstall added',
    releases: [plain('1.0.0', at(0)), scripted('1.0.1', at(10), { preinstall: 'sh x.sh' })],
    target: '1.0.1',
    expected: { scripts: ['preinstall: sh x.sh'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.0.1 runs a `preinstall` script at install; 1.0.0 before' },
  },
  {
    name: 'install added',
    releases: [plain('1.0.0', at(0)), scripted('1.0.1', at(10), { install: 'node build.js' })],
    target: '1.0.1',
    expected: { scripts: ['install: node build.js'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.0.1 runs a `install` script at install;' },
  },
  {
    name: 'gypfile added (implicit node-gyp rebuild)',
    releases: [plain('1.0.0', at(0)), { version: '1.1.0', at: at(10), by: 'alice', gypfile: true }],
    target: '1.1.0',
    expected: { scripts: ['install (implicit node-gyp rebuild)'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.1.0 runs a `install (implicit node-gyp rebuild)` script at install; 1.0.0' },
  },
  {
    name: 'gypfile with an explicit install script reports the script once',
    releases: [plain('1.0.0', at(0)), { version: '1.1.0', at: at(10), by: 'alice', gypfile: true, scripts: { install: 'node-gyp rebuild' } }],
    target: '1.1.0',
    expected: { scripts: ['install: node-gyp rebuild'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.1.0 runs a `install` script' },
  },
  {
    name: 'two hooks at once',
    releases: [plain('1.0.0', at(0)), scripted('1.0.1', at(10), { postinstall: 'b', preinstall: 'a' })],
    target: '1.0.1',
    expected: { scripts: ['preinstall: a', 'postinstall: b'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.0.1 runs install scripts (`preinstall`, `postinstall`) at install;' },
  },
  {
    name: 'a long command is cut to 120 characters in the evidence',
    releases: [plain('1.0.0', at(0)), scripted('1.0.1', at(10), { postinstall: `node -e "${'x'.repeat(300)}"` })],
    target: '1.0.1',
    expected: { scripts: [`postinstall: node -e "${'x'.repeat(111)}`], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.0.1 runs a `postinstall` script' },
  },
  {
    name: 'baseline without a recorded publisher',
    releases: [plain('1.0.0', at(0), null), scripted('1.0.1', at(10))],
    target: '1.0.1',
    expected: { scripts: ['postinstall: node setup.js'], previousVersion: '1.0.0', previousPublishedAt: at(0), previousPublisher: null, says: 'pkg@1.0.1 runs a `postinstall` script at install; 1.0.0 before it did not (published 2024-01-01 by an unrecorded account).' },
  },
  {
    name: '"before" is by publish time, not by version number (a backport published later)',
    releases: [plain('2.0.0', at(0)), plain('1.9.9', at(5)), scripted('2.0.1', at(10))],
    target: '2.0.1',
    expected: { scripts: ['postinstall: node setup.js'], previousVersion: '1.9.9', previousPublishedAt: at(5), says: 'pkg@2.0.1 runs a `postinstall` script at install; 1.9.9 before it did not (published 2024-01-06' },
  },
  ...['0.7.23', '0.8.0', '1.0.0'].map((target) => ({
    name: `burst: ${target}, minutes after its siblings, is flagged against the pre-burst version`,
    releases: BURST,
    target,
    expected: { scripts: ['postinstall: node setup.js'], previousVersion: '0.7.22', previousPublishedAt: at(0), says: `pkg@${target} runs a \`postinstall\` script at install; 0.7.22 before it did not` },
  })),
  {
    name: 'burst window: a scripted sibling 23 hours earlier is still part of the burst',
    releases: [plain('1.0.0', at(0)), scripted('1.1.0', at(10)), scripted('1.2.0', at(10, 23 * 60))],
    target: '1.2.0',
    expected: { scripts: ['postinstall: node setup.js'], previousVersion: '1.0.0', previousPublishedAt: at(0), says: 'pkg@1.2.0 runs a `postinstall` script at install; 1.0.0 before' },
  },
  {
    name: 'scripts removed and then re-added',
    releases: [scripted('1.0.0', at(0)), plain('1.1.0', at(10)), scripted('1.2.0', at(20))],
    target: '1.2.0',
    expected: { scripts: ['postinstall: node setup.js'], previousVersion: '1.1.0', previousPublishedAt: at(10), says: 'pkg@1.2.0 runs a `postinstall` script at install; 1.1.0 before' },
  },
  { name: 'every version has scripts', releases: [scripted('1.0.0', at(0)), scripted('1.1.0', at(10)), scripted('1.2.0', at(20))], target: '1.2.0', expected: undefined },
  { name: 'the first version, with scripts', releases: [scripted('1.0.0', at(0))], target: '1.0.0', expected: undefined },
  { name: 'the next version after an already-scripted one', releases: [plain('1.0.0', at(0)), scripted('1.1.0', at(10)), scripted('1.2.0', at(20))], target: '1.2.0', expected: undefined },
  { name: 'a scripted predecessor exactly 24 hours earlier ends the burst', releases: [plain('1.0.0', at(0)), scripted('1.1.0', at(10)), scripted('1.2.0', at(11))], target: '1.2.0', expected: undefined },
  { name: 'a version without scripts', releases: [scripted('1.0.0', at(0)), plain('1.1.0', at(10))], target: '1.1.0', expected: undefined },
  { name: 'only non-install scripts (test, prepare)', releases: [plain('1.0.0', at(0)), scripted('1.1.0', at(10), { test: 'node t', prepare: 'tsc' })], target: '1.1.0', expected: undefined },
  { name: 'an undated version cannot be placed in time', releases: [plain('1.0.0', at(0)), { version: '1.1.0', by: 'alice', scripts: { postinstall: 'x' } }], target: '1.1.0', expected: undefined },
];

for (const c of CASES) {
  test(`install-script-added: ${c.name}`, () => {
    const summary = summaryOf('pkg', c.releases);
    const hit = installScriptAdded(contextOf(summary, c.target, NOW));
    if (c.expected === undefined) {
      assert.equal(hit, undefined);
      return;
    }
    assert.ok(hit);
    assert.equal(hit.signal, 'install-script-added');
    assert.equal(hit.severity, 'error');
    assert.deepEqual(hit.evidence, {
      version: c.target,
      publishedAt: summary.versions[c.target]?.publishedAt,
      publisher: 'alice',
      scripts: c.expected.scripts,
      previousVersion: c.expected.previousVersion,
      previousPublishedAt: c.expected.previousPublishedAt,
      previousPublisher: c.expected.previousPublisher === undefined ? 'alice' : c.expected.previousPublisher,
    });
    assert.ok(hit.message.startsWith(c.expected.says), hit.message);
    assert.ok(hit.message.includes('Install scripts run with your rights'));
  });
}
