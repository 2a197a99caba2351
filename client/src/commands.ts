/** The commands the manifest contributes. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REFRESH_REQUEST, WORKSPACE_TRUST_NOTIFICATION, type RefreshResult, type WorkspaceTrustParams } from '../../server/src/protocol';

export function registerCommands(client: LanguageClient, output: vscode.OutputChannel): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('vigil.refresh', () => refresh(client, output)),
    vscode.commands.registerCommand('vigil.showOutput', () => output.show(true)),
    // Trust changes which settings (config.ts) and which .npmrc files the server may use; it validates again.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void grantTrust(client)),
  );
}

async function grantTrust(client: LanguageClient): Promise<void> {
  // A server not running yet reads the trust from initializationOptions when it starts.
  if (!client.isRunning()) return;
  const params: WorkspaceTrustParams = { trusted: true };
  await client.sendNotification(WORKSPACE_TRUST_NOTIFICATION, params).catch(() => undefined);
}

async function refresh(client: LanguageClient, output: vscode.OutputChannel): Promise<void> {
  if (!client.isRunning()) {
    // The user asked for this, so a message is warranted; the cause is in the output.
    const choice = await vscode.window.showWarningMessage('Vigil: the language server is not running.', 'Show Output');
    if (choice) output.show(true);
    return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Vigil: checking dependencies' },
    () => client.sendRequest<RefreshResult>(REFRESH_REQUEST),
  );
}
