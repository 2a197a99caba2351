/**
 * The LanguageClient: starts dist/server.js over node-ipc (debuggable on port 6009 when the extension runs
 * in the Extension Development Host) and hands the server's status notifications on. The client id
 * `vigil` makes vscode-languageclient read `vigil.trace.server`.
 */
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, serverEnvironment, type StatusParams, type VigilInitializationOptions } from '../../server/src/protocol';
import { configurationMiddleware, DOCUMENT_SELECTOR } from './config';
import { LOCKFILE_SELECTOR } from './lockfiles';

/** What listens to the server's state: the status item, the first-analysis progress, the notices. */
export interface StatusListener {
  update(status: StatusParams): void;
  stopped(): void;
}

export function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, listeners: readonly StatusListener[]): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  // The client adds `env` to its own environment (vscode-languageclient's getEnvironment).
  const env = serverEnvironment(process.env);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'], env } },
  };
  // Trust decides whether the server reads the project's .npmrc; a later grant arrives as a notification
  // (commands.ts). A function, so a restarted server is told the trust of that moment, not of activation.
  const initializationOptions = (): VigilInitializationOptions => ({
    cacheDir: context.globalStorageUri.fsPath,
    workspaceTrusted: vscode.workspace.isTrusted,
  });
  const clientOptions: LanguageClientOptions = {
    // Lockfiles are synced too: open ones get their own diagnostics, and their unsaved text is what the
    // manifests below them are checked against.
    documentSelector: [...DOCUMENT_SELECTOR, ...LOCKFILE_SELECTOR],
    outputChannel: output,
    initializationOptions,
    diagnosticCollectionName: 'vigil',
    middleware: { workspace: { configuration: configurationMiddleware } },
  };
  const client = new LanguageClient('vigil', 'Vigil', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => listeners.forEach((listener) => listener.update(params))),
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped) listeners.forEach((listener) => listener.stopped());
    }),
  );
  return client;
}

/** Whether the server is running; if not, says so (the user asked for something) and offers the log. */
export async function running(client: LanguageClient, output: vscode.OutputChannel): Promise<boolean> {
  if (client.isRunning()) return true;
  const choice = await vscode.window.showWarningMessage('Vigil: the language server is not running.', 'Show Output');
  if (choice) output.show(true);
  return false;
}
