/**
 * What the new settings and requests do in the server, in process: `vigil.enable.*` turns a kind of file
 * off (its diagnostics go), `vigil.offline` reaches the registry client and the status item, the status
 * carries the largest lockfile for the client's progress decision, and `vigil/report` lists every finding
 * of every validated document with links to its lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workspaceReport } from '../../server/src/lsp/report';
import { harness, ROOT } from './featureHarness';
import { lockfile, MANIFEST_WITH_MS } from './lockfileTexts';

const MANIFEST = '{\n  "name": "victim",\n  "dependencies": {\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';

describe('settings in the server', () => {
  it('vigil.enable.packageJson = false: package.json files are not validated, their diagnostics go', async () => {
    const h = harness({ settings: { enable: { packageJson: false } } });
    const uri = await h.open('package.json', MANIFEST);
    assert.equal(h.validator.latest(uri), undefined);
    assert.equal(h.published.get(uri), undefined);
    // Lockfiles are still checked.
    const lock = await h.open('package-lock.json', lockfile('0.7.23'));
    assert.ok(h.published.get(lock)?.some((d) => d.code === 'install-script-added'));
  });

  it('vigil.enable.lockfiles = false: lockfiles get no diagnostics, package.json files still read them', async () => {
    const h = harness({ settings: { enable: { lockfiles: false } }, disk: { 'package-lock.json': lockfile('0.7.23') } });
    const lock = await h.open('package-lock.json', lockfile('0.7.23'));
    assert.equal(h.published.get(lock), undefined);
    const manifest = await h.open('package.json', MANIFEST_WITH_MS);
    assert.ok(h.published.get(manifest)?.some((d) => d.code === 'risky-transitive'));
  });

  it('vigil.offline reaches the registry client and the status item', async () => {
    const h = harness({ settings: { offline: true } });
    await h.open('package.json', MANIFEST);
    assert.ok(h.asked.length > 0 && h.asked.every((settings) => settings.offline === true));
    assert.equal(h.statuses.at(-1)?.offline, true);
    const online = harness();
    await online.open('package.json', MANIFEST);
    assert.ok(online.asked.every((settings) => settings.offline === undefined));
    assert.equal(online.statuses.at(-1)?.offline, undefined);
  });

  it('the status says how many entries the largest lockfile has', async () => {
    const h = harness({ disk: { 'package.json': MANIFEST_WITH_MS } });
    await h.open('package-lock.json', lockfile('0.7.23'));
    assert.equal(h.statuses.at(-1)?.largestLockfile, 2);
  });
});

describe('vigil/report', () => {
  it('lists each document\'s findings, worst file first, with line links and escaped messages', async () => {
    const h = harness({ disk: { 'package.json': MANIFEST_WITH_MS } });
    const manifest = await h.open('app/package.json', MANIFEST);
    const lock = await h.open('package-lock.json', lockfile('0.7.23'));
    const report = workspaceReport(h.validator.all(), [ROOT]);
    const { markdown } = report;
    assert.match(markdown, /^# Vigil report\n\n\d+ errors?, \d+ warnings?.*; 2 files checked\.\n/);
    assert.ok(markdown.includes(`## app/package.json\n`), markdown);
    assert.ok(markdown.includes(`## package-lock.json\n`), markdown);
    assert.ok(markdown.includes(`](${manifest}#L4) | ua-parser-js\\@0.7.23 | install-script-added |`), markdown);
    assert.ok(markdown.includes(`](${lock}#L`), markdown);
    // Registry text is escaped: the backticks around `preinstall` in the message are not code spans.
    assert.match(markdown, /\\`preinstall\\`/);
    assert.equal(report.findings, markdown.split('\n').filter((line) => /^\| [⛔⚠️ℹ️💡]/u.test(line)).length);
  });

  it('says so when there is nothing', () => {
    assert.equal(workspaceReport([], [ROOT]).markdown, '# Vigil report\n\nNo findings; 0 files checked.\n');
  });
});
