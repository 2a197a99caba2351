/**
 * The language server: wires LSP messages to the validator. Transport-agnostic (the caller makes the
 * connection: stdio, node-ipc, or an in-memory pair in tests) and side-effect-free except through the
 * runtime, so the same code runs in VS Code, in any LSP editor, and under test.
 */
import { basename } from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  RequestType0,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type FileEvent,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Runtime } from '../node/runtime';
import {
  REFRESH_REQUEST,
  SETTINGS_SECTION,
  STATUS_NOTIFICATION,
  WORKSPACE_TRUST_NOTIFICATION,
  type RefreshResult,
  type StatusParams,
  type VigilInitializationOptions,
  type WorkspaceTrustParams,
} from '../protocol';
import { isPolicyUri, PROJECT_SETTINGS_GLOBS, ProjectSettings } from './projectSettings';
import { runSafeAsync, runSafeNotification } from './runSafe';
import { SettingsCache } from './settings';
import { StatusReporter } from './status';
import { realSchedule, Validator, type DocumentSource, type Schedule } from './validator';
import {
  DEFAULT_SCAN_LIMITS,
  findPackageJsonFiles,
  isInside,
  isPackageJsonUri,
  isScannedPath,
  nodeReadDirectory,
  pathToUri,
  uriToPath,
  type ReadDirectory,
  type ScanLimits,
} from './workspace';

/** Test seams; the defaults are what the shipped server uses. */
export interface ServerOptions {
  schedule?: Schedule;
  /** Quiet time after the last edit before a document is analysed again. */
  debounceMs?: number;
  readDirectory?: ReadDirectory;
  scanLimits?: ScanLimits;
}

const DEFAULT_DEBOUNCE_MS = 250;
/** VS Code's network settings: `http.proxy`, `http.proxyStrictSSL`. */
const HTTP_SECTION = 'http';

const RefreshRequest = new RequestType0<RefreshResult, void>(REFRESH_REQUEST);

export function startServer(connection: Connection, runtime: Runtime, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const log = {
    info: (message: string) => connection.console.info(message),
    warn: (message: string) => connection.console.warn(message),
    error: (message: string) => connection.console.error(message),
  };
  // Everything below needs the client's capabilities and options, so it is built in onInitialize.
  let session: Session | undefined;

  connection.onInitialize((params): InitializeResult => {
    session = new Session(connection, runtime, documents, options, params, log);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'vigil' },
    };
  });
  connection.onInitialized(() => runSafeNotification(log, 'initialized', () => session?.initialized()));
  connection.onShutdown(() => session?.dispose());

  documents.onDidOpen((event) => runSafeNotification(log, 'didOpen', () => session?.opened(event.document.uri)));
  documents.onDidChangeContent((event) =>
    runSafeNotification(log, 'didChange', () => session?.changed(event.document.uri)),
  );
  documents.onDidClose((event) => runSafeNotification(log, 'didClose', () => session?.closed(event.document.uri)));
  connection.onDidChangeConfiguration((params) =>
    runSafeNotification(log, 'didChangeConfiguration', () => session?.configurationChanged(params.settings)),
  );
  connection.onDidChangeWatchedFiles((params) =>
    runSafeNotification(log, 'didChangeWatchedFiles', () => session?.filesChanged(params.changes)),
  );
  connection.onNotification(WORKSPACE_TRUST_NOTIFICATION, (params: WorkspaceTrustParams) =>
    runSafeNotification(log, 'workspaceTrust', () => session?.trustChanged(params?.trusted === true)),
  );
  connection.onRequest(RefreshRequest, (token) =>
    runSafeAsync<RefreshResult>(log, 'refresh', async () => session?.refresh() ?? { files: 0 }, { files: 0 }, token),
  );

  documents.listen(connection);
  connection.listen();
}

type Log = { info(message: string): void; warn(message: string): void; error(message: string): void };

