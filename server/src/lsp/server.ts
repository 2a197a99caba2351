/**
 * The language server: wires LSP messages to the validator. Transport-agnostic (the caller makes the
 * connection: stdio, node-ipc, or an in-memory pair in tests) and side-effect-free except through the
 * runtime, so the same code runs in VS Code, in any LSP editor, and under test.
 */
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  RequestType0,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Runtime } from '../node/runtime';
import {
  CHECK_LOCKFILES_REQUEST,
  REFRESH_REQUEST,
  type ClearCacheResult,
  type ReportResult,
  SETTINGS_SECTION,
  STATUS_NOTIFICATION,
  WORKSPACE_TRUST_NOTIFICATION,
  type CheckLockfilesResult,
  type RefreshResult,
  type StatusParams,
  type VigilInitializationOptions,
  type WorkspaceTrustParams,
} from '../protocol';
import type { FeatureContext } from './analysisAt';
import { CODE_ACTION_KINDS } from './codeActions';
import { Documents } from './documents';
import { featureCapabilities, registerFeatures, type FeatureHost } from './features';
import { dataFiles, LOCKFILE_GLOB } from './lockfiles';
import { PROJECT_SETTINGS_GLOBS, ProjectSettings } from './projectSettings';
import { workspaceReport } from './report';
import { runSafeAsync, runSafeNotification } from './runSafe';
import { SettingsCache } from './settings';
import { StatusReporter } from './status';
import { realSchedule, Validator, type DocumentSource, type Schedule } from './validator';
import { DEFAULT_SCAN_LIMITS, nodeReadDirectory, uriToPath, type ReadDirectory, type ScanLimits } from './workspace';

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
const CheckLockfilesRequest = new RequestType0<CheckLockfilesResult, void>(CHECK_LOCKFILES_REQUEST);

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
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
      },
      serverInfo: { name: 'vigil' },
    };
  });
  connection.onInitialized(() => runSafeNotification(log, 'initialized', () => session?.initialized()));
  connection.onShutdown(() => session?.dispose());

  documents.onDidOpen((event) => runSafeNotification(log, 'didOpen', () => session?.documents.opened(event.document.uri)));
  documents.onDidChangeContent((event) =>
    runSafeNotification(log, 'didChange', () => session?.documents.changed(event.document.uri)),
  );
  documents.onDidClose((event) => runSafeNotification(log, 'didClose', () => session?.documents.closed(event.document.uri)));
  connection.onDidChangeConfiguration((params) =>
    runSafeNotification(log, 'didChangeConfiguration', () => session?.configurationChanged(params.settings)),
  );
  connection.onDidChangeWatchedFiles((params) =>
    runSafeNotification(log, 'didChangeWatchedFiles', () => session?.documents.filesChanged(params.changes)),
  );
  connection.onNotification(WORKSPACE_TRUST_NOTIFICATION, (params: WorkspaceTrustParams) =>
    runSafeNotification(log, 'workspaceTrust', () => session?.trustChanged(params?.trusted === true)),
  );
  connection.onRequest(RefreshRequest, (token) =>
    runSafeAsync<RefreshResult>(log, 'refresh', async () => session?.refresh() ?? { files: 0 }, { files: 0 }, token),
  );
  connection.onRequest(CheckLockfilesRequest, (token) =>
    runSafeAsync<CheckLockfilesResult>(log, 'checkLockfiles', async () => session?.checkLockfiles() ?? { files: 0 }, { files: 0 }, token),
  );
  registerFeatures(connection, log, () => session);

  documents.listen(connection);
  connection.listen();
}

type Log = { info(message: string): void; warn(message: string): void; error(message: string): void };

