/**
 * Which documents are validated, and when. Manifests: every package.json in the workspace folders (found
 * on start) and any open one. Lockfiles: the open ones, and every one under the workspace folders once the
 * user asks (vigil/checkLockfiles). Each file is published under one URI. An edit, a save or a file event
 * validates what it affects, and no more: the document itself, and for a lockfile or a settings file the
 * documents at or below its folder (the manifests it governs), skipping those whose inputs did not change.
 */
import { basename } from 'node:path';
import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import { LOCKFILE_NAMES } from '../core/lockfile/load';
import { affectedBy, documentKind } from './lockfiles';
import { isPolicyUri, type ProjectSettings } from './projectSettings';
import type { StatusReporter } from './status';
import type { ValidateOptions, Validator } from './validator';
import { findFiles, findPackageJsonFiles, isInside, isScannedPath, pathToUri, uriToPath, type ReadDirectory, type ScanLimits } from './workspace';

export interface DocumentsDeps {
  validator: Validator;
  projectSettings: ProjectSettings;
  status: StatusReporter;
  /** Drops a closed document's cached settings. */
  forgetSettings(uri: string): void;
  /** Whether the editor has the document open (its text comes from there). */
  isOpen(uri: string): boolean;
  /** The workspace folders' paths. */
  folders(): string[];
  readDirectory: ReadDirectory;
  scanLimits: ScanLimits;
  /** Forget npm configuration read so far: an .npmrc changed. */
  reloadNpmConfig(): void;
  log: { warn(message: string): void };
}

export class Documents {
  /** Files validated whether open or not, path → the URI they are published under: workspace manifests, checked lockfiles. */
  private readonly known = new Map<string, string>();
  /** Open manifests and lockfiles, path → URI, so a scan never publishes an open file under a second URI. */
  private readonly open = new Map<string, string>();
  /** Open documents already validated once; later content changes are debounced. */
  private readonly seen = new Set<string>();
  /** After vigil/checkLockfiles, a lockfile that appears is validated too. */
  private allLockfiles = false;

  constructor(private readonly deps: DocumentsDeps) {}

  opened(uri: string): void {
    if (isPolicyUri(uri)) return this.deps.projectSettings.policyDocument(uri, 'opened');
    const path = uriToPath(uri);
    if (path === undefined || !documentKind(path)) return;
    this.open.set(path, uri);
    this.adopt(uri);
  }

  changed(uri: string): void {
    if (isPolicyUri(uri)) return this.deps.projectSettings.policyDocument(uri, 'changed');
    const path = uriToPath(uri);
    const kind = path === undefined ? undefined : documentKind(path);
    if (path === undefined || !kind) return;
    // The manifests below a lockfile read its text: an edit (or an opening with unsaved text) changes them.
    if (kind === 'lockfile') this.revalidateBelow(path, { ifChanged: true }, uri);
    // The first content event of a document is its opening: validate at once (unless already validated
    // from the same text, say by a scan or vigil/checkLockfiles); debounce only edits.
    if (this.seen.has(uri)) return this.deps.validator.schedule(uri, { ifChanged: true });
    this.seen.add(uri);
    void this.deps.validator.validate(uri, { ifChanged: true });
  }

  closed(uri: string): void {
    if (isPolicyUri(uri)) return this.deps.projectSettings.policyDocument(uri, 'closed');
    this.seen.delete(uri);
    const path = uriToPath(uri);
    const kind = path === undefined ? undefined : documentKind(path);
    if (path === undefined || !kind) return;
    this.open.delete(path);
    // A known file stays validated, now from disk (unsaved edits were discarded); any other file goes.
    if (this.known.has(path)) void this.deps.validator.validate(uri, { ifChanged: true });
    else {
      this.deps.validator.forget(uri);
      this.deps.forgetSettings(uri);
    }
    if (kind === 'lockfile') this.revalidateBelow(path, { ifChanged: true }, uri);
  }

  filesChanged(changes: readonly FileEvent[]): void {
    // An .npmrc decides registries, tokens and proxies for every file below it: npm config is read again
    // and the documents below are checked even if no text they read changed.
    const npmrc = (path: string): boolean => basename(path) === '.npmrc';
    const settings = this.deps.projectSettings.filesChanged(changes);
    if (settings.some(npmrc)) this.deps.reloadNpmConfig();
    for (const path of settings) this.revalidateBelow(path, { ifChanged: !npmrc(path) });
    for (const change of changes) {
      const path = uriToPath(change.uri);
      const kind = path === undefined ? undefined : documentKind(path);
      if (path === undefined || !kind) continue;
      // `npm install` rewrites hundreds of manifests under node_modules: not the project's, never validated.
      if (!this.deps.folders().some((folder) => isScannedPath(path, folder))) continue;
      if (kind === 'lockfile') this.lockfileChanged(change, path);
      else this.manifestChanged(change, path);
    }
  }

