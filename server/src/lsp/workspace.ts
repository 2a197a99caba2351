/**
 * Which package.json files the server validates without being asked: every one in the workspace folders,
 * found once on start (and when folders are added), breadth-first so the top-level manifests come first,
 * skipping node_modules (installed code is not the project's own manifest) and dot-folders, and bounded so
 * a huge monorepo or a home directory opened as a folder cannot flood the registry. The same walk finds
 * the lockfiles when the user asks for all of them to be checked.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'directory' | 'other';
}

/** Lists a folder; a folder that cannot be read is empty. Injected so tests can scan a fake tree. */
export type ReadDirectory = (path: string) => Promise<DirectoryEntry[]>;

export const nodeReadDirectory: ReadDirectory = async (path) => {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    // Symbolic links count as 'other': following them could loop or leave the workspace.
    return entries.map((entry) => ({
      name: entry.name,
      kind: entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : 'other',
    }));
  } catch {
    return [];
  }
};

export interface ScanLimits {
  maxFiles: number;
  maxDepth: number;
  /** Folders listed in one scan; stops a walk through a giant tree that has few package.json files. */
  maxFolders: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { maxFiles: 200, maxDepth: 8, maxFolders: 5000 };

const SKIPPED_FOLDERS = new Set(['node_modules', 'bower_components', 'jspm_packages']);

function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDERS.has(name);
}

/** Whether the scan would have found `path` under `root` (ignoring limits): file events use the same rule. */
export function isScannedPath(path: string, root: string): boolean {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  const folders = rel.split(sep).slice(0, -1);
  return !folders.some(isSkippedFolder);
}

export interface ScanResult {
  paths: string[];
  /** True when a limit stopped the scan early; the caller says so in the log. */
  truncated: boolean;
}

export function findPackageJsonFiles(
  root: string,
  readDirectory: ReadDirectory,
  limits: ScanLimits = DEFAULT_SCAN_LIMITS,
  signal?: AbortSignal,
): Promise<ScanResult> {
  return findFiles(root, ['package.json'], readDirectory, limits, signal);
}

/** The files named one of `names` under `root`, by the same rules and limits as the package.json scan. */
export async function findFiles(
  root: string,
  names: readonly string[],
  readDirectory: ReadDirectory,
  limits: ScanLimits = DEFAULT_SCAN_LIMITS,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const paths: string[] = [];
  let queue: string[] = [root];
  let folders = 0;
  for (let depth = 0; depth <= limits.maxDepth && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of queue) {
      if (signal?.aborted || folders >= limits.maxFolders) return { paths, truncated: true };
      folders++;
      const entries = await readDirectory(folder);
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.kind === 'file' && names.includes(entry.name)) {
          paths.push(join(folder, entry.name));
          if (paths.length >= limits.maxFiles) return { paths, truncated: true };
        } else if (entry.kind === 'directory' && !isSkippedFolder(entry.name)) {
          next.push(join(folder, entry.name));
        }
      }
    }
    queue = next;
  }
  return { paths, truncated: queue.length > 0 };
}

/** The file-system path of a `file:` URI; undefined for other schemes (untitled, remote). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** Whether `path` is inside `folder` (or is it). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
