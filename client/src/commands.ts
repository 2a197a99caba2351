/** The commands the manifest contributes; the ones code actions run are in actionCommands.ts. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CHECK_LOCKFILES_REQUEST,
  CLEAR_CACHE_REQUEST,
  REFRESH_REQUEST,
  REPORT_REQUEST,
  SETTINGS_SECTION,
  WORKSPACE_TRUST_NOTIFICATION,
  type CheckLockfilesResult,
  type ClearCacheResult,
  type RefreshResult,
  type ReportResult,
  type WorkspaceTrustParams,
} from '../../server/src/protocol';
import { registerActionCommands } from './actionCommands';
import { running } from './client';
import { offlineToggle } from './decisions';
import type { MarkdownPreviews } from './preview';

export function registerCommands(client: LanguageClient, output: vscode.LogOutputChannel, previews: MarkdownPreviews): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('vigil.refresh', () => refresh(client, output)),
    vscode.commands.registerCommand('vigil.checkLockfiles', () => checkLockfiles(client, output)),
    vscode.commands.registerCommand('vigil.clearCache', () => clearCache(client, output)),
    vscode.commands.registerCommand('vigil.showReport', () => showReport(client, output, previews)),
    vscode.commands.registerCommand('vigil.toggleOffline', () => toggleOffline()),
    vscode.commands.registerCommand('vigil.showOutput', () => output.show(true)),
    registerActionCommands(client, output, previews),
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
  if (!(await running(client, output))) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Vigil: checking dependencies' },
    () => client.sendRequest<RefreshResult>(REFRESH_REQUEST),
  );
}

/** Every lockfile under the workspace folders, not only the open ones: their diagnostics go to the Problems view. */
async function checkLockfiles(client: LanguageClient, output: vscode.OutputChannel): Promise<void> {
  if (!(await running(client, output))) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Vigil: checking lockfiles' },
    () => client.sendRequest<CheckLockfilesResult>(CHECK_LOCKFILES_REQUEST),
  );
  // Nothing found is worth saying (the command otherwise seems to do nothing); results speak for themselves.
  if (result.files === 0) void vscode.window.showInformationMessage('Vigil: no lockfile found in the workspace folders.');
}

/** Forgets cached registry data (memory and disk) and checks everything again from the registry. */
async function clearCache(client: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  if (!(await running(client, output))) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Vigil: clearing the cache and checking again' },
    () => client.sendRequest<ClearCacheResult>(CLEAR_CACHE_REQUEST),
  );
  output.info(`Cache cleared${result.cleared ? '' : ' in memory only'}; ${result.files} files checked again.`);
  if (!result.cleared) {
    const choice = await vscode.window.showWarningMessage('Vigil: the disk cache could not be cleared completely.', 'Show Output');
    if (choice) output.show(true);
  }
}

async function showReport(client: LanguageClient, output: vscode.OutputChannel, previews: MarkdownPreviews): Promise<void> {
  if (!(await running(client, output))) return;
  const report = await client.sendRequest<ReportResult>(REPORT_REQUEST);
  await previews.show('Vigil report', report.markdown);
}

/** Flips `vigil.offline` where it is set (decisions.ts offlineToggle); the server validates again. */
async function toggleOffline(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const { value, target } = offlineToggle(configuration.inspect<boolean>('offline'), vscode.workspace.isTrusted);
  await configuration.update('offline', value, target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  vscode.window.setStatusBarMessage(value ? 'Vigil: offline (cached registry data only)' : 'Vigil: online', 4_000);
}
