/**
 * Lockfiles in the language server, in process: a manifest is checked against its lockfile, an open
 * lockfile gets diagnostics of its own, an edit to a lockfile re-validates the manifests below it (and
 * nothing whose inputs did not change), a broken lockfile is one diagnostic where it breaks, and an
 * untrusted workspace still reads lockfiles (data) but not settings. Registry answers come from the
 * recorded ua-parser-js history with the replayed 2021 hijack (0.7.23 adds a preinstall script) and ms;
 * the analysis runs one hour after 0.7.23 (vigil.asOf), timers are the test's.
 */
import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FileChangeType, type Diagnostic } from 'vscode-languageserver';
import { LOCKFILE_PATTERN } from '../../client/src/lockfiles';
import { statusView } from '../../client/src/statusView';
import type { ProjectFile } from '../../server/src/core/analyze';
import { LOCKFILE_NAMES } from '../../server/src/core/lockfile/load';
import type { RegistryResult } from '../../server/src/core/registry/types';
import { Documents } from '../../server/src/lsp/documents';
import { affectedBy, dataFiles, dataOnly, LOCKFILE_GLOB } from '../../server/src/lsp/lockfiles';
import { ProjectSettings } from '../../server/src/lsp/projectSettings';
import { SettingsCache } from '../../server/src/lsp/settings';
import { StatusReporter } from '../../server/src/lsp/status';
import { Validator, type DocumentSource } from '../../server/src/lsp/validator';
import type { DirectoryEntry } from '../../server/src/lsp/workspace';
import type { CachingAdvisorySource, CachingRegistry, Runtime } from '../../server/src/node/runtime';
import type { StatusParams } from '../../server/src/protocol';
import { FileRegistry, FIXTURES, scenarioDir } from '../helpers/fileRegistry';
import { lockfile, MANIFEST_WITH_MS } from './lockfileTexts';

const AS_OF = '2020-09-30T13:15:21.378Z';
const ROOT = join('/', 'ws');
const uri = (...parts: string[]): string => pathToFileURL(join(ROOT, ...parts)).href;
const MANIFEST_URI = uri('package.json');
const LOCK_URI = uri('package-lock.json');

const MANIFEST = MANIFEST_WITH_MS;

function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  return line;
}

/** A registry that answers from the recorded documents and remembers what it fetched (peek). */
class MemoryRegistry implements CachingRegistry {
  readonly registryUrl = 'https://registry.test/';
  readonly registrySource = 'test';
  readonly stats = { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 };
  private readonly memory = new Map<string, RegistryResult>();
  // The scenario's ua-parser-js (with the replayed hijack) replaces the recorded one: later folders win.
  private readonly source = FileRegistry.fromDirs(join(FIXTURES, 'packuments'), join(scenarioDir('ua-parser-js-2021'), 'registry'));

  peek(name: string): RegistryResult | undefined {
    return this.memory.get(name);
  }

  async getPackument(name: string): Promise<RegistryResult> {
    const known = this.memory.get(name);
    if (known) return known;
    this.stats.requests++;
    const result = await this.source.getPackument(name);
    this.memory.set(name, result);
    return result;
  }
}

const advisories: CachingAdvisorySource = {
  peek: () => ({ ok: false, error: { kind: 'cancelled', message: 'not in memory' } }),
  bulk: () => Promise.resolve({ ok: true, advisories: {} }),
};

interface Published {
  uri: string;
  version: number | undefined;
  diagnostics: Diagnostic[];
}

