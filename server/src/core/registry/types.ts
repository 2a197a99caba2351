/**
 * The compact per-package summary the signals read. A registry client turns a full packument into
 * this shape and drops the rest: giant documents (tens of MB) must never be held in memory whole.
 * Everything here is plain JSON so it can be cached on disk as is.
 */

export interface Person {
  name: string;
  email?: string;
}

/** Who published a version (`_npmUser`). `trustedPublisher` is set for npm's OIDC trusted publishing. */
export interface Publisher extends Person {
  trustedPublisher?: string;
}

export type InstallScriptName = 'preinstall' | 'install' | 'postinstall';

export interface VersionSummary {
  version: string;
  /** ISO-8601 publish time from the packument's `time` map; absent when the registry did not record it. */
  publishedAt?: string;
  publisher?: Publisher;
  /** Maintainer names recorded in this version's document: who had publish rights when it came out. */
  maintainers: string[];
  /** Lifecycle scripts that run on `npm install` of this version, by name. */
  installScripts: Partial<Record<InstallScriptName, string>>;
  /** `gypfile: true` (a binding.gyp): npm runs `node-gyp rebuild` at install even without scripts. */
  gypfile: boolean;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  deprecated?: string;
  /** `dist.attestations` present: built with npm provenance. */
  provenance: boolean;
  integrity?: string;
  /** Executables the version installs (`bin`), by name. */
  bin: string[];
  repository?: string;
}

export interface PackageSummary {
  name: string;
  description?: string;
  license?: string;
  repository?: string;
  distTags: Record<string, string>;
  /** `time.created` / `time.modified`. */
  created?: string;
  modified?: string;
  /** Current maintainers (top-level `maintainers`). */
  maintainers: Person[];
  /** Every version the registry lists, keyed by version string. */
  versions: Record<string, VersionSummary>;
  /** Versions that `time` lists but `versions` no longer has: unpublished releases. */
  unpublished: string[];
}

export type RegistryErrorKind =
  | 'not-found' // 404: the name does not exist on this registry
  | 'invalid-name' // not a valid npm package name; never sent to a registry
  | 'network' // connection refused, reset, DNS, TLS
  | 'timeout'
  | 'http' // any other non-success status
  | 'malformed' // not JSON, or JSON of the wrong shape
  | 'too-large'
  | 'offline' // offline mode and nothing cached
  | 'cancelled';

export interface RegistryError {
  kind: RegistryErrorKind;
  /** A sentence for people. Never contains tokens or response bodies. */
  message: string;
  status?: number;
  /** The registry that was asked (URL without credentials), when known: findings name it (unclaimed-name). */
  registry?: string;
}

/** Where an answer came from, so findings can say how old their data is. */
export interface DataSource {
  /** ISO time the data was fetched from the registry. */
  fetchedAt?: string;
  /** True when the data came from cache because the registry could not be asked (offline, down). */
  stale?: boolean;
}

export type RegistryResult =
  | { ok: true; summary: PackageSummary; source?: DataSource }
  /** `source`: for a 404, when the registry said so. */
  | { ok: false; error: RegistryError; source?: DataSource };

/** The minimum the core needs from cancellation: a flag it can check between steps. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** The registry as the core sees it. Implementations live outside the core (node/, tests). */
export interface Registry {
  getPackument(name: string, signal?: AbortSignalLike): Promise<RegistryResult>;
}

/**
 * The public default registry, for registry-shadowing: asked only about packages the project gets from
 * another registry (a scope routed elsewhere, or a private default one). Implementations live outside the
 * core (node/publicRegistry.ts, tests); without one, shadowing is not checked.
 */
export interface PublicRegistry extends Registry {
  /** Its URL, without credentials. */
  readonly url: string;
  /** The registry `name` is installed from when that is not this one; undefined: nothing to compare. */
  privateSourceOf(name: string): string | undefined;
}
