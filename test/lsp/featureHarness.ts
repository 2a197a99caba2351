/**
 * An in-process language server without a connection, for hover and code-action tests: the real
 * Validator over the recorded ua-parser-js history (the replayed 2021 hijack: 0.7.23 adds a preinstall
 * script) and ms, a fake disk and editor, and the FeatureContext the server builds from them. The
 * analysis runs one hour after 0.7.23 (vigil.asOf); no timers, no network.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Position, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { RegistryResult } from '../../server/src/core/registry/types';
import { HighImpactIndex } from '../../server/src/core/similar/highImpact';
import type { FeatureContext } from '../../server/src/lsp/analysisAt';
import { SettingsCache } from '../../server/src/lsp/settings';
import { StatusReporter } from '../../server/src/lsp/status';
import { Validator, type DocumentSource } from '../../server/src/lsp/validator';
import { uriToPath } from '../../server/src/lsp/workspace';
import type { CachingAdvisorySource, CachingRegistry, RegistrySettings, Runtime } from '../../server/src/node/runtime';
import type { StatusParams } from '../../server/src/protocol';
import { FileRegistry, FIXTURES, scenarioDir } from '../helpers/fileRegistry';

export const AS_OF = '2020-09-30T13:15:21.378Z';
export const ROOT = join('/', 'ws');
export const uri = (...parts: string[]): string => pathToFileURL(join(ROOT, ...parts)).href;

/** A registry answering from the recorded documents, remembering what it fetched (peek) until told to forget. */
export class MemoryRegistry implements CachingRegistry {
  readonly stats = { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 };
  readonly memory = new Map<string, RegistryResult>();
  // The scenario's ua-parser-js (with the replayed hijack) replaces the recorded one: later folders win.
  private readonly source = FileRegistry.fromDirs(join(FIXTURES, 'packuments'), join(scenarioDir('ua-parser-js-2021'), 'registry'));

  constructor(readonly registryUrl = 'https://registry.npmjs.org/', readonly registrySource = 'test') {}

  peek(name: string): RegistryResult | undefined {
    return this.memory.get(name);
  }

  /** Fetches in flight, shared by concurrent callers like the real client's. */
  readonly inflight = new Map<string, Promise<RegistryResult>>();

  getPackument(name: string): Promise<RegistryResult> {
    const known = this.memory.get(name);
    if (known) return Promise.resolve(known);
    let fetch = this.inflight.get(name);
    if (!fetch) {
      this.stats.requests++;
      fetch = this.source.getPackument(name).then((result) => {
        this.memory.set(name, result);
        this.inflight.delete(name);
        return result;
      });
      this.inflight.set(name, fetch);
    }
    return fetch;
  }
}

const advisories: CachingAdvisorySource = {
  peek: () => ({ ok: false, error: { kind: 'cancelled', message: 'not in memory' } }),
  bulk: () => Promise.resolve({ ok: true, advisories: {} }),
};

export interface HarnessOptions {
  /** Files on disk, by path relative to ROOT. */
  disk?: Record<string, string>;
  trusted?: boolean;
  registryUrl?: string;
  capabilities?: Partial<FeatureContext['capabilities']>;
  /** The `vigil` settings (besides the replayed asOf). */
  settings?: Record<string, unknown>;
}

export function harness(options: HarnessOptions = {}) {
  const registry = new MemoryRegistry(options.registryUrl);
  const disk = new Map(Object.entries(options.disk ?? {}).map(([path, text]) => [join(ROOT, path), text]));
  const editor = new Map<string, TextDocument>();
  const readFile = (path: string): Promise<string> => {
    const text = disk.get(path);
    return text === undefined ? Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })) : Promise.resolve(text);
  };
  const asked: RegistrySettings[] = [];
  const published = new Map<string, Diagnostic[]>();
  const statuses: StatusParams[] = [];
  const status = new StatusReporter((params) => statuses.push(params));
  status.start();
  const runtime: Runtime = {
    now: () => new Date('2030-01-01T00:00:00Z'),
    readFile,
    registry: (settings) => {
      asked.push(settings);
      return Promise.resolve(registry);
    },
    advisories: () => Promise.resolve(advisories),
    highImpact: () => Promise.resolve(new HighImpactIndex(['lodash', 'react', 'cross-env'])),
    log: () => undefined,
  };
  const read = async (u: string): Promise<DocumentSource | undefined> => {
    const open = editor.get(u);
    if (open) return { text: open.getText(), version: open.version };
    const path = uriToPath(u);
    return path === undefined ? undefined : readFile(path).then((text) => ({ text }), () => undefined);
  };
  const openAt = (path: string) => {
    const document = [...editor.values()].find((open) => uriToPath(open.uri) === path);
    return document && { uri: document.uri, text: document.getText(), version: document.version };
  };
  const validator = new Validator({
    runtime,
    settings: new SettingsCache(() => Promise.resolve({ asOf: AS_OF, ...options.settings }), options.trusted === false ? { workspaceTrusted: false } : {}, () => undefined),
    schedule: () => () => undefined,
    debounceMs: 0,
    read,
    dataFiles: async (u) => {
      // The lockfiles beside a manifest, or the manifest beside a lockfile: read from the editor first.
      const path = uriToPath(u) as string;
      const folder = join(path, '..');
      const names = path.endsWith('package.json') ? ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml'] : ['package.json'];
      const files = [];
      for (const name of names) {
        const text = openAt(join(folder, name))?.text ?? disk.get(join(folder, name));
        if (text !== undefined) files.push({ path: name, text });
      }
      return files;
    },
    publish: (u, _version, diagnostics) => published.set(u, diagnostics),
    status,
    log: { info: () => undefined, error: (message) => assert.fail(message) },
  });
  const context: FeatureContext = {
    latest: (u) => validator.latest(u),
    openVersion: (u) => editor.get(u)?.version,
    openAt,
    readFile,
    isTrusted: () => options.trusted !== false,
    capabilities: { documentChanges: true, createFiles: true, disabledActions: true, ...options.capabilities },
  };

  return {
    registry,
    /** The registry settings each analysis asked the runtime for. */
    asked,
    /** The newest diagnostics per URI. */
    published,
    statuses,
    validator,
    context,
    disk,
    editor,
    /** Opens (or replaces) a document in the editor and validates it. */
    async open(path: string, text: string, version = 1): Promise<string> {
      const u = uri(path);
      editor.set(u, TextDocument.create(u, 'json', version, text));
      await validator.validate(u);
      return u;
    },
    /** Edits a document without validating it (the analysis is now stale). */
    edit(u: string, text: string): void {
      const document = editor.get(u);
      assert.ok(document);
      editor.set(u, TextDocument.create(u, 'json', document.version + 1, text));
    },
  };
}

/** The position of the first `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 1): Position {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  const before = text.slice(0, offset + shift).split('\n');
  return { line: before.length - 1, character: (before.at(-1) ?? '').length };
}

/** Applies a workspace edit's edits for `target` to `text`, checking it is versioned as `version`. */
export function applyTo(edit: WorkspaceEdit | undefined, target: string, text: string, version?: number | null): string {
  const changes = (edit?.documentChanges ?? []).filter((change): change is TextDocumentEdit => 'textDocument' in change && change.textDocument.uri === target);
  assert.equal(changes.length, 1, `one edit of ${target}`);
  const [change] = changes as [TextDocumentEdit];
  if (version !== undefined) assert.equal(change.textDocument.version, version);
  return TextDocument.applyEdits(TextDocument.create(target, 'json', 0, text), change.edits);
}
