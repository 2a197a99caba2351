/**
 * When the first analysis of a session shows a progress notification: only for a large workspace (more
 * than 20 files, or a lockfile of more than 1,000 entries), only while the server says it is checking,
 * and only the first time. Pure: driven by the server's status notifications (progress.ts shows it).
 */
import type { StatusParams } from '../../server/src/protocol';

export const LARGE_WORKSPACE_FILES = 20;
export const LARGE_LOCKFILE_ENTRIES = 1_000;

/** waiting: the first analysis has not finished; showing: the notification is up; over: never again this session. */
export type ProgressPhase = 'waiting' | 'showing' | 'over';

export interface ProgressStep {
  phase: ProgressPhase;
  action: 'none' | 'start' | 'report' | 'end';
  message?: string;
}

export function isLarge(status: StatusParams): boolean {
  return status.files + (status.lockfiles ?? 0) > LARGE_WORKSPACE_FILES || (status.largestLockfile ?? 0) > LARGE_LOCKFILE_ENTRIES;
}

export function progressStep(phase: ProgressPhase, status: StatusParams): ProgressStep {
  const checking = status.state === 'checking';
  switch (phase) {
    case 'over':
      return { phase, action: 'none' };
    case 'waiting':
      if (checking) return isLarge(status) ? { phase: 'showing', action: 'start', message: progressMessage(status) } : { phase, action: 'none' };
      // Before anything was validated there is nothing to finish; after, the first analysis is done.
      return status.state === 'idle' ? { phase, action: 'none' } : { phase: 'over', action: 'none' };
    case 'showing':
      return checking ? { phase, action: 'report', message: progressMessage(status) } : { phase: 'over', action: 'end' };
  }
}

export function progressMessage(status: StatusParams): string {
  const files = status.files + (status.lockfiles ?? 0);
  const where = `${files} ${files === 1 ? 'file' : 'files'}`;
  if (status.pending > 0) return `${status.checked} checked, ${status.pending} to go, in ${where}`;
  return `looking for dependencies in ${where}`;
}