/** A validator, and the Documents bookkeeping over it, on a fake disk and editor. */
function setup(options: { trusted?: boolean; disk?: Record<string, string> } = {}) {
  const registry = new MemoryRegistry();
  let analyses = 0;
  const disk = new Map(Object.entries(options.disk ?? { [join(ROOT, 'package.json')]: MANIFEST, [join(ROOT, 'package-lock.json')]: lockfile('0.7.23') }));
  const editor = new Map<string, DocumentSource>();
  const readFile = (path: string): Promise<string> => {
    const text = disk.get(path);
    return text === undefined ? Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })) : Promise.resolve(text);
  };
  const openText = (path: string): string | undefined => editor.get(pathToFileURL(path).href)?.text;
  const runtime: Runtime = {
    now: () => new Date('2030-01-01T00:00:00Z'),
    readFile,
    registry: () => {
      analyses++;
      return Promise.resolve(registry);
    },
    advisories: () => Promise.resolve(advisories),
    log: () => undefined,
  };
  const read = async (u: string): Promise<DocumentSource | undefined> => {
    const open = editor.get(u);
    if (open) return open;
    const path = new URL(u).pathname;
    return readFile(path).then((text) => ({ text }), () => undefined);
  };
  const published: Published[] = [];
  const statuses: StatusParams[] = [];
  const status = new StatusReporter((params) => statuses.push(params));
  status.start();
  const timers: Array<() => void> = [];
  const schedule = (callback: () => void): (() => void) => {
    let cancelled = false;
    timers.push(() => cancelled || callback());
    return () => (cancelled = true);
  };
  const settingsFilesAsked: string[] = [];
  const validator = new Validator({
    runtime,
    settings: new SettingsCache(() => Promise.resolve({ asOf: AS_OF }), { workspaceTrusted: options.trusted !== false }, () => undefined),
    schedule,
    debounceMs: 250,
    read,
    projectFiles: (u) => {
      settingsFilesAsked.push(u);
      return Promise.resolve([]);
    },
    dataFiles: (u) => dataFiles(new URL(u).pathname, [ROOT], { openText, readFile, log: () => undefined }),
    publish: (u, version, diagnostics) => published.push({ uri: u, version, diagnostics }),
    status,
    log: { info: () => undefined, error: (message) => assert.fail(message) },
  });
  const projectSettings = new ProjectSettings({
    read,
    openText,
    readFile,
    publish: () => undefined,
    now: () => new Date(AS_OF),
    revalidateBelow: () => undefined,
    log: () => undefined,
  });
  const documents = new Documents({
    validator,
    projectSettings,
    status,
    forgetSettings: () => undefined,
    isOpen: (u) => editor.has(u),
    folders: () => [ROOT],
    readDirectory: (folder) => Promise.resolve(listing(disk, folder)),
    scanLimits: { maxFiles: 10, maxDepth: 2, maxFolders: 10 },
    reloadNpmConfig: () => undefined,
    log: { warn: () => undefined },
  });
  /** Waits for the validations in flight. */
  const settle = (): Promise<void> => validator.whenIdle();
  /** Runs the debounce timers due, then waits for the validations they start. */
  const fire = async (): Promise<void> => {
    for (let timer = timers.shift(); timer; timer = timers.shift()) timer();
    await settle();
  };
  const latest = (u: string): Published | undefined => published.filter((p) => p.uri === u).at(-1);
  return { registry, disk, editor, published, statuses, validator, documents, settle, fire, latest, settingsFilesAsked, analyses: () => analyses };
}

/** A folder's entries in a fake disk (files by full path). */
function listing(disk: ReadonlyMap<string, string>, folder: string): DirectoryEntry[] {
  const entries = new Map<string, DirectoryEntry['kind']>();
  for (const path of disk.keys()) {
    const rel = relative(folder, path);
    if (rel.startsWith('..') || rel === '') continue;
    const [first, ...rest] = rel.split(sep);
    entries.set(first as string, rest.length > 0 ? 'directory' : 'file');
  }
  return [...entries].map(([name, kind]) => ({ name, kind }));
}

const codes = (entry: Published | undefined): string[] => [...new Set((entry?.diagnostics ?? []).map((d) => String(d.code)))].sort();
const at = (entry: Published | undefined, code: string): Diagnostic | undefined => entry?.diagnostics.find((d) => d.code === code);

