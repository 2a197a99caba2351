/**
 * Reads the project's own settings files (project.ts PROJECT_FILES: .vigilrc.json, pnpm-workspace.yaml,
 * .npmrc, …) from a manifest's folder and from the roots above it, named relative to the manifest's
 * folder with forward slashes, as the core expects. The manifest's own folder comes first, so on equal
 * footing its files win. Shared by the CLI and the language server.
 */
import { dirname, join, relative, sep } from 'node:path';
import type { ProjectFile } from '../core/analyze';
import { LOCKFILE_NAMES, loadLockfiles } from '../core/lockfile/load';
import { PROJECT_FILES } from '../core/project';

/** Text of a file, or undefined when there is none (or it cannot be read). */
export type ReadText = (path: string) => Promise<string | undefined>;

export async function readProjectFiles(manifestDir: string, roots: readonly string[], read: ReadText): Promise<ProjectFile[]> {
  const folders = [manifestDir];
  for (const root of roots) {
    const rel = relative(root, manifestDir);
    const inside = rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
    if (inside && !folders.includes(root)) folders.push(root);
  }
  const paths = folders.flatMap((folder) => PROJECT_FILES.map((name) => join(folder, name)));
  const texts = await Promise.all(paths.map((path) => read(path)));
  const files: ProjectFile[] = [];
  paths.forEach((path, index) => {
    const text = texts[index];
    if (text !== undefined) files.push({ path: relative(manifestDir, path).split(sep).join('/'), text });
  });
  return files;
}

/** A reader over `readFile` for which a missing file is simply absent; other failures go to `onError`. */
export function tolerantReader(readFile: (path: string) => Promise<string>, onError: (path: string, code: string) => void): ReadText {
  return async (path) => {
    try {
      return await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') onError(path, code);
      return undefined;
    }
  };
}

/**
 * The lockfiles that may govern the manifest in `manifestDir`: those of the nearest folder, from the
 * manifest's own up to `stopAt` (a workspace root; the file system's root when absent), that has any.
 * Named relative to `manifestDir`, like the settings files.
 */
export async function readLockfiles(manifestDir: string, read: ReadText, stopAt?: string): Promise<ProjectFile[]> {
  for (let folder = manifestDir; ; ) {
    const paths = LOCKFILE_NAMES.map((name) => join(folder, name));
    const texts = await Promise.all(paths.map((path) => read(path)));
    const files: ProjectFile[] = [];
    paths.forEach((path, index) => {
      const text = texts[index];
      if (text !== undefined) files.push({ path: relative(manifestDir, path).split(sep).join('/'), text });
    });
    if (files.length > 0) return files;
    const parent = dirname(folder);
    if (parent === folder || (stopAt !== undefined && relative(stopAt, folder) === '')) return [];
    if (stopAt !== undefined && relative(stopAt, parent).startsWith('..')) return [];
    folder = parent;
  }
}

/**
 * The workspace members of the project whose root is `rootDir`: the folders its lockfiles list as
 * importers, and those its package.json `workspaces` names (plain paths and `*` / `**` patterns, the
 * forms npm and Yarn document; `!` exclusions honoured). Relative to `rootDir`, forward slashes, sorted.
 */
export async function workspaceMembers(
  rootDir: string,
  manifestText: string,
  lockfiles: readonly ProjectFile[],
  listDir: (path: string) => Promise<string[]>,
): Promise<string[]> {
  const members = new Set<string>();
  for (const lockfile of loadLockfiles(lockfiles)) {
    if (lockfile.folder !== '') continue;
    for (const importer of lockfile.lock.importers) if (importer.path !== '' && !importer.path.startsWith('..')) members.add(importer.path);
  }
  const patterns = workspacePatterns(manifestText);
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    for (const folder of await expand(rootDir, pattern.split('/').filter((part) => part !== '' && part !== '.'), listDir, 0)) {
      if (!excluded.some((exclusion) => matches(folder, exclusion))) members.add(folder);
    }
  }
  return [...members].sort();
}

function workspacePatterns(manifestText: string): string[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return [];
  }
  const field = (manifest as { workspaces?: unknown } | null)?.workspaces;
  const list = Array.isArray(field) ? field : (field as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && !p.includes('..')) : [];
}

/** Deep enough for real monorepos, shallow enough that a `**` cannot walk a whole disk. */
const MAX_WORKSPACE_DEPTH = 4;

async function expand(base: string, parts: string[], listDir: (path: string) => Promise<string[]>, depth: number): Promise<string[]> {
  if (parts.length === 0) return depth === 0 ? [] : [''];
  const [part, ...rest] = parts as [string, ...string[]];
  const prefix = (name: string, tail: string): string => (tail === '' ? name : `${name}/${tail}`);
  if (!part.includes('*')) return (await expand(join(base, part), rest, listDir, depth + 1)).map((tail) => prefix(part, tail));
  const names = (await listDir(base).catch(() => [])).filter((name) => name !== 'node_modules' && !name.startsWith('.'));
  const out: string[] = [];
  if (part === '**') {
    if (rest.length === 0 || depth < MAX_WORKSPACE_DEPTH) out.push(...(await expand(base, rest, listDir, depth + 1)));
    if (depth >= MAX_WORKSPACE_DEPTH) return out;
    for (const name of names) out.push(...(await expand(join(base, name), parts, listDir, depth + 1)).map((tail) => prefix(name, tail)));
    return out;
  }
  const re = new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  for (const name of names.filter((n) => re.test(n))) out.push(...(await expand(join(base, name), rest, listDir, depth + 1)).map((tail) => prefix(name, tail)));
  return out;
}

function matches(folder: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('/').map((part) => (part === '**' ? '.*' : part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))).join('/')}$`);
  return re.test(folder);
}
