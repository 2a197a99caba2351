/**
 * The project's own settings files in the editor: each is validated on its own (.vigilrc.json's problems
 * and expired suppressions, the cooldown files' unreadable values, at the right offsets), every analysis
 * reads the settings files beside its package.json and at the workspace root (open documents from the
 * editor, so unsaved edits count), and a change to any of them re-validates the documents at or below
 * its folder (manifests and lockfiles), whose findings it changes. Only .vigilrc.json is sent by the client as a document; the others are read
 * from disk when they change and on start at the workspace roots.
 */
import { basename, dirname, join, sep } from 'node:path';
import { FileChangeType, type Diagnostic, type FileEvent } from 'vscode-languageserver';
import type { ProjectFile } from '../core/analyze';
import { POLICY_FILE } from '../core/parse/policyFile';
import { PROJECT_FILES, settingsFileFindings } from '../core/project';
import { readProjectFiles, tolerantReader } from '../node/projectFiles';
import { toDiagnostics } from './convert';
import type { DocumentSource } from './validator';
import { pathToUri, uriToPath } from './workspace';

/** Watched in addition to package.json: each can change the findings of every manifest. */
export const PROJECT_SETTINGS_GLOBS: readonly string[] = PROJECT_FILES.map((name) => `**/${name}`);

export interface ProjectSettingsDeps {
  /** The open document's text, or the file on disk; undefined when it does not exist. */
  read(uri: string): Promise<DocumentSource | undefined>;
  /** An open document's text by file path (unsaved edits included); undefined when not open. */
  openText(path: string): string | undefined;
  readFile(path: string): Promise<string>;
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  now(): Date;
  /** Validate again the documents a change to the settings file at `path` affects (debounced by the caller). */
  revalidateBelow(path: string): void;
  log(message: string): void;
}

export function isPolicyUri(uri: string): boolean {
  const path = uriToPath(uri);
  return path !== undefined && basename(path) === POLICY_FILE && !inNodeModules(path);
}

/** Any of the project's settings files (.vigilrc.json, pnpm-workspace.yaml, .npmrc, …), outside node_modules. */
export function isProjectSettingsUri(uri: string): boolean {
  const path = uriToPath(uri)?.split(/[\\/]/).join('/');
  return path !== undefined && !inNodeModules(path) && PROJECT_FILES.some((name) => path.endsWith(`/${name}`));
}

function inNodeModules(path: string): boolean {
  return path.split(/[\\/]/).includes('node_modules');
}

export class ProjectSettings {
  /** Settings files with diagnostics out, so a deleted file's are cleared. */
  private readonly published = new Set<string>();
  /** Open policy documents: their text comes from the editor, not from file events. */
  private readonly open = new Set<string>();
  /** The text last validated per file path: only a different text changes the manifests' findings. */
  private readonly lastText = new Map<string, string>();
  /** Latest validation per URI: an older one finishing late must not overwrite a newer one. */
  private readonly generation = new Map<string, number>();
  /** The URI each file's diagnostics are under: the editor's spelling replaces one built from a path. */
  private readonly uriByPath = new Map<string, string>();

  constructor(private readonly deps: ProjectSettingsDeps) {}

  /** The settings files for the manifest at `uri`: its own folder's, then the enclosing root's. */
  files(uri: string, roots: readonly string[]): Promise<ProjectFile[]> {
    const path = uriToPath(uri);
    if (path === undefined) return Promise.resolve([]);
    const disk = tolerantReader(this.deps.readFile, (file, code) => this.deps.log(`Cannot read ${file} (${code}); its settings are ignored.`));
    return readProjectFiles(dirname(path), roots, (file) => Promise.resolve(this.deps.openText(file)).then((text) => text ?? disk(file)));
  }

  /**
   * A .vigilrc.json document event. The manifests are validated again only when the text differs from
   * the one last seen: opening a file (whose first content event repeats the opening) changes nothing,
   * an edit does, and so does a close that drops unsaved edits.
   */
  policyDocument(uri: string, event: 'opened' | 'changed' | 'closed'): void {
    if (event === 'closed') this.open.delete(uri);
    else this.open.add(uri);
    void this.validate(uri, true);
  }

  /** Watched-file events: validates the settings files among them; returns their paths (the caller re-validates below them). */
  filesChanged(changes: readonly FileEvent[]): string[] {
    const relevant = changes.filter((change) => isProjectSettingsUri(change.uri));
    for (const change of relevant) {
      if (this.open.has(change.uri)) continue; // open documents: from the editor
      if (change.type === FileChangeType.Deleted) this.forget(change.uri);
      else void this.validate(change.uri);
    }
    return relevant.map((change) => uriToPath(change.uri)).filter((path): path is string => path !== undefined);
  }

  /** The settings files at each workspace root, validated from disk on start. */
  async validateRoots(roots: readonly string[]): Promise<void> {
    await Promise.all(roots.flatMap((root) => PROJECT_FILES.map((name) => this.validate(pathToUri(join(root, name))))));
  }

  /** `notify`: ask for the manifests to be validated again when the text changed (file events do that themselves). */
  private async validate(uri: string, notify = false): Promise<void> {
    const generation = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, generation);
    const source = await this.deps.read(uri);
    if (this.generation.get(uri) !== generation) return;
    const path = uriToPath(uri) ?? uri;
    if (!source) {
      // An unsaved file closed without saving: the manifests were read with its text.
      if (notify && this.lastText.has(path)) this.deps.revalidateBelow(path);
      return this.forget(uri);
    }
    const before = this.lastText.get(path);
    const previous = this.uriByPath.get(path);
    if (previous !== undefined && previous !== uri) this.forget(previous);
    this.uriByPath.set(path, uri);
    this.lastText.set(path, source.text);
    if (notify && before !== undefined && before !== source.text) this.deps.revalidateBelow(path);
    const findings = settingsFileFindings(path.split(sep).join('/'), source.text, this.deps.now());
    // Nothing to say about a file that never had diagnostics: no empty publication for every root file.
    if (findings.length === 0 && !this.published.has(uri)) return;
    this.published.add(uri);
    this.deps.publish(uri, source.version, toDiagnostics(source.text, findings, []));
  }

  private forget(uri: string): void {
    this.lastText.delete(uriToPath(uri) ?? uri);
    if (this.published.delete(uri)) this.deps.publish(uri, undefined, []);
  }
}