describe('a manifest and its lockfile', () => {
  it('the lockfile document gets its entries\' findings; the manifest says what its dependency brings in', async () => {
    const { validator, latest, statuses } = setup();
    await validator.validate(MANIFEST_URI);
    await validator.validate(LOCK_URI);
    const manifest = latest(MANIFEST_URI);
    const risky = at(manifest, 'risky-transitive');
    assert.ok(risky, JSON.stringify(manifest));
    assert.equal(risky.range.start.line, lineOf(MANIFEST, '"ms"'));
    assert.equal(risky.severity, 1);
    assert.match(risky.message, /ua-parser-js@0\.7\.23/);
    const lock = latest(LOCK_URI);
    const hijack = at(lock, 'install-script-added');
    assert.ok(hijack, JSON.stringify(lock));
    assert.equal(hijack.range.start.line, lineOf(lockfile('0.7.23'), '"node_modules/ua-parser-js"'));
    assert.ok(lock?.diagnostics.every((d) => d.code !== 'risky-transitive'), 'the manifest\'s findings stay on the manifest');
    // One manifest and one lockfile; ms and ua-parser-js counted once though both documents checked them.
    const status = statuses.at(-1) as StatusParams;
    assert.deepEqual([status.state, status.files, status.lockfiles, status.checked], ['done', 1, 1, 2]);
    assert.match(statusView(status).detail, /^2 dependencies checked in 1 file and 1 lockfile · /);
  });

  it('editing the lockfile re-validates the manifest below it; an unchanged input is not analysed again', async () => {
    const { documents, editor, settle, fire, latest, analyses } = setup();
    await documents.scan([ROOT]);
    assert.ok(at(latest(MANIFEST_URI), 'risky-transitive'));
    const before = analyses();
    // Opening the lockfile validates it; the manifest, checked against the same text, is not analysed again.
    editor.set(LOCK_URI, { text: lockfile('0.7.23'), version: 1 });
    documents.opened(LOCK_URI);
    documents.changed(LOCK_URI);
    await settle();
    await fire();
    assert.equal(analyses(), before + 1, 'only the lockfile document was analysed');
    assert.ok(at(latest(LOCK_URI), 'install-script-added'));
    // The edit (unsaved) locks the clean 0.7.22: the manifest no longer brings in a risky package.
    editor.set(LOCK_URI, { text: lockfile('0.7.22'), version: 2 });
    documents.changed(LOCK_URI);
    await fire();
    assert.equal(analyses(), before + 3);
    assert.equal(at(latest(MANIFEST_URI), 'risky-transitive'), undefined);
    assert.equal(latest(LOCK_URI)?.version, 2);
    assert.equal(at(latest(LOCK_URI), 'install-script-added'), undefined);
    // Closing without saving: the disk's text (0.7.23) governs again.
    editor.delete(LOCK_URI);
    documents.closed(LOCK_URI);
    await fire();
    assert.ok(at(latest(MANIFEST_URI), 'risky-transitive'));
    assert.deepEqual(latest(LOCK_URI), { uri: LOCK_URI, version: undefined, diagnostics: [] }, 'a closed lockfile not checked on demand is cleared');
  });

  it('a file event for a lockfile re-validates what is at or below its folder, only if its text changed', async () => {
    const { documents, disk, fire, latest, analyses } = setup({
      disk: {
        [join(ROOT, 'package.json')]: MANIFEST,
        [join(ROOT, 'package-lock.json')]: lockfile('0.7.23'),
        [join(ROOT, 'other', 'package.json')]: MANIFEST,
        [join(ROOT, 'other', 'package-lock.json')]: lockfile('0.7.23'),
      },
    });
    const other = uri('other', 'package.json');
    await documents.scan([ROOT]);
    const before = analyses();
    assert.equal(before, 2);
    // The lockfile in other/ is rewritten identically, then changed: only other/package.json is affected.
    documents.filesChanged([{ uri: uri('other', 'package-lock.json'), type: FileChangeType.Changed }]);
    await fire();
    assert.equal(analyses(), before, 'same text: nothing analysed');
    disk.set(join(ROOT, 'other', 'package-lock.json'), lockfile('0.7.22'));
    documents.filesChanged([{ uri: uri('other', 'package-lock.json'), type: FileChangeType.Changed }]);
    await fire();
    assert.equal(analyses(), before + 1);
    assert.equal(at(latest(other), 'risky-transitive'), undefined);
    assert.ok(at(latest(MANIFEST_URI), 'risky-transitive'), 'the root manifest was not touched');
  });

  it('a broken lockfile is one diagnostic where it breaks; the manifest is checked by its ranges', async () => {
    const broken = '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {\n      "name": "victim",\n      "dependencies": { "ms": \n';
    const manifestText = '{\n  "dependencies": {\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';
    const { validator, latest } = setup({ disk: { [join(ROOT, 'package.json')]: manifestText, [join(ROOT, 'package-lock.json')]: broken } });
    await validator.validate(LOCK_URI);
    const lock = latest(LOCK_URI);
    assert.equal(lock?.diagnostics.length, 1, JSON.stringify(lock));
    assert.equal(lock?.diagnostics[0]?.code, 'invalid-lockfile');
    assert.ok((lock?.diagnostics[0]?.range.start.line ?? 0) >= 5, JSON.stringify(lock?.diagnostics[0]?.range));
    await validator.validate(MANIFEST_URI);
    const manifest = latest(MANIFEST_URI);
    // (The core may add that the cut-off lockfile does not lock it: information, not asserted here.)
    const found = codes(manifest).filter((code) => code !== 'lockfile-out-of-sync');
    assert.deepEqual(found, ['install-script-added', 'recent-release', 'release-line-burst']);
    assert.equal((at(manifest, 'install-script-added')?.data as { version?: string }).version, '0.7.23', 'resolved by the range');
  });

  it('an untrusted workspace reads the lockfile (data) but not the settings files', async () => {
    const { validator, latest, settingsFilesAsked } = setup({ trusted: false });
    await validator.validate(MANIFEST_URI);
    assert.deepEqual(settingsFilesAsked, []);
    assert.ok(at(latest(MANIFEST_URI), 'risky-transitive'));
  });
});

