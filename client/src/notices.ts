/**
 * Pop-ups about the whole system, only when the user can act on them and once per session
 * (decisions.ts alertFor): an unreachable registry offers to work offline. Everything else goes to the
 * status item and the output channel.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';
import { alertFor } from './decisions';

export class Notices {
  private readonly shown = new Set<string>();

  constructor(private readonly output: vscode.LogOutputChannel) {}

  update(status: StatusParams): void {
    const alert = alertFor(status, this.shown);
    if (!alert) return;
    this.shown.add(alert.key);
    this.output.warn(alert.message);
    void vscode.window.showWarningMessage(alert.message, ...alert.actions).then((choice) => {
      if (choice === 'Work Offline') void vscode.commands.executeCommand('vigil.toggleOffline');
      else if (choice === 'Show Output') this.output.show(true);
    });
  }

  stopped(): void {
    // The status item says so; the cause is already in the output.
  }
}
