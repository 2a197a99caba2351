/**
 * The client's decisions, without VS Code: command arguments checked before use, the untrusted-workspace
 * rules, when the first analysis shows progress, when a pop-up is warranted; and the manifest's
 * contributions agreeing with them (every setting scoped and described, network ones tagged, the
 * restricted list the same on both sides, every contributed command registered).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  alertFor,
  expiryDate,
  installPlan,
  isSuppressArgs,
  npmPage,
  offlineToggle,
  reasonProblem,
  RESTRICTED,
  suppressionEntry,
  withValue,
} from '../../client/src/decisions';
import { isLarge, progressStep, type ProgressPhase } from '../../client/src/progressPlan';
import { DEFAULT_SETTINGS, type StatusParams } from '../../server/src/protocol';
import { ROOT } from '../helpers/cli';

const status = (over: Partial<StatusParams>): StatusParams => ({
  state: 'checking',
  pending: 0,
  checked: 0,
  files: 1,
  counts: { error: 0, warning: 0, information: 0, hint: 0 },
  registries: [],
  ...over,
});

describe('client: command arguments and trust', () => {
  it('runs only a known package manager\'s install, in a file: folder, in a trusted workspace', () => {
    const args = { folder: 'file:///ws/app', manager: 'pnpm', note: 'Written to "pnpm.overrides".' };
    assert.deepEqual(installPlan(args, true), { run: 'pnpm install', folder: 'file:///ws/app', note: 'Written to "pnpm.overrides".' });
    assert.match((installPlan(args, false) as { refuse: string }).refuse, /untrusted/);
    for (const bad of [{ ...args, manager: 'rm -rf /;npm' }, { ...args, folder: 'https://x/' }, undefined, 'npm']) {
      assert.ok('refuse' in installPlan(bad, true), JSON.stringify(bad));
    }
  });

  it('suppressions: the entry names the version found, a reason is required, expiry is a UTC day', () => {
    const args = { uri: 'file:///ws/package.json', signal: 'install-script-added' as const, package: 'ua-parser-js', version: '0.7.23' };
    assert.ok(isSuppressArgs(args));
    assert.ok(!isSuppressArgs({ ...args, package: '' }) && !isSuppressArgs({ ...args, uri: 3 }));
    assert.equal(suppressionEntry(args), 'ua-parser-js@0.7.23');
    const { version: _version, ...unversioned } = args;
    assert.equal(suppressionEntry(unversioned), 'ua-parser-js');
    assert.ok(reasonProblem('  ') !== undefined && reasonProblem('Reviewed.') === undefined);
    assert.equal(expiryDate(new Date('2020-12-31T23:30:00Z'), 30), '2021-01-30');
  });

  it('opens npm package pages only', () => {
    assert.equal(npmPage({ url: 'https://www.npmjs.com/package/@types/node' }), 'https://www.npmjs.com/package/@types/node');
    for (const url of ['https://evil.example/package/x', 'javascript:alert(1)', 'https://www.npmjs.com/package/x?y', 3]) assert.equal(npmPage({ url }), undefined);
  });

  it('toggles offline where it is set; an untrusted workspace\'s value is not the one in effect', () => {
    assert.deepEqual(offlineToggle(undefined, true), { value: true, target: 'global' });
    assert.deepEqual(offlineToggle({ globalValue: true }, true), { value: false, target: 'global' });
    assert.deepEqual(offlineToggle({ globalValue: true, workspaceValue: true }, true), { value: false, target: 'workspace' });
    assert.deepEqual(offlineToggle({ globalValue: false, workspaceValue: true }, false), { value: true, target: 'global' });
  });

  it('untrusted: restricted values are replaced at their (nested) keys without touching the rest', () => {
    const pulled = { registry: 'https://evil/', enable: { packageJson: false, lockfiles: true }, cooldownDays: 3 };
    const filtered = RESTRICTED.reduce<Record<string, unknown>>((value, key) => withValue(value, key, key.startsWith('enable.') ? true : undefined), pulled);
    assert.deepEqual(filtered, { registry: undefined, asOf: undefined, severity: undefined, offline: undefined, enable: { packageJson: true, lockfiles: true }, cooldownDays: 3 });
    assert.deepEqual(pulled.enable, { packageJson: false, lockfiles: true }, 'not mutated');
  });
});

describe('client: first-analysis progress and pop-ups', () => {
  function run(statuses: StatusParams[]): string[] {
    let phase: ProgressPhase = 'waiting';
    return statuses.map((s) => {
      const step = progressStep(phase, s);
      phase = step.phase;
      return step.action;
    });
  }

  it('shows progress for a large first analysis only, until it is done, and never again', () => {
    const big = status({ files: 21, pending: 300 });
    assert.ok(isLarge(big) && isLarge(status({ files: 1, largestLockfile: 1_001 })) && !isLarge(status({ files: 20, largestLockfile: 1_000 })));
    assert.deepEqual(run([status({ state: 'idle', files: 0 }), status({ files: 3 }), big, big, status({ state: 'done', files: 21 }), big]), ['none', 'none', 'start', 'report', 'end', 'none']);
    // A small first analysis finishes without progress; a later large one is not "the first".
    assert.deepEqual(run([status({ files: 2 }), status({ state: 'done', files: 2 }), big]), ['none', 'none', 'none']);
  });

  it('pops up an unreachable registry once, offering to work offline; never when offline on purpose', () => {
    const down = status({ state: 'registry-unreachable', message: '3 packages could not be checked: connect ECONNREFUSED' });
    const alert = alertFor(down, new Set());
    assert.deepEqual(alert?.actions, ['Work Offline', 'Show Output']);
    assert.equal(alert?.message, 'Vigil cannot reach the registry: 3 packages could not be checked: connect ECONNREFUSED.');
    assert.equal(alertFor(down, new Set([alert?.key ?? ''])), undefined);
    assert.equal(alertFor({ ...down, offline: true }, new Set()), undefined);
    assert.equal(alertFor(status({ state: 'done' }), new Set()), undefined);
  });
});

describe('the manifest\'s contributions', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[]; description: string } };
    contributes: { commands: Array<{ command: string; category?: string }>; configuration: { properties: Record<string, Record<string, unknown>> } };
  };
  const properties = manifest.contributes.configuration.properties;

  it('every setting has a scope and a description; network ones are tagged usesOnlineServices', () => {
    for (const [key, setting] of Object.entries(properties)) {
      assert.ok(typeof setting['scope'] === 'string', `${key} scope`);
      assert.ok(typeof setting['description'] === 'string' || typeof setting['markdownDescription'] === 'string', `${key} description`);
    }
    for (const key of ['vigil.registry', 'vigil.offline']) assert.ok((properties[key]?.['tags'] as string[]).includes('usesOnlineServices'), key);
    for (const key of ['vigil.registry', 'vigil.cooldownDays', 'vigil.severity', 'vigil.asOf', 'vigil.offline', 'vigil.enable.packageJson', 'vigil.enable.lockfiles', 'vigil.trace.server']) {
      assert.ok(properties[key], key);
    }
  });

  it('defaults agree with the server\'s', () => {
    assert.equal(properties['vigil.cooldownDays']?.['default'], DEFAULT_SETTINGS.cooldownDays);
    assert.equal(properties['vigil.offline']?.['default'], DEFAULT_SETTINGS.offline);
    assert.equal(properties['vigil.enable.packageJson']?.['default'], DEFAULT_SETTINGS.enable.packageJson);
    assert.equal(properties['vigil.enable.lockfiles']?.['default'], DEFAULT_SETTINGS.enable.lockfiles);
  });

  it('restricts in untrusted workspaces exactly what the client filters, and says what else is off', () => {
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, RESTRICTED.map((key) => `vigil.${key}`));
    assert.match(manifest.capabilities.untrustedWorkspaces.description, /neither writes suppressions nor runs the package manager's install/);
    assert.match(manifest.capabilities.untrustedWorkspaces.description, /lockfiles as data/);
  });

  it('every contributed command is registered by the client, in the Vigil category', () => {
    const source = ['commands.ts', 'actionCommands.ts'].map((file) => readFileSync(join(ROOT, 'client', 'src', file), 'utf8')).join('\n');
    for (const { command, category } of manifest.contributes.commands) {
      assert.equal(category, 'Vigil', command);
      assert.ok(source.includes(`registerCommand('${command}'`), command);
    }
    for (const command of ['vigil.clearCache', 'vigil.showReport', 'vigil.toggleOffline']) assert.ok(manifest.contributes.commands.some((c) => c.command === command), command);
  });
});
