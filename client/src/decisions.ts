/**
 * What the client decides, kept apart from the `vscode` calls that carry it out so it is tested without
 * VS Code: which settings an untrusted workspace may not choose, what the commands' arguments may ask for
 * (they arrive from the server as JSON: checked, not trusted), when a pop-up is warranted.
 */
import type { OpenOnNpmArgs, PackageCardParams, RunInstallArgs, StatusParams, SuppressArgs } from '../../server/src/protocol';

/**
 * Settings an untrusted workspace must not choose, because they decide what Vigil believes: a cloned
 * repository could point `registry` at a server that hides the history, set `asOf` to a time before the
 * malicious release, turn a signal `off` in `severity`, keep Vigil `offline` so nothing new is checked,
 * or turn checking off for its files (`enable.*`). In an untrusted workspace only the user's own value
 * counts. Dotted keys are nested in the section the server pulls (`enable.lockfiles` is `enable: { lockfiles }`).
 */
export const RESTRICTED = ['registry', 'asOf', 'severity', 'offline', 'enable.packageJson', 'enable.lockfiles'] as const;

/** `settings` with `value` at the dotted `key`, copying (never mutating) the objects on the way. */
export function withValue(settings: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = key.split('.');
  if (head === undefined) return settings;
  if (rest.length === 0) return { ...settings, [head]: value };
  const inner = settings[head];
  const object = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  return { ...settings, [head]: withValue(object, rest.join('.'), value) };
}

const MANAGERS = ['npm', 'yarn', 'pnpm'] as const;

export type InstallPlan = { run: string; folder: string; note?: string } | { refuse: string };

/**
 * "Run <manager> install" after an override: only in a trusted workspace (installing runs the project's
 * dependencies' install scripts), only a known manager, only in a file: folder.
 */
export function installPlan(args: unknown, trusted: boolean): InstallPlan {
  if (!trusted) {
    return { refuse: 'Vigil does not run package managers in an untrusted workspace: installing runs the dependencies\' install scripts. Trust the workspace, or run the install yourself.' };
  }
  const { folder, manager, note } = (isRecord(args) ? args : {}) as Partial<RunInstallArgs>;
  if (typeof folder !== 'string' || !folder.startsWith('file:') || !(MANAGERS as readonly unknown[]).includes(manager)) {
    return { refuse: 'Vigil could not tell which package manager to run.' };
  }
  return { run: `${manager} install`, folder, ...(typeof note === 'string' && note !== '' && { note }) };
}

export function isSuppressArgs(value: unknown): value is SuppressArgs {
  if (!isRecord(value)) return false;
  const { uri, signal, package: name, version } = value;
  return typeof uri === 'string' && typeof signal === 'string' && typeof name === 'string' && name !== '' && (version === undefined || typeof version === 'string');
}

/** The `.vigilrc.json` entry for a finding: the version found (a suppression must not outlive a new release), else every version. */
export function suppressionEntry(args: SuppressArgs): string {
  return args.version === undefined ? args.package : `${args.package}@${args.version}`;
}

export interface ExpiryChoice {
  label: string;
  days?: number;
}

export const EXPIRY_CHOICES: readonly ExpiryChoice[] = [
  { label: 'No expiry' },
  { label: 'Expires in 30 days', days: 30 },
  { label: 'Expires in 90 days', days: 90 },
];

/** The day (UTC, YYYY-MM-DD) `days` after `now`: what .vigilrc.json's `expires` holds. */
export function expiryDate(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A reason is required: whoever reads the suppression next needs to know why it is safe. */
export function reasonProblem(reason: string): string | undefined {
  return reason.trim() === '' ? 'Say why this is safe: whoever reads .vigilrc.json next needs to know.' : undefined;
}

/** Only npm's own package pages are opened (the server builds them; anything else is refused). */
export function npmPage(args: unknown): string | undefined {
  const url = isRecord(args) ? (args as Partial<OpenOnNpmArgs>).url : undefined;
  return typeof url === 'string' && /^https:\/\/www\.npmjs\.com\/package\/[^\s?#]+$/.test(url) ? url : undefined;
}

export function isPackageCardParams(value: unknown): value is PackageCardParams {
  return isRecord(value) && typeof value.uri === 'string' && typeof value.name === 'string' && typeof value.section === 'string';
}

/** `vigil.offline` is a window setting: user and workspace levels only. */
export interface SettingLevels {
  globalValue?: boolean;
  workspaceValue?: boolean;
}

/**
 * Toggle offline: flips the value in effect, where it is set. A workspace value is flipped in the
 * workspace, but only when trusted (an untrusted workspace's value is not used: the user's is); otherwise
 * the user's own setting.
 */
export function offlineToggle(levels: SettingLevels | undefined, trusted: boolean): { value: boolean; target: 'global' | 'workspace' } {
  const workspace = trusted ? levels?.workspaceValue : undefined;
  if (workspace !== undefined) return { value: !workspace, target: 'workspace' };
  return { value: !(levels?.globalValue ?? false), target: 'global' };
}

export interface Alert {
  /** Shown once per session. */
  key: string;
  message: string;
  actions: string[];
}

/**
 * A pop-up for a status only when the user can do something about it, once: an unreachable registry
 * (work offline, or read the log). Everything else is the status item's to say.
 */
export function alertFor(status: StatusParams, shown: ReadonlySet<string>): Alert | undefined {
  if (status.state !== 'registry-unreachable' || status.offline || shown.has('registry-unreachable')) return undefined;
  return {
    key: 'registry-unreachable',
    message: `Vigil cannot reach the registry: ${status.message ?? 'some packages were not checked'}.`.replace(/\.\.$/, '.'),
    actions: ['Work Offline', 'Show Output'],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
