/**
 * What the Vigil client and server agree on beyond standard LSP: custom methods, settings, the shape of
 * `Diagnostic.data`. The client bundles this file too, so it imports nothing at run time (types only):
 * each side builds its own typed message objects from these names with its own vscode-languageclient /
 * vscode-languageserver copy.
 */
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
}

export const DEFAULT_SETTINGS: VigilSettings = { registry: '', cooldownDays: 3, asOf: '' };

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
  /** Dependencies checked against registry data, over all validated files. */
  checked: number;
  /** package.json files validated. */
  files: number;
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
}

/** client → server request: validate everything again (open documents and workspace files). */
export const REFRESH_REQUEST = 'vigil/refresh';

export interface RefreshResult {
  /** Files scheduled for validation. */
  files: number;
}

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
