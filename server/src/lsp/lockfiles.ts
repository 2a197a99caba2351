/**
 * Lockfiles in the editor. Two kinds of document are validated: manifests (package.json), which read the
 * lockfile that governs them, and lockfiles (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml,
 * yarn.lock), which read the package.json beside them and check every entry. What each reads besides its
 * own text is data, not configuration: it is read in untrusted workspaces too, and only lockfiles and
 * manifests are let through (no .npmrc, no .vigilrc.json by this door), so nothing in it can redirect the
 * registry, send a token elsewhere or silence a warning. Open documents' text wins over the disk's.
 */
import { basename, dirname, join } from 'node:path';
import type { ProjectFile } from '../core/analyze';
import { isLockfile, LOCKFILE_NAMES } from '../core/lockfile/load';
import { readLockfiles, tolerantReader, type ReadText } from '../node/projectFiles';
import { isInside, uriToPath } from './workspace';

export type DocumentKind = 'manifest' | 'lockfile';

/** Watched, and (client side) synced as documents: one pattern for every lockfile name. */
export const LOCKFILE_GLOB = `**/{${LOCKFILE_NAMES.join(',')}}`;

const MANIFEST = 'package.json';

/** What a validated document is, by its name; undefined for anything else. */
export function documentKind(path: string): DocumentKind | undefined {
  const name = basename(path);
  if (name === MANIFEST) return 'manifest';
  return isLockfile(name) ? 'lockfile' : undefined;
}

export function documentKindOfUri(uri: string): DocumentKind | undefined {
  const path = uriToPath(uri);
  return path === undefined ? undefined : documentKind(path);
}

export function isLockfileUri(uri: string): boolean {
  return documentKindOfUri(uri) === 'lockfile';
}

/** Only manifests and lockfiles are data: anything else a reader returned is dropped. */
export function dataOnly(files: readonly ProjectFile[]): ProjectFile[] {
  return files.filter((file) => isLockfile(file.path) || file.path === MANIFEST || file.path.endsWith(`/${MANIFEST}`));
}

export interface DataFilesDeps {
  /** An open document's text by file path (unsaved edits included); undefined when not open. */
  openText(path: string): string | undefined;
  readFile(path: string): Promise<string>;
  log(message: string): void;
}

/**
 * The data files of the document at `path`, named relative to its folder: for a manifest, the lockfiles
 * of the nearest folder that has any, looking no higher than the outermost workspace folder containing it
 * (a manifest outside every folder reads only its own folder's: a lockfile in a home directory is not its
 * project's); for a lockfile, the package.json beside it, if any.
 */
export async function dataFiles(path: string, roots: readonly string[], deps: DataFilesDeps): Promise<ProjectFile[]> {
  const disk = tolerantReader(deps.readFile, (file, code) => deps.log(`Cannot read ${file} (${code}); analysed without it.`));
  const read: ReadText = (file) => {
    const open = deps.openText(file);
    return open !== undefined ? Promise.resolve(open) : disk(file);
  };
  const folder = dirname(path);
  switch (documentKind(path)) {
    case 'manifest':
      return dataOnly(await readLockfiles(folder, read, outermostRoot(path, roots) ?? folder));
    case 'lockfile': {
      const text = await read(join(folder, MANIFEST));
      return text === undefined ? [] : [{ path: MANIFEST, text }];
    }
    default:
      return [];
  }
}

/** The outermost of `roots` that contains `path`: a monorepo's lockfile may sit above a nested folder. */
export function outermostRoot(path: string, roots: readonly string[]): string | undefined {
  return roots.filter((root) => isInside(path, root)).sort((a, b) => a.length - b.length)[0];
}

/**
 * Which documents a change to the file at `changedPath` can affect: those at or below its folder (itself
 * included, when it is one). A lockfile governs the manifests below it; a settings file applies to them.
 */
export function affectedBy(changedPath: string, uris: Iterable<string>): string[] {
  const folder = dirname(changedPath);
  const out: string[] = [];
  for (const uri of uris) {
    const path = uriToPath(uri);
    if (path !== undefined && isInside(path, folder)) out.push(uri);
  }
  return out;
}
