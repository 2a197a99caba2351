/**
 * What the Vigil client and server agree on beyond standard LSP: custom methods, settings, the shape of
 * `Diagnostic.data`. The client bundles this file too, so it imports nothing at run time (types only):
 * each side builds its own typed message objects from these names with its own vscode-languageclient /
 * vscode-languageserver copy.
 */
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { AnalysisNote, Evidence, Fix, Severity, SignalId } from './core/finding';

/** The configuration section; every setting is `vigil.<name>`. */
export const SETTINGS_SECTION = 'vigil';

/** Settings the server pulls per document (`workspace/configuration`, section `vigil`). */
export interface VigilSettings {
  /** Registry URL; empty: whatever npm's own configuration says for the project. */
  registry: string;
  cooldownDays: number;
  /**
   * Replay: analyse as if it were this instant (ISO-8601); versions published later are invisible.
   * Empty: now. Used to replay incidents, and by tests for determinism.
   */
  asOf: string;
  /**
   * Severity per signal id (`error`, `warning`, `information`, `hint` or `off`): the user's defaults; a
   * project's .vigilrc.json wins. Absent when the setting is empty.
   */
  severity?: Record<string, 'error' | 'warning' | 'information' | 'hint' | 'off'>;
  /** Answer from the disk cache only, never the network (`vigil.offline`). */
  offline: boolean;
  /** Which kinds of file are validated (`vigil.enable.packageJson`, `vigil.enable.lockfiles`). */
  enable: { packageJson: boolean; lockfiles: boolean };
}

export const DEFAULT_SETTINGS: VigilSettings = {
  registry: '',
  cooldownDays: 3,
  asOf: '',
  offline: false,
  enable: { packageJson: true, lockfiles: true },
};

/**
 * Environment the VS Code client adds when it starts the server (and the README suggests to other
 * editors; the server sets its own V8 options, see node/youngGeneration.ts). glibc's malloc gives each
 * thread that allocates an arena of its own, and what one thread frees stays with its arena; the
 * server's threads (its own, the summary worker, V8's and libuv's helpers) then keep 6–12 MB more
 * resident at a cold run's peak than with two arenas (bench: 149–152 against 156–164 MB) at the same
 * speed. Ignored where malloc is not glibc's (macOS, Windows, musl).
 */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** SERVER_ENVIRONMENT less what `current` sets already: a user's own setting stands. */
export function serverEnvironment(current: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(SERVER_ENVIRONMENT).filter(([name]) => current[name] === undefined));
}

/** `initialize` options. Everything is optional: a plain LSP client (Neovim, Helix) sends none. */
export interface VigilInitializationOptions {
  /** Disk cache for registry summaries; the VS Code client passes its global storage folder. */
  cacheDir?: string;
  /** Registry URL used when the `vigil.registry` setting is empty (editors without workspace/configuration). */
  registry?: string;
  /** Default for `vigil.asOf`. */
  asOf?: string;
  /**
   * false: VS Code's workspace is not trusted, so the project's .npmrc is not read (it could point Vigil at
   * another registry, or make it send your token there). Absent: trusted (editors without workspace trust).
   */
  workspaceTrusted?: boolean;
}

/** client → server: the workspace became trusted (VS Code can only grant trust while running). */
export const WORKSPACE_TRUST_NOTIFICATION = 'vigil/workspaceTrust';

export interface WorkspaceTrustParams {
  trusted: boolean;
}

/** server → client: the state of the whole system, for a status item. Sent when it changes. */
export const STATUS_NOTIFICATION = 'vigil/status';

export type StatusState =
  /** Nothing to validate yet. */
  | 'idle'
  /** Registry answers are outstanding; results so far are published. */
  | 'checking'
  /** Every dependency in every validated file has been checked (or could not be, per package). */
  | 'done'
  /** The registry itself failed (network, timeout, server errors): some packages were not checked. */
  | 'registry-unreachable';

export interface StatusParams {
  state: StatusState;
  /** Packages whose registry answers are still outstanding. */
  pending: number;
  /** Package versions checked against registry data, each once over all validated files. */
  checked: number;
  /** package.json files validated. */
  files: number;
  /** Lockfile documents validated (open ones, or all after `vigil/checkLockfiles`); absent when none. */
  lockfiles?: number;
  /** Published diagnostics by severity, over all validated files. */
  counts: Record<Severity, number>;
  /** Registry origin(s) in use, without credentials. */
  registries: string[];
  /** For 'registry-unreachable': one sentence for people, e.g. the first network error. */
  message?: string;
  /** Set while replaying (`vigil.asOf`), so the status can say results are not about today. */
  asOf?: string;
  /**
   * About the whole analysis, each code once over all files: advisories skipped in a replay, or an
   * advisory endpoint that is missing or failing. Never repeated as diagnostics.
   */
  notes?: AnalysisNote[];
  /** The workspace is untrusted: its .npmrc is ignored, which the status item says. */
  untrustedWorkspace?: boolean;
  /** `vigil.offline` is on for some validated file: only cached data is used. */
  offline?: boolean;
  /** The most lockfile entries one validated document checks (a progress notification for big ones). */
  largestLockfile?: number;
}

