/**
 * Which lockfile governs which manifest. The adapters pass lockfiles beside the manifests (the manifest's
 * own folder and the workspace root above it); here each is parsed once and each manifest is bound to the
 * nearest one that lists it: as an importer (npm v2/v3 workspaces, pnpm importers, Yarn berry
 * workspaces), or, for formats without importers (npm v1, Yarn classic), as the root project of the
 * lockfile's own folder or a member of it.
 */
import type { ProjectFile } from '../analyze';
import { parseNpmLock } from '../parse/npmLock';
import { parsePnpmLock } from '../parse/pnpmLock';
import { findYarnEntry, parseYarnLock } from '../parse/yarnLock';
import type { Lockfile, LockfileProblem, LockImporter, ParsedLockfile } from './types';

/** Lockfile names in order of precedence when one folder has several (npm reads a shrinkwrap first). */
export const LOCKFILE_NAMES: readonly string[] = ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'];

export interface LoadedLockfile {
  /** The path as the adapter named it (relative to the analysis' base folder, forward slashes). */
  path: string;
  /** Its folder in the same terms: '' for the base folder, '..' or 'packages/a' otherwise. */
  folder: string;
  lock: Lockfile;
  problems: LockfileProblem[];
}

export interface Binding {
  lockfile: LoadedLockfile;
  /** The importer the manifest is, when the format lists importers. */
  importer: LockImporter | undefined;
}

export function lockfileNameOf(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return LOCKFILE_NAMES.includes(name) ? name : undefined;
}

export function isLockfile(path: string): boolean {
  return lockfileNameOf(path) !== undefined;
}

export function parseLockfile(path: string, text: string): ParsedLockfile {
  switch (lockfileNameOf(path)) {
    case 'pnpm-lock.yaml':
      return parsePnpmLock(text);
    case 'yarn.lock':
      return parseYarnLock(text);
    default:
      return parseNpmLock(text);
  }
}

/**
 * Parsed lockfiles by name and text, newest last: an editor analyses every manifest of a monorepo (twice:
 * memory first, then full) against the same lockfile, which is parsed once. Parse results are never
 * mutated after parsing, so sharing them is safe.
 */
const parsedCache = new Map<string, ParsedLockfile>();
const PARSED_CACHE_SIZE = 8;

function parseCached(path: string, text: string): ParsedLockfile {
  const key = `${lockfileNameOf(path) ?? ''}\u0000${text}`;
  const hit = parsedCache.get(key);
  if (hit) {
    parsedCache.delete(key);
    parsedCache.set(key, hit);
    return hit;
  }
  const parsed = parseLockfile(path, text);
  parsedCache.set(key, parsed);
  if (parsedCache.size > PARSED_CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value as string);
  return parsed;
}

export function loadLockfiles(files: readonly ProjectFile[]): LoadedLockfile[] {
  return files
    .filter((file) => isLockfile(file.path))
    .map((file) => {
      const parsed = parseCached(file.path, file.text);
      return { path: file.path, folder: folderOf(file.path), lock: parsed.value, problems: parsed.problems };
    });
}

/**
 * The lockfile that governs the manifest at `manifestPath`: the nearest folder first; within one folder,
 * LOCKFILE_NAMES' order. Undefined when none lists the manifest (a nested package outside the workspace).
 */
export function bindManifest(manifestPath: string, lockfiles: readonly LoadedLockfile[]): Binding | undefined {
  const manifestFolder = folderOf(manifestPath);
  const candidates = lockfiles
    .map((lockfile) => ({ lockfile, importerPath: relativeFolder(lockfile.folder, manifestFolder) }))
    .filter((c): c is { lockfile: LoadedLockfile; importerPath: string } => c.importerPath !== undefined)
    .sort((a, b) => depth(a.importerPath) - depth(b.importerPath) || rank(a.lockfile.path) - rank(b.lockfile.path));
  for (const { lockfile, importerPath } of candidates) {
    const importer = lockfile.lock.importers.find((i) => i.path === importerPath);
    if (importer) return { lockfile, importer };
    // Formats that do not list members: the lockfile's own folder, or a workspace member below it.
    if (!listsImporters(lockfile.lock)) return { lockfile, importer: undefined };
  }
  return undefined;
}

/** Index of the package `name` (declared with `spec`) resolves to for a bound manifest, if the lockfile has it. */
export function lockedIndex(binding: Binding, name: string, spec: string): number | undefined {
  const declared = binding.importer?.dependencies.find((d) => d.name === name);
  if (declared) return declared.package;
  if (binding.lockfile.lock.kind === 'yarn-classic' || binding.lockfile.lock.kind === 'yarn-berry') {
    return findYarnEntry(binding.lockfile.lock, name, spec);
  }
  return undefined;
}

/** npm v1 and Yarn classic record no members; their root importer lists no dependencies of its own in Yarn. */
function listsImporters(lock: Lockfile): boolean {
  if (lock.kind === 'yarn-classic') return false;
  if (lock.kind === 'npm') return lock.version !== '1';
  return true;
}

function rank(path: string): number {
  return LOCKFILE_NAMES.indexOf(lockfileNameOf(path) ?? '');
}

function depth(path: string): number {
  return path === '' ? 0 : path.split('/').length;
}

export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Normalised segments of a relative folder ('' is the base folder); `..` kept only where leading. */
function segments(folder: string): string[] {
  const out: string[] = [];
  for (const part of folder.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** `to` relative to `from` when `to` is `from` or inside it ('' when equal); undefined otherwise. */
export function relativeFolder(from: string, to: string): string | undefined {
  const a = segments(from);
  const b = segments(to);
  if (b.length < a.length || a.some((part, i) => b[i] !== part)) return undefined;
  const rest = b.slice(a.length);
  return rest.includes('..') ? undefined : rest.join('/');
}
