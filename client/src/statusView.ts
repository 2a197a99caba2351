/** The status item's text for a server status: pure, so it is tested without VS Code. */
import type { StatusParams } from '../../server/src/protocol';

export interface StatusView {
  text: string;
  detail: string;
  level: 'information' | 'warning' | 'error';
  busy: boolean;
}

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** Advisory trouble is said once, in the text; why (and a replay's skip) goes to the detail. */
const ADVISORY_TROUBLE = new Set(['advisories-unsupported', 'advisories-unavailable', 'advisories-incomplete']);

/** What an untrusted workspace changes, said first in the detail in every state. */
export const UNTRUSTED_NOTE = 'untrusted workspace: project .npmrc ignored';

export function statusView(status: StatusParams): StatusView {
  const view = stateView(status);
  if (!status.untrustedWorkspace) return view;
  return { ...view, detail: view.detail ? `${UNTRUSTED_NOTE} · ${view.detail}` : UNTRUSTED_NOTE };
}

function stateView(status: StatusParams): StatusView {
  // Minutes are enough in the status bar; the detail and the log carry the exact instant.
  const tags = [status.offline ? 'offline' : '', status.asOf ? `as of ${status.asOf.slice(0, 16).replace('T', ' ')} UTC` : ''].filter(Boolean);
  const label = tags.length > 0 ? `Vigil (${tags.join(', ')})` : 'Vigil';
  const where = status.registries.length > 0 ? ` · ${status.registries.join(', ')}` : '';
  // Manifests are "files" as before; open (or all checked) lockfiles are said apart.
  const lockfiles = status.lockfiles ?? 0;
  const documents = [status.files > 0 || lockfiles === 0 ? plural(status.files, 'file') : '', lockfiles > 0 ? plural(lockfiles, 'lockfile') : '']
    .filter(Boolean)
    .join(' and ');
  const checked = `${plural(status.checked, 'dependency', 'dependencies')} checked in ${documents}${where}`;
  const notes = status.notes ?? [];
  const advisories = notes.some((note) => ADVISORY_TROUBLE.has(note.code)) ? ' · advisories unavailable' : '';
  const noteText = notes.map((note) => ` · ${note.message}`).join('');
  const offline = status.offline ? 'offline (vigil.offline): cached registry data only · ' : '';
  const detail = offline + (status.asOf ? `${checked} · replaying ${status.asOf} (vigil.asOf)` : checked) + noteText;
  const { error, warning } = status.counts;
  const found = [error > 0 ? plural(error, 'error') : '', warning > 0 ? plural(warning, 'warning') : '']
    .filter(Boolean)
    .join(', ');
  switch (status.state) {
    case 'idle':
      return { text: 'Vigil: no package.json checked yet', detail: '', level: 'information', busy: false };
    case 'checking': {
      const what = status.pending > 0 ? `checking ${plural(status.pending, 'package')}…` : 'checking…';
      return { text: `${label}: ${what}`, detail, level: 'information', busy: true };
    }
    case 'registry-unreachable':
      // Offline on purpose: what is missing is what the cache never held, not a failure.
      if (status.offline) return { text: `${label}: some packages not in the cache`, detail: offline + (status.message ?? detail), level: 'warning', busy: false };
      return {
        text: `${label}: registry unreachable`,
        detail: status.message ?? detail,
        level: 'error',
        busy: false,
      };
    case 'done':
      return {
        text: `${label}: ${found || 'no warnings'}${advisories}`,
        detail,
        // A replay is not about today; make that hard to miss.
        level: status.asOf ? 'warning' : 'information',
        busy: false,
      };
  }
}