/** client → server request: validate everything again (open documents and workspace files). */
export const REFRESH_REQUEST = 'vigil/refresh';

export interface RefreshResult {
  /** Files scheduled for validation. */
  files: number;
}

/**
 * client → server request: validate every lockfile (package-lock.json, npm-shrinkwrap.json,
 * pnpm-lock.yaml, yarn.lock) under the workspace folders, not only the open ones; they stay validated.
 */
export const CHECK_LOCKFILES_REQUEST = 'vigil/checkLockfiles';

export interface CheckLockfilesResult {
  /** Lockfiles found and validated. */
  files: number;
}

/**
 * client → server request: forget cached registry data (the disk cache's summaries, advisories and
 * not-found answers, and every memory cache), then validate everything again.
 */
export const CLEAR_CACHE_REQUEST = 'vigil/clearCache';

export interface ClearCacheResult {
  /** Files scheduled for validation. */
  files: number;
  /** Whether the disk cache could be cleared (false: the runtime has none, or removing failed: see the log). */
  cleared: boolean;
}

/** client → server request: every finding in the workspace as one Markdown document. */
export const REPORT_REQUEST = 'vigil/report';

export interface ReportResult {
  markdown: string;
  /** Findings listed. */
  findings: number;
}

/** client → server request: the hover card of one dependency, waiting for the registry if need be. */
export const PACKAGE_CARD_REQUEST = 'vigil/packageCard';

export interface PackageCardParams {
  /** The document the dependency is in (package.json or a lockfile). */
  uri: string;
  /** The dependency's key (package.json) or entry name (lockfile). */
  name: string;
  section: string;
  /** The version checked: a lockfile holds the same name at several versions. */
  version?: string;
}

export interface PackageCardResult {
  title: string;
  markdown: string;
}

/**
 * client → server request: the edit adding a suppression to the .vigilrc.json beside the package.json
 * (or lockfile) at `uri`, creating the file if needed. Refused in untrusted workspaces.
 */
export const SUPPRESSION_EDIT_REQUEST = 'vigil/suppressionEdit';

export interface SuppressionEditParams {
  uri: string;
  /** `name` or `name@range`, as .vigilrc.json's `package`. */
  entry: string;
  signal: SignalId;
  reason: string;
  /** YYYY-MM-DD; absent: never. */
  expires?: string;
}

export interface SuppressionEditResult {
  edit?: WorkspaceEdit;
  /** The .vigilrc.json the edit writes (a URI), to save once applied. */
  file?: string;
  /** Why there is no edit, for people. */
  message?: string;
}

/** Client commands the server's code actions name (their arguments are below). */
export const COMMANDS = {
  runInstall: 'vigil.runInstall',
  suppress: 'vigil.suppress',
  openOnNpm: 'vigil.openOnNpm',
  showMaintainerHistory: 'vigil.showMaintainerHistory',
} as const;

export interface RunInstallArgs {
  /** The folder of the package.json that was edited (a file URI). */
  folder: string;
  manager: 'npm' | 'yarn' | 'pnpm';
  /** What the edit did beyond the title, if anything (the override's note). */
  note?: string;
}

export interface SuppressArgs {
  /** The document the finding is in; the .vigilrc.json goes beside it. */
  uri: string;
  signal: SignalId;
  package: string;
  version?: string;
}

export interface OpenOnNpmArgs {
  url: string;
}

/** showMaintainerHistory's argument is a PackageCardParams. */
export type ShowMaintainerHistoryArgs = PackageCardParams;

/** Diagnostic codes beyond the core's signal ids: per-package registry errors. */
export type RegistryDiagnosticCode = 'package-not-found' | 'invalid-package-name' | 'registry-error';
export type DiagnosticCode = SignalId | RegistryDiagnosticCode;

/**
 * `Diagnostic.data` of every Vigil diagnostic: what a code action or hover needs without analysing again
 * (the pin comes from the finding, computed once).
 */
export interface VigilDiagnosticData {
  /** The registry package (the alias target for `npm:` aliases); empty for file-level problems. */
  package: string;
  spec: string;
  version?: string;
  evidence: Evidence;
  fix?: Fix;
}
