/**
 * The project's policy in the editor, over stdio against dist/server.js: a suppressed finding is not
 * published, .vigilrc.json's own problems are (at the right place), an unsaved edit of .vigilrc.json
 * re-validates the manifests, and the package manager's cooldown is named in recent-release.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { ROOT, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';
import { LspTestClient } from './lspClient';

const SERVER = join(ROOT, 'dist', 'server.js');
const SCENARIO_REGISTRY = join(ROOT, 'test', 'fixtures', 'scenarios', 'ua-parser-js-2021', 'registry');
/** One hour after 0.7.23 (which added a preinstall script) was published. */
const AS_OF = '2020-09-30T13:15:21.378Z';
const TIMEOUT = { timeout: 30_000 };

const MANIFEST = '{\n  "dependencies": {\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';
const POLICY = `{
  "suppressions": [
    { "package": "ua-parser-js@0.7.x", "signal": "install-script-added", "reason": "reviewed" },
    { "package": "ua-parser-js", "signal": "no-such-signal", "reason": "typo" }
  ]
}
`;

const codes = (params: PublishDiagnosticsParams): string[] => params.diagnostics.map((d) => String(d.code)).sort();

describe('policy and project cooldowns in the language server', () => {
  let registry: FixtureRegistry;
  let client: LspTestClient;
  let workspace: string;
  let cacheDir: string;
  let manifestUri: string;
  let policyUri: string;

  before(async () => {
    registry = await startFixtureRegistry([SCENARIO_REGISTRY]);
    workspace = mkdtempSync(join(tmpdir(), 'vigil-lsp-policy-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'vigil-lsp-policy-cache-'));
    writeFileSync(join(workspace, 'package.json'), MANIFEST);
    writeFileSync(join(workspace, '.vigilrc.json'), POLICY);
    writeFileSync(join(workspace, 'pnpm-workspace.yaml'), 'minimumReleaseAge: 2880\n');
    manifestUri = pathToFileURL(join(workspace, 'package.json')).href;
    policyUri = pathToFileURL(join(workspace, '.vigilrc.json')).href;
    client = LspTestClient.spawn(SERVER, (item) => (item.section === 'vigil' ? { registry: registry.url, asOf: AS_OF } : null));
    await client.initialize({
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      initializationOptions: { cacheDir },
      capabilities: { workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
  }, TIMEOUT);

  after(async () => {
    await client?.stop();
    await registry?.close();
    for (const dir of [workspace, cacheDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  it('does not publish a suppressed finding; the rest is published, with the project cooldown named', TIMEOUT, async () => {
    const published = await client.waitForDiagnostics((params) => params.uri === manifestUri && codes(params).includes('recent-release'));
    assert.deepEqual(codes(published), ['recent-release', 'release-line-burst']);
    const recent = published.diagnostics.find((d) => d.code === 'recent-release');
    assert.match(recent?.message ?? '', /pnpm-workspace\.yaml sets minimumReleaseAge 2880 minutes/);
    await client.waitForStatus((status) => status.state === 'done' && status.counts.error === 0);
  });

  it('publishes .vigilrc.json\'s own problems at their place', TIMEOUT, async () => {
    const published = await client.waitForDiagnostics((params) => params.uri === policyUri && params.diagnostics.length > 0);
    assert.equal(published.diagnostics.length, 1);
    const [problem] = published.diagnostics;
    assert.equal(problem?.code, 'invalid-policy');
    assert.equal(problem?.severity, DiagnosticSeverity.Error);
    assert.equal(problem?.source, 'vigil');
    const line = POLICY.split('\n')[3] as string;
    const character = line.indexOf('"no-such-signal"');
    assert.deepEqual(problem?.range, { start: { line: 3, character }, end: { line: 3, character: character + '"no-such-signal"'.length } });
  });

  it('an unsaved edit of .vigilrc.json re-validates it and the manifests', TIMEOUT, async () => {
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: policyUri, languageId: 'jsonc', version: 1, text: POLICY },
    });
    const edited = '{\n  // nothing suppressed now\n  "suppressions": []\n}\n';
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: policyUri, version: 2 },
      contentChanges: [{ text: edited }],
    });
    const policy = await client.waitForDiagnostics((params) => params.uri === policyUri && params.version === 2);
    assert.deepEqual(policy.diagnostics, []);
    const manifest = await client.waitForDiagnostics((params) => params.uri === manifestUri && codes(params).includes('install-script-added'));
    assert.deepEqual(codes(manifest), ['install-script-added', 'recent-release', 'release-line-burst']);
  });
});
