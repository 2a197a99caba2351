/**
 * Reads the project's own settings files (project.ts PROJECT_FILES: .vigilrc.json, pnpm-workspace.yaml,
 * .npmrc, …) from a manifest's folder and from the roots above it, named relative to the manifest's
 * folder with forward slashes, as the core expects. The manifest's own folder comes first, so on equal
 * footing its files win. Shared by the CLI and the language server.
 */
import { join, relative, sep } from 'node:path';
import type { ProjectFile } from '../core/analyze';
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