/** One initialized connection's state. */
class Session {
  private readonly settings: SettingsCache;
  private readonly status: StatusReporter;
  private readonly validator: Validator;
  private readonly capabilities: ClientCapabilities;
  private readonly folders = new Map<string, string>(); // folder URI → path
  /** package.json files found in the workspace, path → the URI they are published under. */
  private readonly workspaceFiles = new Map<string, string>();
  /** Open package.json documents, path → URI, so a scan never publishes an open file under a second URI. */
  private readonly openFiles = new Map<string, string>();
  /** Open documents already validated once; later content changes are debounced. */
  private readonly seen = new Set<string>();
  private readonly readDirectory: ReadDirectory;
  private readonly reloadNpmConfig: () => void;
  private readonly scanLimits: ScanLimits;
  private readonly projectSettings: ProjectSettings;

  constructor(
    private readonly connection: Connection,
    runtime: Runtime,
    private readonly documents: TextDocuments<TextDocument>,
    options: ServerOptions,
    params: InitializeParams,
    private readonly log: Log,
  ) {
    this.capabilities = params.capabilities;
    const init = initializationOptions(params.initializationOptions);
    const pull = params.capabilities.workspace?.configuration
      ? (uri: string): Promise<unknown> => connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
      : undefined;
    // http.proxy and http.proxyStrictSSL are application settings: one value for every document.
    const pullHttp = params.capabilities.workspace?.configuration
      ? (): Promise<unknown> => connection.workspace.getConfiguration({ section: HTTP_SECTION })
      : undefined;
    this.settings = new SettingsCache(pull, init, log.warn, pullHttp);
    this.status = new StatusReporter((status: StatusParams) => quietly(connection.sendNotification(STATUS_NOTIFICATION, status)));
    this.status.setTrusted(this.settings.isTrusted);
    this.readDirectory = options.readDirectory ?? nodeReadDirectory;
    this.reloadNpmConfig = () => runtime.reloadNpmConfig?.();
    this.scanLimits = options.scanLimits ?? DEFAULT_SCAN_LIMITS;
    this.projectSettings = new ProjectSettings({
      read: (uri) => this.read(uri, runtime),
      openText: (path) => this.documents.all().find((document) => uriToPath(document.uri) === path)?.getText(),
      readFile: (path) => runtime.readFile(path),
      publish: (uri, version, diagnostics) => quietly(connection.sendDiagnostics({ uri, version, diagnostics })),
      now: () => runtime.now(),
      revalidateManifests: () => this.allUris().forEach((uri) => this.validator.schedule(uri)),
      log: log.warn,
    });
    this.validator = new Validator({
      runtime,
      settings: this.settings,
      ...(init.cacheDir !== undefined && { cacheDir: init.cacheDir }),
      schedule: options.schedule ?? realSchedule,
      debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      read: (uri) => this.read(uri, runtime),
      projectFiles: (uri) => this.projectSettings.files(uri, [...this.folders.values()]),
      publish: (uri, version, diagnostics) => quietly(connection.sendDiagnostics({ uri, version, diagnostics })),
      status: this.status,
      log,
    });
    for (const folder of workspaceFolders(params)) this.addFolder(folder);
  }

  async initialized(): Promise<void> {
    // The scan marks the status 'checking' synchronously, so the first status sent is not a bogus 'idle'.
    const scanned = this.scan([...this.folders.values()]);
    this.status.start();
    await Promise.all([this.registerForChanges(), scanned, this.projectSettings.validateRoots([...this.folders.values()])]);
  }

  opened(uri: string): void {
    if (isPolicyUri(uri)) return this.projectSettings.policyDocument(uri, 'opened');
    const path = uriToPath(uri);
    if (path === undefined || !isPackageJsonUri(uri)) return;
    this.openFiles.set(path, uri);
    this.adopt(uri);
  }

  changed(uri: string): void {
    if (isPolicyUri(uri)) return this.projectSettings.policyDocument(uri, 'changed');
    if (!isPackageJsonUri(uri)) return;
    // The first content event of a document is its opening: validate at once, debounce only edits.
    if (this.seen.has(uri)) return this.validator.schedule(uri);
    this.seen.add(uri);
    void this.validator.validate(uri);
  }

