/**
 * The LanguageClient: starts dist/server.js over node-ipc (debuggable on port 6009 when the extension runs
 * in the Extension Development Host) and connects the server's status notification to the status item.
 * The client id `vigil` makes vscode-languageclient read `vigil.trace.server`.
 */
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, type StatusParams, type VigilInitializationOptions } from '../../server/src/protocol';
import { configurationMiddleware, DOCUMENT_SELECTOR } from './config';
import type { StatusItem } from './status';

export function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, status: StatusItem): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  // Trust decides whether the server reads the project's .npmrc; a later grant arrives as a notification
  // (commands.ts). A function, so a restarted server is told the trust of that moment, not of activation.
  const initializationOptions = (): VigilInitializationOptions => ({
    cacheDir: context.globalStorageUri.fsPath,
    workspaceTrusted: vscode.workspace.isTrusted,
  });
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    initializationOptions,
    diagnosticCollectionName: 'vigil',
    middleware: { workspace: { configuration: configurationMiddleware } },
  };
  const client = new LanguageClient('vigil', 'Vigil', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status.update(params)),
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped) status.stopped();
    }),
  );
  return client;
}
