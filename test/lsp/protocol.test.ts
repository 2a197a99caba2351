/**
 * The language server end to end, as an editor sees it: `node dist/server.js --stdio` against a loopback
 * registry serving the recorded ua-parser-js history with the October 2021 hijack replayed on top. The
 * analysis runs "as of" one hour after the malicious 0.7.23 (vigil.asOf), so the results never change.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fork } from 'node:child_process';
import {
  createProtocolConnection,
  DiagnosticSeverity,
  ExitNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  RequestType0,
  type Diagnostic,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { REFRESH_REQUEST, type RefreshResult, type VigilDiagnosticData } from '../../server/src/protocol';
import { ROOT, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';
import { LspTestClient } from './lspClient';

const SERVER = join(ROOT, 'dist', 'server.js');
const SCENARIO_REGISTRY = join(ROOT, 'test', 'fixtures', 'scenarios', 'ua-parser-js-2021', 'registry');
/** One hour after 0.7.23 (the replayed hijack, adding a preinstall script) was published. */
const AS_OF = '2020-09-30T13:15:21.378Z';
const TIMEOUT = { timeout: 30_000 };

const MANIFEST = `{
  "name": "victim",
  "version": "1.0.0",
  "dependencies": {
    "ua-parser-js": "^0.7.22"
  }
}
`;
/** Where `"ua-parser-js"` (quotes included) is in MANIFEST: line 4, characters 4 to 18. */
const KEY_RANGE = { start: { line: 4, character: 4 }, end: { line: 4, character: 18 } };

const RefreshRequest = new RequestType0<RefreshResult, void>(REFRESH_REQUEST);

function byCode(params: PublishDiagnosticsParams, code: string): Diagnostic | undefined {
  return params.diagnostics.find((diagnostic) => diagnostic.code === code);
}

describe('language server over stdio', () => {
  let registry: FixtureRegistry;
  let client: LspTestClient;
  let workspace: string;
  let cacheDir: string;
  let mainUri: string;

  before(async () => {
    registry = await startFixtureRegistry([SCENARIO_REGISTRY]);
    workspace = mkdtempSync(join(tmpdir(), 'vigil-lsp-ws-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'vigil-lsp-cache-'));
    writeFileSync(join(workspace, 'package.json'), MANIFEST);
    mkdirSync(join(workspace, 'packages', 'app'), { recursive: true });
    writeFileSync(join(workspace, 'packages', 'app', 'package.json'), MANIFEST);
    // Installed packages are not the project's manifests: the workspace scan must skip them.
    mkdirSync(join(workspace, 'node_modules', 'ua-parser-js'), { recursive: true });
    writeFileSync(join(workspace, 'node_modules', 'ua-parser-js', 'package.json'), MANIFEST);
    mainUri = pathToFileURL(join(workspace, 'package.json')).href;

    client = LspTestClient.spawn(SERVER, (item) =>
      item.section === 'vigil' ? { registry: registry.url, cooldownDays: 3, asOf: AS_OF } : null,
    );
    await client.initialize({
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      initializationOptions: { cacheDir },
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      },
    });
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: mainUri, languageId: 'json', version: 1, text: MANIFEST },
    });
  }, TIMEOUT);

  after(async () => {
    await client?.stop();
    await registry?.close();
    for (const dir of [workspace, cacheDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  it('flags the hijacked version on the dependency key, with evidence and the pin for code actions', TIMEOUT, async () => {
    const published = await client.waitForDiagnostics(
      (params) => params.uri === mainUri && params.version === 1 && byCode(params, 'install-script-added') !== undefined,
    );
    const diagnostic = byCode(published, 'install-script-added');
    assert.ok(diagnostic);
    assert.deepEqual(diagnostic.range, KEY_RANGE);
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.equal(diagnostic.source, 'vigil');
    assert.match(diagnostic.message, /preinstall/);
    const data = diagnostic.data as VigilDiagnosticData;
    assert.equal(data.package, 'ua-parser-js');
    assert.equal(data.version, '0.7.23');
    assert.equal(data.fix?.pin, '0.7.22');
    // Settings were pulled for this document, not read as a server-wide global.
    assert.ok(client.configurationRequests.some((item) => item.scopeUri === mainUri && item.section === 'vigil'));
  });

  it('validates package.json files in the workspace on start, skipping node_modules', TIMEOUT, async () => {
    const appUri = pathToFileURL(join(workspace, 'packages', 'app', 'package.json')).href;
    const published = await client.waitForDiagnostics(
      (params) => params.uri === appUri && byCode(params, 'install-script-added') !== undefined,
    );
    assert.deepEqual(byCode(published, 'install-script-added')?.range, KEY_RANGE);
    await client.waitForStatus((status) => status.state === 'done' && status.files === 2);
    assert.ok(!client.diagnostics.some((params) => params.uri.includes('/node_modules/')));
  });

  it('reports the whole system in vigil/status: counts, registry, replay time', TIMEOUT, async () => {
    const status = await client.waitForStatus((params) => params.state === 'done' && params.files === 2);
    assert.equal(status.pending, 0);
    assert.equal(status.checked, 2);
    assert.equal(status.counts.error, 2);
    assert.ok(status.registries.length === 1 && status.registries[0]?.startsWith('http://127.0.0.1:'));
    assert.equal(status.asOf, AS_OF);
    // A replay never asks for advisories (they cannot be dated); the status says so once for both files.
    assert.deepEqual(status.notes?.map((note) => note.code), ['advisories-skipped']);
  });

  it('debounces edits, drops the superseded version, and answers from memory first', TIMEOUT, async () => {
    const requestsBefore = registry.requests.length;
    const edit = (version: number, text: string) =>
      client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: mainUri, version },
        contentChanges: [{ text }],
      });
    await edit(2, MANIFEST.replace('"ua-parser-js": "^0.7.22"', '"ua-parser-js": "^0.7.2'));
    await edit(3, MANIFEST);
    // ua-parser-js is in memory: the very first publication for version 3 already has the finding.
    const first = await client.waitForDiagnostics((params) => params.uri === mainUri && params.version === 3);
    assert.deepEqual(byCode(first, 'install-script-added')?.range, KEY_RANGE);
    assert.ok(!client.diagnostics.some((params) => params.uri === mainUri && params.version === 2));
    assert.equal(registry.requests.length, requestsBefore);
  });

  it('puts malformed JSON where it broke and keeps serving', TIMEOUT, async () => {
    const brokenUri = pathToFileURL(join(workspace, 'broken', 'package.json')).href;
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: brokenUri, languageId: 'json', version: 1, text: '{\n  "dependencies": {\n    "ua-parser-js": \n' },
    });
    const published = await client.waitForDiagnostics(
      (params) => params.uri === brokenUri && byCode(params, 'invalid-json') !== undefined,
    );
    assert.equal(byCode(published, 'invalid-json')?.severity, DiagnosticSeverity.Error);
    const refreshed = await client.connection.sendRequest(RefreshRequest);
    assert.equal(refreshed.files, 3);
    assert.ok(client.alive);
  });
});

describe('language server over node-ipc (the transport VS Code uses)', () => {
  it('initializes and shuts down cleanly', TIMEOUT, async () => {
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    try {
      const result = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {},
      });
      assert.equal(result.serverInfo?.name, 'vigil');
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});
