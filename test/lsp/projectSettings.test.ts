/**
 * The pieces behind the project's settings in the editor, in process: which files count, how they are
 * found for a manifest, .vigilrc.json document events, and the `vigil.severity` setting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileChangeType, type Diagnostic } from 'vscode-languageserver';
import { readProjectFiles } from '../../server/src/node/projectFiles';
import { isPolicyUri, isProjectSettingsUri, ProjectSettings, PROJECT_SETTINGS_GLOBS } from '../../server/src/lsp/projectSettings';
import { effectiveSettings, normalizeSettings } from '../../server/src/lsp/settings';
import { SettingsCache } from '../../server/src/lsp/settings';
import { StatusReporter } from '../../server/src/lsp/status';
import { Validator, type DocumentSource } from '../../server/src/lsp/validator';
import type { CachingAdvisorySource, CachingRegistry, Runtime } from '../../server/src/node/runtime';

const uri = (...parts: string[]): string => pathToFileURL(join('/ws', ...parts)).href;

describe('which files are the project\'s settings', () => {
  const table: Array<[string, boolean, boolean]> = [
    [uri('.vigilrc.json'), true, true],
    [uri('packages', 'a', '.vigilrc.json'), true, true],
    [uri('node_modules', 'x', '.vigilrc.json'), false, false],
    [uri('pnpm-workspace.yaml'), false, true],
    [uri('.npmrc'), false, true],
    [uri('.yarnrc.yml'), false, true],
    [uri('bunfig.toml'), false, true],
    [uri('.github', 'renovate.json'), false, true],
    [uri('.renovaterc'), false, true],
    [uri('vigilrc.json'), false, false],
    [uri('package.json'), false, false],
    ['untitled:.vigilrc.json', false, false],
  ];
  for (const [u, policy, settings] of table) {
    it(u, () => {
      assert.equal(isPolicyUri(u), policy);
      assert.equal(isProjectSettingsUri(u), settings);
    });
  }

  it('every settings file is watched', () => {
    for (const name of ['.vigilrc.json', 'pnpm-workspace.yaml', '.npmrc', '.yarnrc.yml', 'bunfig.toml', 'renovate.json', '.github/renovate.json']) {
      assert.ok(PROJECT_SETTINGS_GLOBS.includes(`**/${name}`), name);
    }
  });
});

describe('readProjectFiles', () => {
  const disk = new Map([
    [join('/ws', 'packages', 'a', '.vigilrc.json'), 'A'],
    [join('/ws', 'pnpm-workspace.yaml'), 'W'],
    [join('/ws', '.github', 'renovate.json'), 'R'],
    [join('/elsewhere', '.npmrc'), 'X'],
  ]);
  const read = (path: string) => Promise.resolve(disk.get(path));

  it('the manifest\'s folder first, then each root that contains it, named relative to the manifest', async () => {
    const files = await readProjectFiles(join('/ws', 'packages', 'a'), ['/ws', '/elsewhere'], read);
    assert.deepEqual(files, [
      { path: '.vigilrc.json', text: 'A' },
      { path: '../../pnpm-workspace.yaml', text: 'W' },
      { path: '../../.github/renovate.json', text: 'R' },
    ]);
  });

  it('a manifest at the root reads the root once', async () => {
    const files = await readProjectFiles('/ws', ['/ws'], read);
    assert.deepEqual(files.map((f) => f.path), ['pnpm-workspace.yaml', '.github/renovate.json']);
  });
});

describe('.vigilrc.json documents', () => {
  function setup(now = '2024-06-01T00:00:00Z') {
    const sources = new Map<string, DocumentSource>();
    const published: Array<{ uri: string; version: number | undefined; diagnostics: Diagnostic[] }> = [];
    const revalidated: string[] = [];
    const settings = new ProjectSettings({
      read: (u) => Promise.resolve(sources.get(u)),
      openText: () => undefined,
      readFile: () => Promise.reject(Object.assign(new Error('none'), { code: 'ENOENT' })),
      publish: (u, version, diagnostics) => published.push({ uri: u, version, diagnostics }),
      now: () => new Date(now),
      revalidateBelow: (path) => void revalidated.push(path),
      log: () => undefined,
    });
    return { sources, published, settings, revalidations: () => revalidated.length, revalidated };
  }
  const POLICY = uri('.vigilrc.json');
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('opening validates the document only; an edit re-validates the manifests too', async () => {
    const { sources, published, settings, revalidations, revalidated } = setup();
    const text = '{ "severity": { "new-bin": "loud" } }';
    sources.set(POLICY, { text, version: 1 });
    settings.policyDocument(POLICY, 'opened');
    settings.policyDocument(POLICY, 'changed'); // the opening's own content event
    await settle();
    assert.equal(revalidations(), 0);
    assert.equal(published.at(-1)?.diagnostics[0]?.code, 'invalid-policy');
    const at = text.indexOf('"loud"');
    assert.deepEqual(published.at(-1)?.diagnostics[0]?.range, { start: { line: 0, character: at }, end: { line: 0, character: at + 6 } });
    sources.set(POLICY, { text: '{}', version: 2 });
    settings.policyDocument(POLICY, 'changed');
    await settle();
    assert.equal(revalidations(), 1);
    assert.deepEqual(revalidated, [join('/ws', '.vigilrc.json')], 'the documents below the file are re-validated, not the workspace');
    assert.deepEqual(published.at(-1), { uri: POLICY, version: 2, diagnostics: [] });
    // Closing without saving: the file on disk (the first text) applies again.
    sources.set(POLICY, { text });
    settings.policyDocument(POLICY, 'closed');
    await settle();
    assert.equal(revalidations(), 2);
  });

  it('an expired suppression is an information diagnostic on its date', async () => {
    const { sources, published, settings } = setup('2024-06-01T00:00:00Z');
    sources.set(POLICY, { text: '{"suppressions":[{"package":"ms","signal":"deprecated","reason":"r","expires":"2024-05-31"}]}' });
    settings.policyDocument(POLICY, 'opened');
    await settle();
    assert.equal(published.at(-1)?.diagnostics[0]?.code, 'suppression-expired');
    assert.equal(published.at(-1)?.diagnostics[0]?.severity, 3);
  });

  it('a deleted file\'s diagnostics are cleared; events for other settings files only name the files changed', async () => {
    const { sources, published, settings } = setup();
    sources.set(POLICY, { text: '[]' });
    assert.deepEqual(settings.filesChanged([{ uri: POLICY, type: FileChangeType.Created }]), [join('/ws', '.vigilrc.json')]);
    await settle();
    assert.equal(published.at(-1)?.diagnostics.length, 1);
    sources.delete(POLICY);
    settings.filesChanged([{ uri: POLICY, type: FileChangeType.Deleted }]);
    await settle();
    assert.deepEqual(published.at(-1), { uri: POLICY, version: undefined, diagnostics: [] });
    const count = published.length;
    assert.deepEqual(settings.filesChanged([{ uri: uri('pnpm-workspace.yaml'), type: FileChangeType.Changed }]), [join('/ws', 'pnpm-workspace.yaml')]);
    assert.deepEqual(settings.filesChanged([{ uri: uri('src', 'index.ts'), type: FileChangeType.Changed }]), []);
    await settle();
    assert.equal(published.length, count);
  });
});

describe('cooldown files in the editor', () => {
  it('a value Vigil cannot read is a warning on the file; fixing it clears it', async () => {
    const sources = new Map<string, DocumentSource>();
    const published: Array<{ uri: string; diagnostics: Diagnostic[] }> = [];
    const settings = new ProjectSettings({
      read: (u) => Promise.resolve(sources.get(u)),
      openText: () => undefined,
      readFile: () => Promise.reject(new Error('unused')),
      publish: (u, _version, diagnostics) => published.push({ uri: u, diagnostics }),
      now: () => new Date('2024-01-01T00:00:00Z'),
      revalidateBelow: () => undefined,
      log: () => undefined,
    });
    const workspace = uri('pnpm-workspace.yaml');
    const text = 'packages: []\nminimumReleaseAge: "1440"\n';
    sources.set(workspace, { text });
    sources.set(uri('bunfig.toml'), { text: '[install]\nminimumReleaseAge = 60\n' });
    await settings.validateRoots(['/ws']);
    assert.deepEqual(published.map((p) => [p.uri, p.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character])]), [
      [workspace, [['invalid-cooldown', 2, 1, 19]]],
    ]);
    sources.set(workspace, { text: 'minimumReleaseAge: 1440\n' });
    settings.filesChanged([{ uri: workspace, type: FileChangeType.Changed }]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(published.at(-1), { uri: workspace, diagnostics: [] });
  });
});

describe('vigil.severity', () => {
  const table: Array<[string, unknown, Record<string, string> | undefined]> = [
    ['absent', undefined, undefined],
    ['not an object', 'off', undefined],
    ['valid entries kept, the rest dropped', { 'new-bin': 'off', deprecated: 'hint', 'invalid-json': 'off', nope: 'off', 'recent-release': 'loud' }, { 'new-bin': 'off', deprecated: 'hint' }],
    ['empty', {}, undefined],
  ];
  for (const [name, raw, expected] of table) {
    it(name, () => {
      const settings = normalizeSettings({ severity: raw }, {});
      assert.deepEqual(settings.severity, expected);
      assert.deepEqual(effectiveSettings(settings, {}, () => undefined).config.severity, expected);
    });
  }
});

describe('untrusted workspaces', () => {
  const registry: CachingRegistry = {
    registryUrl: 'https://registry.test/',
    registrySource: 'test',
    stats: { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 },
    peek: () => undefined,
    getPackument: () => Promise.resolve({ ok: false, error: { kind: 'network', message: 'offline' } }),
  };
  const advisories: CachingAdvisorySource = {
    peek: () => ({ ok: false, error: { kind: 'cancelled', message: 'none' } }),
    bulk: () => Promise.resolve({ ok: true, advisories: {} }),
  };
  const runtime: Runtime = {
    now: () => new Date('2024-01-01T00:00:00Z'),
    readFile: () => Promise.reject(new Error('no disk')),
    registry: () => Promise.resolve(registry),
    advisories: () => Promise.resolve(advisories),
    log: () => undefined,
  };

  for (const trusted of [true, false]) {
    it(`${trusted ? 'a trusted' : 'an untrusted'} workspace's settings files are ${trusted ? '' : 'not '}read: they could silence Vigil`, async () => {
      const asked: string[] = [];
      const status = new StatusReporter(() => undefined);
      const validator = new Validator({
        runtime,
        settings: new SettingsCache(() => Promise.resolve({}), { workspaceTrusted: trusted }, () => undefined),
        schedule: () => () => undefined,
        debounceMs: 0,
        read: () => Promise.resolve({ text: '{}', version: 1 }),
        projectFiles: (u) => {
          asked.push(u);
          return Promise.resolve([]);
        },
        publish: () => undefined,
        status,
        log: { info: () => undefined, error: (message) => assert.fail(message) },
      });
      await validator.validate(uri('package.json'));
      assert.deepEqual(asked, trusted ? [uri('package.json')] : []);
    });
  }
});