/** One initialized connection's state. */
class Session implements FeatureHost {
  readonly documents: Documents;
  readonly context: FeatureContext;
  private readonly settings: SettingsCache;
  private readonly status: StatusReporter;
  private readonly validator: Validator;
  private readonly capabilities: ClientCapabilities;
  private readonly folders = new Map<string, string>(); // folder URI → path
  private readonly projectSettings: ProjectSettings;
  private readonly reloadNpmConfig: () => void;
  private readonly cacheDir: string | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly runtime: Runtime,
    private readonly textDocuments: TextDocuments<TextDocument>,
    options: ServerOptions,
    params: InitializeParams,
    private readonly log: Log,
  ) {
    this.capabilities = params.capabilities;
    this.reloadNpmConfig = () => runtime.reloadNpmConfig?.();
    const init = initializationOptions(params.initializationOptions);
    this.cacheDir = init.cacheDir;
    this.settings = settingsCache(connection, params, init, log);
    this.status = new StatusReporter((status: StatusParams) => quietly(connection.sendNotification(STATUS_NOTIFICATION, status)));
    this.status.setTrusted(this.settings.isTrusted);
    const publish = (uri: string, version: number | undefined, diagnostics: Diagnostic[]): void =>
      quietly(connection.sendDiagnostics({ uri, version, diagnostics }));
    const openText = (path: string): string | undefined =>
      this.textDocuments.all().find((document) => uriToPath(document.uri) === path)?.getText();
    this.projectSettings = new ProjectSettings({
      read: (uri) => this.read(uri, runtime),
      openText,
      readFile: (path) => runtime.readFile(path),
      publish,
      now: () => runtime.now(),
      revalidateBelow: (path) => this.documents.revalidateBelow(path, { ifChanged: true }),
      log: log.warn,
    });
    const files = { openText, readFile: (path: string) => runtime.readFile(path), log: log.warn };
    this.validator = new Validator({
      runtime,
      settings: this.settings,
      ...(init.cacheDir !== undefined && { cacheDir: init.cacheDir }),
      schedule: options.schedule ?? realSchedule,
      debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      read: (uri) => this.read(uri, runtime),
      projectFiles: (uri) => this.projectSettings.files(uri, this.roots()),
      dataFiles: async (uri) => {
        const path = uriToPath(uri);
        return path === undefined ? [] : dataFiles(path, this.roots(), files);
      },
      publish,
      status: this.status,
      log,
    });
    this.documents = new Documents({
      validator: this.validator,
      projectSettings: this.projectSettings,
      status: this.status,
      forgetSettings: (uri) => this.settings.forget(uri),
      isOpen: (uri) => this.textDocuments.get(uri) !== undefined,
      folders: () => this.roots(),
      readDirectory: options.readDirectory ?? nodeReadDirectory,
      scanLimits: options.scanLimits ?? DEFAULT_SCAN_LIMITS,
      reloadNpmConfig: this.reloadNpmConfig,
      log,
    });
    for (const folder of workspaceFolders(params)) this.addFolder(folder);
    this.context = {
      latest: (uri) => this.validator.latest(uri),
      openVersion: (uri) => this.textDocuments.get(uri)?.version,
      openAt: (path) => {
        const document = this.textDocuments.all().find((open) => uriToPath(open.uri) === path);
        return document && { uri: document.uri, text: document.getText(), version: document.version };
      },
      readFile: (path) => runtime.readFile(path),
      isTrusted: () => this.settings.isTrusted,
      capabilities: featureCapabilities(params.capabilities),
    };
  }

  async initialized(): Promise<void> {
    // The scan marks the status 'checking' synchronously, so the first status sent is not a bogus 'idle'.
    const scanned = this.documents.scan(this.roots());
    this.status.start();
    await Promise.all([this.registerForChanges(), scanned, this.projectSettings.validateRoots(this.roots())]);
  }

  async configurationChanged(settings: unknown): Promise<void> {
    const pushed = isRecord(settings) ? settings[SETTINGS_SECTION] : undefined;
    this.settings.reset(pushed, isRecord(settings) ? settings[HTTP_SECTION] : undefined);
    await this.validator.validateAll(this.documents.allUris());
  }

  /** Trust decides which npm config is read (and which settings the client passes on): validate again. */
  async trustChanged(trusted: boolean): Promise<void> {
    if (trusted === this.settings.isTrusted) return;
    this.settings.setTrusted(trusted);
    this.status.setTrusted(trusted);
    await this.validator.validateAll(this.documents.allUris());
  }

  async refresh(): Promise<RefreshResult> {
    this.settings.reset();
    // The user's own ~/.npmrc is not watched (it is outside the workspace): Refresh is how it is re-read.
    this.reloadNpmConfig();
    const uris = this.documents.allUris();
    await this.validator.validateAll(uris);
    return { files: uris.length };
  }

  report(): ReportResult {
    return workspaceReport(this.validator.all(), this.roots());
  }

  /** Forgets every registry answer (memory and disk), then validates everything again. */
  async clearCache(): Promise<ClearCacheResult> {
    this.validator.abortAll();
    const cleared = (await this.runtime.clearCache?.(this.cacheDir)) ?? false;
    if (!cleared) this.log.warn('The disk cache could not be cleared completely; see earlier messages.');
    this.settings.reset();
    const uris = this.documents.allUris();
    await this.validator.validateAll(uris);
    return { files: uris.length, cleared };
  }

  async checkLockfiles(): Promise<CheckLockfilesResult> {
    return { files: await this.documents.checkLockfiles() };
  }

  dispose(): void {
    this.validator.dispose();
  }

  private async read(uri: string, runtime: Runtime): Promise<DocumentSource | undefined> {
    const document = this.textDocuments.get(uri);
    if (document) return { text: document.getText(), version: document.version };
    const path = uriToPath(uri);
    if (path === undefined) return undefined;
    try {
      return { text: await runtime.readFile(path) };
    } catch {
      return undefined; // deleted or unreadable: the validator clears its diagnostics
    }
  }

  private roots(): string[] {
    return [...this.folders.values()];
  }

  private addFolder(folder: WorkspaceFolder): void {
    const path = uriToPath(folder.uri);
    if (path !== undefined) this.folders.set(folder.uri, path);
  }

  private removeFolder(folderUri: string): void {
    const root = this.folders.get(folderUri);
    this.folders.delete(folderUri);
    if (root !== undefined) this.documents.removeFolder(root);
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
        watchers: ['**/package.json', LOCKFILE_GLOB, ...PROJECT_SETTINGS_GLOBS].map((globPattern) => ({ globPattern })),
      });
    }
    if (workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) =>
        runSafeNotification(this.log, 'didChangeWorkspaceFolders', async () => {
          for (const removed of event.removed) this.removeFolder(removed.uri);
          const added = event.added.map((folder) => uriToPath(folder.uri)).filter((p): p is string => p !== undefined);
          event.added.forEach((folder) => this.addFolder(folder));
          await this.documents.scan(added);
        }),
      );
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

/** Settings pulled per document when the client can be asked; http.* are application settings: one value for all. */
function settingsCache(connection: Connection, params: InitializeParams, init: VigilInitializationOptions, log: Log): SettingsCache {
  const canPull = params.capabilities.workspace?.configuration === true;
  const pull = canPull
    ? (uri: string): Promise<unknown> => connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
    : undefined;
  const pullHttp = canPull ? (): Promise<unknown> => connection.workspace.getConfiguration({ section: HTTP_SECTION }) : undefined;
  return new SettingsCache(pull, init, log.warn, pullHttp);
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