  /** Every validated document's URI. */
  allUris(): string[] {
    return [...new Set([...this.known.values(), ...this.open.values()])];
  }

  /** Finds the package.json files under `roots` and validates those not open in the editor. */
  async scan(roots: readonly string[]): Promise<void> {
    await this.deps.status.whileScanning(async () => {
      const found: string[] = [];
      for (const root of roots) {
        const result = await findPackageJsonFiles(root, this.deps.readDirectory, this.deps.scanLimits);
        if (result.truncated) this.deps.log.warn(`${root}: stopped looking for package.json files after ${result.paths.length}.`);
        found.push(...this.learn(result.paths));
      }
      await this.deps.validator.validateAll(found);
    });
  }

  /** vigil/checkLockfiles: finds every lockfile under the workspace folders and validates it; returns how many. */
  async checkLockfiles(): Promise<number> {
    this.allLockfiles = true;
    return this.deps.status.whileScanning(async () => {
      const found: string[] = [];
      let count = 0;
      for (const root of this.deps.folders()) {
        const result = await findFiles(root, LOCKFILE_NAMES, this.deps.readDirectory, this.deps.scanLimits);
        if (result.truncated) this.deps.log.warn(`${root}: stopped looking for lockfiles after ${result.paths.length}.`);
        count += result.paths.length;
        found.push(...this.learn(result.paths));
      }
      await this.deps.validator.validateAll(found);
      return count;
    });
  }

  /** A workspace folder went away: its files are no longer validated unless open or in another folder. */
  removeFolder(root: string): void {
    for (const [path, uri] of [...this.known]) {
      if (!isInside(path, root) || this.deps.folders().some((folder) => isInside(path, folder))) continue;
      this.known.delete(path);
      if (!this.deps.isOpen(uri)) this.deps.validator.forget(uri);
    }
  }

  /**
   * The documents a change to the file at `path` (a lockfile, a settings file) affects, validated in one
   * batch; `except`: the changed document itself, when the caller validates it already.
   */
  revalidateBelow(path: string, options: ValidateOptions = {}, except?: string): void {
    this.deps.validator.scheduleAll(affectedBy(path, this.allUris()).filter((uri) => uri !== except), options);
  }

  /** Adds found paths to the known files; returns the URIs to validate from disk (open ones are validated from the editor). */
  private learn(paths: readonly string[]): string[] {
    const toValidate: string[] = [];
    for (const path of paths) {
      const uri = this.open.get(path) ?? this.known.get(path) ?? pathToUri(path);
      this.known.set(path, uri);
      if (!this.open.has(path)) toValidate.push(uri);
    }
    return toValidate;
  }

  private manifestChanged(change: FileEvent, path: string): void {
    if (change.type === FileChangeType.Deleted) {
      const uri = this.known.get(path) ?? change.uri;
      this.known.delete(path);
      if (!this.deps.isOpen(uri)) this.deps.validator.forget(uri);
      return;
    }
    const uri = this.adopt(change.uri, true);
    // Open documents are validated from their editor text; a save of one changes nothing here.
    if (!this.deps.isOpen(uri)) this.deps.validator.schedule(uri, { ifChanged: true });
  }

  private lockfileChanged(change: FileEvent, path: string): void {
    const uri = this.known.get(path);
    if (change.type === FileChangeType.Deleted) {
      this.known.delete(path);
      if (uri !== undefined && !this.deps.isOpen(uri)) this.deps.validator.forget(uri);
    } else if (uri !== undefined || this.allLockfiles) {
      this.adopt(change.uri, true);
    }
    // It and the manifests below it (a new lockfile starts governing them; a deleted one stops). Open
    // documents are read from the editor: a save that changed nothing is skipped.
    this.revalidateBelow(path, { ifChanged: true });
  }

  /**
   * Publishes each file under one URI. The editor's spelling of a URI (VS Code percent-encodes more than
   * Node does) wins over the one built from a scanned path; switching spelling clears the old one.
   */
  private adopt(uri: string, addToKnown = false): string {
    const path = uriToPath(uri);
    if (path === undefined) return uri;
    const known = this.known.get(path);
    if (known === undefined) {
      if (addToKnown) this.known.set(path, uri);
      return uri;
    }
    if (known !== uri) {
      this.deps.validator.forget(known);
      this.known.set(path, uri);
    }
    return uri;
  }
}