  closed(uri: string): void {
    if (isPolicyUri(uri)) return this.projectSettings.policyDocument(uri, 'closed');
    this.seen.delete(uri);
    const path = uriToPath(uri);
    if (path === undefined || !isPackageJsonUri(uri)) return;
    this.openFiles.delete(path);
    // A workspace file stays validated, now from disk (unsaved edits were discarded); any other file goes.
    if (this.workspaceFiles.has(path)) void this.validator.validate(uri);
    else {
      this.validator.forget(uri);
      this.settings.forget(uri);
    }
  }

  async configurationChanged(settings: unknown): Promise<void> {
    const pushed = isRecord(settings) ? settings[SETTINGS_SECTION] : undefined;
    this.settings.reset(pushed, isRecord(settings) ? settings[HTTP_SECTION] : undefined);
    await this.validator.validateAll(this.allUris());
  }

  /** Trust decides which npm config is read (and which settings the client passes on): validate again. */
  async trustChanged(trusted: boolean): Promise<void> {
    if (trusted === this.settings.isTrusted) return;
    this.settings.setTrusted(trusted);
    this.status.setTrusted(trusted);
    await this.validator.validateAll(this.allUris());
  }

  filesChanged(changes: readonly FileEvent[]): void {
    // An .npmrc decides registries, tokens and proxies for every file below it: read config again, check all.
    // The project's settings files (.vigilrc.json, cooldowns) change findings everywhere too.
    const settingsChanged = this.projectSettings.filesChanged(changes);
    if (changes.some((change) => isNpmrcUri(change.uri))) {
      this.reloadNpmConfig();
      void this.validator.validateAll(this.allUris());
    } else if (settingsChanged) void this.validator.validateAll(this.allUris());
    for (const change of changes) {
      const path = uriToPath(change.uri);
      if (path === undefined || !isPackageJsonUri(change.uri)) continue;
      // `npm install` rewrites hundreds of manifests under node_modules: not the project's, never validated.
      if (![...this.folders.values()].some((folder) => isScannedPath(path, folder))) continue;
      if (change.type === FileChangeType.Deleted) {
        const uri = this.workspaceFiles.get(path) ?? change.uri;
        this.workspaceFiles.delete(path);
        if (!this.documents.get(uri)) this.validator.forget(uri);
        continue;
      }
      const uri = this.adopt(change.uri, true);
      // Open documents are validated from their editor text; a save of one changes nothing here.
      if (!this.documents.get(uri)) this.validator.schedule(uri);
    }
  }

  async refresh(): Promise<RefreshResult> {
    this.settings.reset();
    // The user's own ~/.npmrc is not watched (it is outside the workspace): Refresh is how it is re-read.
    this.reloadNpmConfig();
    const uris = this.allUris();
    await this.validator.validateAll(uris);
    return { files: uris.length };
  }

  dispose(): void {
    this.validator.dispose();
  }

  private async read(uri: string, runtime: Runtime): Promise<DocumentSource | undefined> {
    const document = this.documents.get(uri);
    if (document) return { text: document.getText(), version: document.version };
    const path = uriToPath(uri);
    if (path === undefined) return undefined;
    try {
      return { text: await runtime.readFile(path) };
    } catch {
      return undefined; // deleted or unreadable: the validator clears its diagnostics
    }
  }

  /**
   * Publishes each file under one URI. The editor's spelling of a URI (VS Code percent-encodes more than
   * Node does) wins over the one built from a scanned path; switching spelling clears the old one.
   */
  private adopt(uri: string, addToWorkspace = false): string {
    const path = uriToPath(uri);
    if (path === undefined) return uri;
    const known = this.workspaceFiles.get(path);
    if (known === undefined) {
      if (addToWorkspace) this.workspaceFiles.set(path, uri);
      return uri;
    }
    if (known !== uri) {
      this.validator.forget(known);
      this.workspaceFiles.set(path, uri);
    }
    return uri;
  }

