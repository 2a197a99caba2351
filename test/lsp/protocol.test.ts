/**
 * The language server end to end, as an editor sees it: `node dist/server.js --stdio` against a loopback
 * registry serving the recorded ua-parser-js history with the October 2021 hijack replayed on top. The
 * analysis runs "as of" one hour after the malicious 0.7.23 (vigil.asOf), so the results never change.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fork } from 'node:child_process';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  createProtocolConnection,
  HoverRequest,
  type CodeAction,
  type TextDocumentEdit,
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
import {
  CHECK_LOCKFILES_REQUEST,
  CLEAR_CACHE_REQUEST,
  REFRESH_REQUEST,
  type CheckLockfilesResult,
  type ClearCacheResult,
  type RefreshResult,
  type VigilDiagnosticData,
} from '../../server/src/protocol';
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
const CheckLockfilesRequest = new RequestType0<CheckLockfilesResult, void>(CHECK_LOCKFILES_REQUEST);
const ClearCacheRequest = new RequestType0<ClearCacheResult, void>(CLEAR_CACHE_REQUEST);

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
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceEdit: { documentChanges: true },
        },
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
    // ua-parser-js@0.7.23 is checked in both files, and counted once: checked counts package versions.
    assert.equal(status.checked, 1);
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

  it('hovers with the card, and the pin quick-fix applied gives the exact version, which validates clean', TIMEOUT, async () => {
    // The newest version the server published for the document (the tests above edited it).
    const current = [...client.diagnostics].reverse().find((params) => params.uri === mainUri && params.version !== undefined);
    assert.ok(current?.version !== undefined && byCode(current, 'install-script-added'));
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: mainUri }, position: { line: 4, character: 8 } });
    assert.deepEqual(hover?.range, KEY_RANGE);
    assert.match((hover?.contents as { value: string }).value, /\*\*ua-parser-js\\@0\.7\.23\*\*.*faisalman/);

    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: mainUri },
      range: KEY_RANGE,
      context: { diagnostics: current.diagnostics.filter((d) => d.range.start.line === KEY_RANGE.start.line) },
    })) as CodeAction[];
    const pin = actions.find((action) => action.title === 'Pin ua-parser-js to 0.7.22');
    assert.ok(pin?.isPreferred);
    const [change] = (pin.edit?.documentChanges ?? []) as TextDocumentEdit[];
    assert.deepEqual(change?.textDocument, { uri: mainUri, version: current.version });
    const pinned = TextDocument.applyEdits(TextDocument.create(mainUri, 'json', current.version, MANIFEST), change?.edits ?? []);
    assert.equal(pinned, MANIFEST.replace('"^0.7.22"', '"0.7.22"'));

    const version = current.version + 1;
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: mainUri, version }, contentChanges: [{ text: pinned }] });
    const clean = await client.waitForDiagnostics((params) => params.uri === mainUri && params.version === version && params.diagnostics.length === 0);
    assert.deepEqual(clean.diagnostics, []);
    // The old edit is for a version that is gone: no action is offered for a range there any more.
    const after = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: mainUri }, range: KEY_RANGE, context: { diagnostics: [] } })) as CodeAction[];
    assert.ok(!after.some((action) => action.title.startsWith('Pin ')));
  });

  it('vigil/clearCache empties the disk cache and validates again from the registry', TIMEOUT, async () => {
    const requestsBefore = registry.requests.length;
    assert.ok(readdirSync(cacheDir).some((name) => name.startsWith('summaries-v')), 'summaries were cached');
    const result = await client.connection.sendRequest(ClearCacheRequest);
    assert.equal(result.cleared, true);
    assert.ok(result.files >= 2);
    assert.ok(registry.requests.length > requestsBefore, 'the registry was asked again');
    await client.waitForStatus((status) => status.state === 'done');
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

describe('lockfiles over stdio', () => {
  const PACKUMENTS = join(ROOT, 'test', 'fixtures', 'packuments');
  const manifest = '{\n  "name": "app",\n  "dependencies": {\n    "ms": "^2.1.1"\n  }\n}\n';
  /** ms 2.1.2, said here to depend on ua-parser-js, brings in the hijacked 0.7.23; tarballs on the fixture registry. */
  const lockfile = (origin: string): string => `{
  "name": "app",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "dependencies": {
        "ms": "^2.1.1"
      }
    },
    "node_modules/ms": {
      "version": "2.1.2",
      "resolved": "${origin}/ms/-/ms-2.1.2.tgz",
      "integrity": "sha512-sGkPx+VjMtmA6MX27oA4FBFELFCZZ4S4XqeGOXCv68tT+jb3vk/RyaKWP0PTKyWtmLSM0b+adUTEvbs1PEaH2w==",
      "dependencies": {
        "ua-parser-js": "^0.7.22"
      }
    },
    "node_modules/ua-parser-js": {
      "version": "0.7.23",
      "resolved": "${origin}/ua-parser-js/-/ua-parser-js-0.7.23.tgz",
      "integrity": "sha512-hb0TIxQ3j1l8fXRrANfkoMaxYwexfXmXU1I/ySDQWOfxpurP3zNfiy7ZK5NPpNz7naYeKI3zcLBOrshDoBbyPA=="
    }
  }
}
`;
  let registry: FixtureRegistry;
  let client: LspTestClient;
  let workspace: string;
  let cacheDir: string;

  before(async () => {
    // The scenario's ua-parser-js (the replayed hijack) replaces the recorded one: later folders win.
    registry = await startFixtureRegistry([PACKUMENTS, SCENARIO_REGISTRY]);
    workspace = mkdtempSync(join(tmpdir(), 'vigil-lsp-lock-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'vigil-lsp-cache-'));
    for (const folder of ['', 'tools']) {
      mkdirSync(join(workspace, folder), { recursive: true });
      writeFileSync(join(workspace, folder, 'package.json'), manifest);
      writeFileSync(join(workspace, folder, 'package-lock.json'), lockfile(registry.url));
    }
    client = LspTestClient.spawn(SERVER, (item) => (item.section === 'vigil' ? { registry: registry.url, asOf: AS_OF } : null));
    await client.initialize({
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      initializationOptions: { cacheDir },
      capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    });
  }, TIMEOUT);

  after(async () => {
    await client?.stop();
    await registry?.close();
    for (const dir of [workspace, cacheDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  it('an open package-lock.json gets diagnostics on its entries\' lines; its manifest says what it brings in', TIMEOUT, async () => {
    const lockUri = pathToFileURL(join(workspace, 'package-lock.json')).href;
    const text = lockfile(registry.url);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: lockUri, languageId: 'json', version: 1, text },
    });
    const published = await client.waitForDiagnostics(
      (params) => params.uri === lockUri && params.version === 1 && byCode(params, 'install-script-added') !== undefined,
    );
    const line = text.split('\n').findIndex((l) => l.includes('"node_modules/ua-parser-js"'));
    const hijack = byCode(published, 'install-script-added');
    assert.deepEqual(hijack?.range.start, { line, character: 4 });
    assert.equal(hijack?.severity, DiagnosticSeverity.Error);
    assert.equal((hijack?.data as VigilDiagnosticData).version, '0.7.23');
    const manifestUri = pathToFileURL(join(workspace, 'package.json')).href;
    const risky = await client.waitForDiagnostics((params) => params.uri === manifestUri && byCode(params, 'risky-transitive') !== undefined);
    assert.equal(byCode(risky, 'risky-transitive')?.range.start.line, 3);
  });

  it('vigil/checkLockfiles validates the lockfiles that are not open, and the status counts them apart', TIMEOUT, async () => {
    const toolsLock = pathToFileURL(join(workspace, 'tools', 'package-lock.json')).href;
    assert.ok(!client.diagnostics.some((params) => params.uri === toolsLock), 'not validated before it is asked for');
    const result = await client.connection.sendRequest(CheckLockfilesRequest);
    assert.equal(result.files, 2);
    const published = await client.waitForDiagnostics((params) => params.uri === toolsLock && byCode(params, 'install-script-added') !== undefined);
    assert.equal(published.version, undefined, 'read from disk');
    const status = await client.waitForStatus((params) => params.state === 'done' && params.lockfiles === 2);
    assert.equal(status.files, 2);
    assert.equal(status.checked, 2, 'ms@2.1.2 and ua-parser-js@0.7.23, each once over four documents');
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
