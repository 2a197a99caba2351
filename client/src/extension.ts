/** Extension entry point: create the pieces, start the language server, stop it on deactivation. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './client';
import { registerCommands } from './commands';
import { Notices } from './notices';
import { MarkdownPreviews } from './preview';
import { FirstAnalysisProgress } from './progress';
import { StatusItem } from './status';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Vigil', { log: true });
  const status = new StatusItem();
  const progress = new FirstAnalysisProgress();
  const previews = new MarkdownPreviews();
  context.subscriptions.push(output, status, progress, previews);
  client = createClient(context, output, [status, progress, new Notices(output)]);
  context.subscriptions.push(registerCommands(client, output, previews));
  try {
    await client.start();
  } catch (error) {
    // The client already logged the cause; the status item says Vigil is stopped and links to the log.
    output.error(`Vigil could not start its language server: ${String(error)}`);
    status.stopped();
    progress.stopped();
  }
}

export function deactivate(): Promise<void> | undefined {
  // Returning the promise lets VS Code wait for the server to shut down cleanly.
  return client?.stop();
}
