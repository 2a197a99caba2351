/**
 * The status item: what the server says about the whole system (checking, counts, registry down), shown
 * as a language status item on package.json files and lockfiles (statusView.ts decides the words).
 */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';
import { PACKAGE_JSON_SELECTOR } from './config';
import { LOCKFILE_SELECTOR } from './lockfiles';
import { statusView, type StatusView } from './statusView';

const SEVERITY: Record<StatusView['level'], vscode.LanguageStatusSeverity> = {
  information: vscode.LanguageStatusSeverity.Information,
  warning: vscode.LanguageStatusSeverity.Warning,
  error: vscode.LanguageStatusSeverity.Error,
};

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('vigil.status', [...PACKAGE_JSON_SELECTOR, ...LOCKFILE_SELECTOR]);

  constructor() {
    this.item.name = 'Vigil';
    this.show({ text: 'Vigil: starting…', detail: '', level: 'information', busy: true });
  }

  update(status: StatusParams): void {
    this.show(statusView(status), status.offline === true);
  }

  /** The server is not running (crashed too often, or failed to start). */
  stopped(): void {
    this.show({ text: 'Vigil: stopped', detail: 'The language server is not running; see the output.', level: 'error', busy: false });
  }

  private show(view: StatusView, offline = false): void {
    this.item.text = view.text;
    this.item.detail = view.detail;
    this.item.severity = SEVERITY[view.level];
    this.item.busy = view.busy;
    // Errors lead to the log, where the cause is; offline, the way back online; otherwise a refresh.
    this.item.command =
      view.level === 'error'
        ? { title: 'Show Output', command: 'vigil.showOutput' }
        : offline
          ? { title: 'Go Online', command: 'vigil.toggleOffline' }
          : { title: 'Refresh', command: 'vigil.refresh' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