  private allUris(): string[] {
    const uris = new Set(this.workspaceFiles.values());
    for (const document of this.documents.all()) if (isPackageJsonUri(document.uri)) uris.add(document.uri);
    return [...uris];
  }

  private addFolder(folder: WorkspaceFolder): void {
    const path = uriToPath(folder.uri);
    if (path !== undefined) this.folders.set(folder.uri, path);
  }

  /** Finds the package.json files under `roots` and validates those not open in the editor. */
  private async scan(roots: readonly string[]): Promise<void> {
    await this.status.whileScanning(async () => {
      const found: string[] = [];
      for (const root of roots) {
        const result = await findPackageJsonFiles(root, this.readDirectory, this.scanLimits);
        if (result.truncated) {
          this.log.warn(`${root}: stopped looking for package.json files after ${result.paths.length}.`);
        }
        for (const path of result.paths) {
          const uri = this.openFiles.get(path) ?? this.workspaceFiles.get(path) ?? pathToUri(path);
          this.workspaceFiles.set(path, uri);
          // Open files are validated from the editor's text already.
          if (!this.openFiles.has(path)) found.push(uri);
        }
      }
      await this.validator.validateAll(found);
    });
  }

  private async registerForChanges(): Promise<void> {
    const workspace = this.capabilities.workspace;
    // Registered by the server (not the client's own settings) so any LSP client that supports dynamic
    // registration is covered, and exactly once.
    if (workspace?.didChangeConfiguration?.dynamicRegistration) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: [SETTINGS_SECTION, HTTP_SECTION] });
    }
    if (workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: ['**/package.json', ...PROJECT_SETTINGS_GLOBS].map((globPattern) => ({ globPattern })),
      });
    }
    if (workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) =>
        runSafeNotification(this.log, 'didChangeWorkspaceFolders', async () => {
          for (const removed of event.removed) this.removeFolder(removed.uri);
          const added = event.added.map((folder) => uriToPath(folder.uri)).filter((p): p is string => p !== undefined);
          event.added.forEach((folder) => this.addFolder(folder));
          await this.scan(added);
        }),
      );
    }
  }

  private removeFolder(folderUri: string): void {
    const root = this.folders.get(folderUri);
    this.folders.delete(folderUri);
    if (root === undefined) return;
    for (const [path, uri] of [...this.workspaceFiles]) {
      if (!isInside(path, root) || [...this.folders.values()].some((folder) => isInside(path, folder))) continue;
      this.workspaceFiles.delete(path);
      if (!this.documents.get(uri)) this.validator.forget(uri);
    }
  }
}

/**
 * Sends that fail mean the connection is gone (the editor quit mid-analysis): nothing to tell anyone, and
 * an unhandled rejection would crash the process instead of letting it exit normally.
 */
function quietly(sent: Promise<void>): void {
  void sent.catch(() => undefined);
}

function workspaceFolders(params: InitializeParams): WorkspaceFolder[] {
  if (params.workspaceFolders) return params.workspaceFolders;
  // Older clients (and some editors' single-root mode) only send rootUri.
  if (params.rootUri) return [{ uri: params.rootUri, name: 'root' }];
  return [];
}

function initializationOptions(raw: unknown): VigilInitializationOptions {
  const options: VigilInitializationOptions = {};
  if (!isRecord(raw)) return options;
  for (const key of ['cacheDir', 'registry', 'asOf'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && value !== '') options[key] = value;
  }
  if (typeof raw['workspaceTrusted'] === 'boolean') options.workspaceTrusted = raw['workspaceTrusted'];
  return options;
}

function isNpmrcUri(uri: string): boolean {
  const path = uriToPath(uri);
  return path !== undefined && basename(path) === '.npmrc' && !path.split(/[\\/]/).includes('node_modules');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
