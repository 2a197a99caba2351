/**
 * One package-lock v2/v3 `packages` entry: the fields Vigil reads, whether they are well-formed, and the
 * package they describe. Pure; never throws; messages never quote the file.
 */
import type { OffsetRange } from '../finding';
import type { LockedPackage, LockSource } from '../lockfile/types';
import { isRecord, isSemverVersion, sourceOfResolved } from './npmLockCommon';

/** The fields of an entry that Vigil reads. */
export interface Fields {
  link: unknown;
  version: unknown;
  name: unknown;
  resolved: unknown;
  integrity: unknown;
  dev: unknown;
  optional: unknown;
  dependencies: unknown;
  devDependencies: unknown;
  optionalDependencies: unknown;
  peerDependencies: unknown;
}

export function noFields(): Fields {
  return {
    link: undefined,
    version: undefined,
    name: undefined,
    resolved: undefined,
    integrity: undefined,
    dev: undefined,
    optional: undefined,
    dependencies: undefined,
    devDependencies: undefined,
    optionalDependencies: undefined,
    peerDependencies: undefined,
  };
}

/**
 * The fields of `entry`, into `out` (one object refilled for every entry). Entries come in dozens of
 * shapes (which optional fields they have), so reading each field by name would go through a cache of
 * shapes eleven times per entry; walking the entry's own keys reads each value from its slot instead.
 */
export function readFields(entry: Record<string, unknown>, out: Fields): Fields {
  out.link = out.version = out.name = out.resolved = out.integrity = out.dev = out.optional = undefined;
  out.dependencies = out.devDependencies = out.optionalDependencies = out.peerDependencies = undefined;
  for (const key in entry) {
    switch (key) {
      case 'version':
        out.version = entry[key];
        break;
      case 'resolved':
        out.resolved = entry[key];
        break;
      case 'integrity':
        out.integrity = entry[key];
        break;
      case 'dev':
        out.dev = entry[key];
        break;
      case 'optional':
        out.optional = entry[key];
        break;
      case 'dependencies':
        out.dependencies = entry[key];
        break;
      case 'peerDependencies':
        out.peerDependencies = entry[key];
        break;
      case 'optionalDependencies':
        out.optionalDependencies = entry[key];
        break;
      case 'devDependencies':
        out.devDependencies = entry[key];
        break;
      case 'name':
        out.name = entry[key];
        break;
      case 'link':
        out.link = entry[key];
        break;
    }
  }
  return out;
}

/** Why npm could not read the entry, if it could not. Only a folder's devDependencies are installed. */
export function entryProblem(fields: Fields, folder: boolean): string | undefined {
  const { version, name, resolved, integrity, dependencies, optionalDependencies, peerDependencies } = fields;
  if (typeof version !== 'string' && (version !== undefined || !folder)) {
    return version === undefined ? 'This lockfile entry has no "version"; npm cannot install it as written.' : 'The "version" of this lockfile entry must be a string.';
  }
  if (notString(name) || notString(resolved) || notString(integrity)) return 'The "name", "resolved" and "integrity" of a lockfile entry must be strings.';
  if (notMap(dependencies) || notMap(optionalDependencies) || notMap(peerDependencies) || (folder && notMap(fields.devDependencies))) {
    return 'The dependency lists of a lockfile entry must be objects mapping names to ranges.';
  }
  return undefined;
}

function notString(value: unknown): boolean {
  return value !== undefined && typeof value !== 'string';
}

function notMap(value: unknown): boolean {
  return value !== undefined && !isRecord(value);
}

/**
 * The package a well-formed entry describes. `name`: its own or the one its location installs;
 * `source`: given for folders (a link or a workspace member). One object literal per combination of
 * the optional fields, so each package is allocated at its final shape (with the keys in the order
 * adding them one by one would give).
 */
export function lockedPackage(fields: Fields, name: string, source: LockSource | undefined, range: OffsetRange, key: string, dependencies: number[]): LockedPackage {
  const version = typeof fields.version === 'string' ? fields.version : '';
  const folder = source !== undefined;
  const resolved = folder ? undefined : fields.resolved;
  source ??= sourceOf(resolved as string | undefined, version, name);
  const dev = fields.dev === true;
  const optional = fields.optional === true;
  const { integrity } = fields;
  if (typeof resolved === 'string') {
    if (typeof integrity === 'string') return { name, version, source, dev, optional, dependencies, range, key, resolved, integrity };
    return { name, version, source, dev, optional, dependencies, range, key, resolved };
  }
  if (typeof integrity === 'string') return { name, version, source, dev, optional, dependencies, range, key, integrity };
  return { name, version, source, dev, optional, dependencies, range, key };
}

/** Without `resolved` (bundled, or `omit-lockfile-registry-resolved`), a semver version is the registry's. */
function sourceOf(resolved: string | undefined, version: string, name: string): LockSource {
  if (resolved !== undefined) return sourceOfResolved(resolved, name);
  return isSemverVersion(version) ? 'registry' : 'unknown';
}
