/**
 * The commands the server's code actions name: run the package manager's install after an override,
 * suppress a finding in .vigilrc.json, open a package's npm page, show its maintainer history. Their
 * arguments come from the server as JSON and are checked first (decisions.ts); nothing runs or is written
 * in an untrusted workspace.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  COMMANDS,
  PACKAGE_CARD_REQUEST,
  SUPPRESSION_EDIT_REQUEST,
  type PackageCardResult,
  type SuppressArgs,
  type SuppressionEditParams,
  type SuppressionEditResult,
} from '../../server/src/protocol';
import { running } from './client';
import { EXPIRY_CHOICES, expiryDate, installPlan, isPackageCardParams, isSuppressArgs, npmPage, reasonProblem, suppressionEntry } from './decisions';
import type { MarkdownPreviews } from './preview';

export function registerActionCommands(client: LanguageClient, output: vscode.LogOutputChannel, previews: MarkdownPreviews): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.runInstall, (args: unknown) => runInstall(args)),
    vscode.commands.registerCommand(COMMANDS.suppress, (args: unknown) => suppress(client, output, args)),
    vscode.commands.registerCommand(COMMANDS.openOnNpm, (args: unknown) => openOnNpm(args)),
    vscode.commands.registerCommand(COMMANDS.showMaintainerHistory, (args: unknown) => showMaintainerHistory(client, output, previews, args)),
  );
}

/** Offered after an override is written: the install that makes the lockfile follow, in a terminal the user sees. */
async function runInstall(args: unknown): Promise<void> {
  const plan = installPlan(args, vscode.workspace.isTrusted);
  if ('refuse' in plan) {
    void vscode.window.showWarningMessage(`Vigil: ${plan.refuse}`);
    return;
  }
  const action = `Run ${plan.run}`;
  const note = plan.note === undefined ? '' : ` ${plan.note}`;
  const choice = await vscode.window.showInformationMessage(`Vigil: override written to package.json.${note} Run "${plan.run}" so the lockfile follows?`, action);
  if (choice !== action) return;
  const terminal = vscode.window.createTerminal({ name: `Vigil: ${plan.run}`, cwd: vscode.Uri.parse(plan.folder) });
  terminal.show();
  terminal.sendText(plan.run);
}

async function suppress(client: LanguageClient, output: vscode.LogOutputChannel, args: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Vigil: suppressions are not written in an untrusted workspace (its .vigilrc.json is not read either).');
    return;
  }
  if (!isSuppressArgs(args) || !(await running(client, output))) return;
  const params = await askSuppression(args);
  if (!params) return;
  const result = await client.sendRequest<SuppressionEditResult>(SUPPRESSION_EDIT_REQUEST, params);
  if (!result.edit) {
    void vscode.window.showWarningMessage(`Vigil: ${result.message ?? 'nothing to write.'}`);
    return;
  }
  const applied = await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(result.edit));
  if (!applied) {
    void vscode.window.showWarningMessage('Vigil: .vigilrc.json changed meanwhile; nothing was written. Try again.');
    return;
  }
  // Saved, so the suppression holds for the CLI and CI too, not only in this editor's unsaved buffer.
  if (result.file) await (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.file))).save();
}

/** The reason (required) and an expiry; undefined when the user backs out. */
async function askSuppression(args: SuppressArgs): Promise<SuppressionEditParams | undefined> {
  const entry = suppressionEntry(args);
  const title = `Suppress ${args.signal} for ${entry}`;
  const reason = await vscode.window.showInputBox({
    title,
    prompt: 'Why is this safe? Kept in .vigilrc.json for whoever reads it next.',
    validateInput: reasonProblem,
    ignoreFocusOut: true,
  });
  if (reason === undefined) return undefined;
  const now = new Date();
  const items = EXPIRY_CHOICES.map((choice) => ({ label: choice.label, days: choice.days, ...(choice.days && { description: expiryDate(now, choice.days) }) }));
  const expiry = await vscode.window.showQuickPick(items, { title, placeHolder: 'Should the suppression expire?' });
  if (!expiry) return undefined;
  return { uri: args.uri, entry, signal: args.signal, reason: reason.trim(), ...(expiry.days && { expires: expiryDate(now, expiry.days) }) };
}

function openOnNpm(args: unknown): void {
  const url = npmPage(args);
  if (url) void vscode.env.openExternal(vscode.Uri.parse(url, true));
}

async function showMaintainerHistory(client: LanguageClient, output: vscode.LogOutputChannel, previews: MarkdownPreviews, args: unknown): Promise<void> {
  if (!isPackageCardParams(args) || !(await running(client, output))) return;
  const card = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Vigil: reading ${args.name}'s history` },
    () => client.sendRequest<PackageCardResult | null>(PACKAGE_CARD_REQUEST, args),
  );
  if (!card) {
    void vscode.window.showInformationMessage(`Vigil: ${args.name} is not in the latest check of that file; try again once it is checked.`);
    return;
  }
  await previews.show(card.title, `# ${card.title.replace(/[\\`*_[\]()<>#|]/g, '\\$&')}\n\n${card.markdown}\n`);
}
