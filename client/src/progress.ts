/**
 * The first analysis of a large workspace as a progress notification (progressPlan.ts decides when),
 * fed by the server's status notifications. Dismissing it (Cancel) only hides it: the check goes on, and
 * the status item keeps saying how far it is.
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';
import { progressStep, type ProgressPhase } from './progressPlan';

interface Shown {
  report(message: string): void;
  end(): void;
}

export class FirstAnalysisProgress implements vscode.Disposable {
  private phase: ProgressPhase = 'waiting';
  private shown: Shown | undefined;

  update(status: StatusParams): void {
    const step = progressStep(this.phase, status);
    this.phase = step.phase;
    if (step.action === 'start') this.start(step.message ?? '');
    else if (step.action === 'report') this.shown?.report(step.message ?? '');
    else if (step.action === 'end') this.end();
  }

  /** The server stopped: whatever was shown is over. */
  stopped(): void {
    this.phase = 'over';
    this.end();
  }

  dispose(): void {
    this.end();
  }

  private start(message: string): void {
    const options = { location: vscode.ProgressLocation.Notification, title: 'Vigil: checking the workspace\'s dependencies', cancellable: true };
    void vscode.window.withProgress(options, (progress, token) => {
      progress.report({ message });
      return new Promise<void>((resolve) => {
        const cancelled = token.onCancellationRequested(() => {
          this.phase = 'over';
          this.end();
        });
        this.shown = {
          report: (next) => progress.report({ message: next }),
          end: () => {
            cancelled.dispose();
            resolve();
          },
        };
      });
    });
  }

  private end(): void {
    const shown = this.shown;
    this.shown = undefined;
    shown?.end();
  }
}
