/** The one finding shape every adapter (CLI, LSP, tests) reads. Ranges are offsets into the file text. */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

/** Every signal, most decisive first: findings of equal severity on one dependency are listed in this order. */
export const SIGNAL_IDS = [
  'invalid-json',
  'invalid-lockfile',
  'invalid-dependency',
  'invalid-policy',
  'invalid-cooldown',
  'suppression-expired',
  'known-malware',
  'lockfile-integrity-mismatch',
  'unclaimed-name',
  'unpublished',
  'typosquat',
  'install-script-added',
  'lockfile-untrusted-host',
  'lockfile-name-mismatch',
  'young-dependency-added',
  'git-dependency-added',
  'trust-downgrade',
  'registry-shadowing',
  'new-publisher',
  'ownership-change',
  'maintainer-added',
  'publish-burst',
  'release-line-burst',
  'dormant-release',
  'repository-changed',
  'risky-transitive',
  'lockfile-insecure-url',
  'vulnerability',
  'deprecated',
  'lockfile-missing-integrity',
  'lockfile-weak-integrity',
  'lockfile-out-of-sync',
  'recent-release',
  'new-bin',
  'non-registry-source',
  'unresolved-version',
] as const;

export type SignalId = (typeof SIGNAL_IDS)[number];

const SIGNAL_ORDER = new Map<string, number>(SIGNAL_IDS.map((id, index) => [id, index]));

/** Half-open range of UTF-16 code-unit offsets, [start, end). */
export interface OffsetRange {
  start: number;
  end: number;
}

export interface Fix {
  /** Exact version to pin the dependency to; with `replaceWith`, the declared range to keep for the replacement. */
  pin: string;
  /** Why this version: for people reading the quick-fix or the CLI output. */
  reason: string;
  /** The package to depend on instead (typosquat: the package the name imitates). */
  replaceWith?: string;
}

export type Evidence = Record<string, string | number | boolean | string[] | null | Record<string, unknown>[]>;

export interface Finding {
  /** Project-relative path of the file the finding is in, with forward slashes. */
  file: string;
  range: OffsetRange;
  /** The real package name (the alias target for `npm:` aliases); empty for file-level findings. */
  package: string;
  spec: string;
  version?: string;
  signal: SignalId;
  severity: Severity;
  message: string;
  evidence: Evidence;
  fix?: Fix;
}

/** A package the analysis could not check (registry error, invalid name); reported beside findings. */
export interface AnalysisError {
  file: string;
  range: OffsetRange;
  package: string;
  kind: string;
  message: string;
}

/**
 * Something about the analysis as a whole, not about one package: shown once (a CLI note, the editor's
 * status item), never as a diagnostic on every dependency.
 */
export type NoteCode =
  | 'advisories-skipped' // a replay (asOf): advisories cannot be dated, so they were not asked for
  | 'advisories-unsupported' // the registry has no bulk advisory endpoint
  | 'advisories-unavailable' // the endpoint failed, or offline
  | 'advisories-incomplete' // some batches failed: part of the packages were checked
  | 'shadowing-unavailable'; // the public registry could not be asked about privately installed packages

export interface AnalysisNote {
  code: NoteCode;
  message: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start !== b.range.start) return a.range.start - b.range.start;
  if (a.severity !== b.severity) return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  return (SIGNAL_ORDER.get(a.signal) ?? 0) - (SIGNAL_ORDER.get(b.signal) ?? 0);
}