describe('lockfile helpers', () => {
  it('only manifests and lockfiles pass as data', () => {
    const files: ProjectFile[] = ['package-lock.json', '../../pnpm-lock.yaml', 'yarn.lock', 'package.json', '.npmrc', '.vigilrc.json', 'pnpm-workspace.yaml', 'x/package.json']
      .map((path) => ({ path, text: '' }));
    assert.deepEqual(dataOnly(files).map((file) => file.path), ['package-lock.json', '../../pnpm-lock.yaml', 'yarn.lock', 'package.json', 'x/package.json']);
  });

  it('a manifest reads the nearest lockfiles up to the outermost workspace folder, open text first', async () => {
    const disk = new Map([
      [join('/ws', 'pnpm-lock.yaml'), 'disk'],
      [join('/ws', 'packages', 'a', 'package.json'), '{}'],
      [join('/outside', 'package-lock.json'), 'x'],
    ]);
    const deps = (open: Record<string, string> = {}) => ({
      openText: (path: string) => open[path],
      readFile: (path: string) => (disk.has(path) ? Promise.resolve(disk.get(path) as string) : Promise.reject(Object.assign(new Error('no'), { code: 'ENOENT' }))),
      log: () => undefined,
    });
    const manifest = join('/ws', 'packages', 'a', 'package.json');
    assert.deepEqual(await dataFiles(manifest, ['/ws', join('/ws', 'packages')], deps()), [{ path: '../../pnpm-lock.yaml', text: 'disk' }]);
    assert.deepEqual(await dataFiles(manifest, ['/ws'], deps({ [join('/ws', 'pnpm-lock.yaml')]: 'open' })), [{ path: '../../pnpm-lock.yaml', text: 'open' }]);
    assert.deepEqual(await dataFiles(manifest, [], deps()), [], 'outside every folder: its own folder only');
    assert.deepEqual(await dataFiles(join('/outside', 'sub', 'package.json'), ['/ws'], deps()), []);
    assert.deepEqual(await dataFiles(join('/ws', 'packages', 'a', 'yarn.lock'), ['/ws'], deps()), [{ path: 'package.json', text: '{}' }]);
    assert.deepEqual(await dataFiles(join('/ws', 'yarn.lock'), ['/ws'], deps()), [], 'no manifest beside it');
  });

  it('a change affects the documents at or below its folder', () => {
    const uris = [uri('package.json'), uri('a', 'package.json'), uri('a', 'b', 'yarn.lock'), uri('c', 'package.json')];
    assert.deepEqual(affectedBy(join(ROOT, 'a', 'package-lock.json'), uris), [uri('a', 'package.json'), uri('a', 'b', 'yarn.lock')]);
    assert.deepEqual(affectedBy(join(ROOT, '.npmrc'), uris), uris);
  });

  it('the client syncs and the server watches the same lockfile names', () => {
    const names = (glob: string): string[] => (/^\*\*\/\{(.*)\}$/.exec(glob)?.[1] ?? '').split(',').sort();
    assert.deepEqual(names(LOCKFILE_PATTERN), [...LOCKFILE_NAMES].sort());
    assert.deepEqual(names(LOCKFILE_GLOB), [...LOCKFILE_NAMES].sort());
  });
});
