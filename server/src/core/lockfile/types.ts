/**
 * The one normalised in-memory graph every lockfile format is read into. On-disk shapes (package-lock
 * v1/v2/v3, yarn.lock classic and berry, pnpm-lock v6/v9) stay inside their parsers in `core/parse/`;
 * signals, "brings in" summaries and lockfile diagnostics read only this.
 */
import type { OffsetRange, Severity } from '../finding';

export type LockfileKind = 'npm' | 'yarn-classic' | 'yarn-berry' | 'pnpm';

/** Where a locked package comes from, as the lockfile records it. */
export type LockSource = 'registry' | 'git' | 'tarball' | 'file' | 'link' | 'workspace' | 'unknown';

export interface LockedPackage {
  /** Registry name of the package (the target of an `npm:` alias, not the alias). */
  name: string;
  /** Locked version: a semver version for registry packages; as written otherwise. */
  version: string;
  source: LockSource;
  /** The resolved URL (npm `resolved`, yarn `resolved`/`resolution`, pnpm `resolution.tarball`) as written. */
  resolved?: string;
  /** Integrity as written (SRI, possibly several space-separated hashes); yarn berry's `checksum` is not SRI. */
  integrity?: string;
  /** Only installed for development (npm `dev`, pnpm `dev: true`); undefined when the format does not say. */
  dev?: boolean;
  optional?: boolean;
  /** Edges, already resolved by the format's own rules: indices into `Lockfile.packages`. */
  dependencies: number[];
  /** The entry's key in the file (quotes included where quoted): where diagnostics go. */
  range: OffsetRange;
  /** The entry's identifier as written (npm path, yarn descriptor list, pnpm key), for "why is this here". */
  key: string;
}

export interface LockedDependency {
  /** Name as declared by the importer (an alias name when aliased). */
  name: string;
  /** Spec as the lockfile records it for the importer, when it does (pnpm specifiers, yarn descriptors). */
  spec?: string;
  /** Index into `Lockfile.packages`. */
  package: number;
}

/** The root project or a workspace member, with the direct dependencies the lockfile resolves for it. */
export interface LockImporter {
  /** Folder relative to the lockfile's folder with forward slashes; '' for the root. */
  path: string;
  dependencies: LockedDependency[];
}

export interface Lockfile {
  kind: LockfileKind;
  /** The format version as written (npm `lockfileVersion`, yarn `__metadata.version` or '1', pnpm `lockfileVersion`). */
  version: string;
  packages: LockedPackage[];
  importers: LockImporter[];
}

export type LockfileProblemCode =
  | 'lockfile-syntax'
  | 'lockfile-conflict'
  | 'lockfile-truncated'
  | 'lockfile-unsupported-version'
  | 'lockfile-invalid-entry';

export interface LockfileProblem {
  code: LockfileProblemCode;
  severity: Severity;
  /** Says what is wrong and where, never quotes the file. */
  message: string;
  range: OffsetRange;
}

export interface ParsedLockfile {
  value: Lockfile;
  problems: LockfileProblem[];
}
