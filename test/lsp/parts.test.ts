/** Table tests for the language server's pure parts: conversion, settings, status, workspace scan. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { AnalysisResult, DependencyReport } from '../../server/src/core/analyze';
import type { AnalysisError, Finding } from '../../server/src/core/finding';
import { toDiagnostics } from '../../server/src/lsp/convert';
import { effectiveSettings, normalizeSettings } from '../../server/src/lsp/settings';
import { fileStatus, StatusReporter } from '../../server/src/lsp/status';
import { findPackageJsonFiles, isScannedPath, type DirectoryEntry } from '../../server/src/lsp/workspace';
import { DEFAULT_SETTINGS, type StatusParams } from '../../server/src/protocol';

const finding = (over: Partial<Finding>): Finding => ({
  file: 'package.json',
  range: { start: 0, end: 1 },
  package: 'p',
  spec: '^1.0.0',
  signal: 'recent-release',
  severity: 'warning',
  message: 'm',
  evidence: {},
  ...over,
});

const error = (kind: string, name = 'p'): AnalysisError => ({
  file: 'package.json',
  range: { start: 0, end: 1 },
  package: name,
  kind,
  message: `${kind} for ${name}`,
});

describe('convert', () => {
  it('maps offsets to positions on CRLF text, severities, codes, data and tags', () => {
    const text = '{\r\n  "a": "1",\r\n  "b": "2"\r\n}';
    const start = text.indexOf('"b"');
    const [diagnostic, deprecated] = toDiagnostics(
      text,
      [
        finding({ range: { start, end: start + 3 }, severity: 'error', signal: 'install-script-added', version: '1.0.1', fix: { pin: '1.0.0', reason: 'r' } }),
        finding({ signal: 'deprecated', severity: 'information' }),
      ],
      [],
    );
    assert.deepEqual(diagnostic?.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } });
    assert.equal(diagnostic?.severity, DiagnosticSeverity.Error);
    assert.equal(diagnostic?.code, 'install-script-added');
    assert.deepEqual(diagnostic?.data, { package: 'p', spec: '^1.0.0', evidence: {}, version: '1.0.1', fix: { pin: '1.0.0', reason: 'r' } });
    assert.equal(deprecated?.severity, DiagnosticSeverity.Information);
    assert.deepEqual(deprecated?.tags, [DiagnosticTag.Deprecated]);
  });

  it('puts per-package registry errors on the line and leaves system errors to the status', () => {
    const diagnostics = toDiagnostics('{}', [], [error('not-found', 'a'), error('invalid-name', 'b'), error('network'), error('timeout')]);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity]),
      [
        ['package-not-found', DiagnosticSeverity.Warning],
        ['invalid-package-name', DiagnosticSeverity.Warning],
      ],
    );
  });
});

describe('settings', () => {
  const table: Array<[string, unknown, object, object]> = [
    ['nothing sent', undefined, {}, DEFAULT_SETTINGS],
    ['wrong types', { registry: 3, cooldownDays: 'x', asOf: false }, {}, DEFAULT_SETTINGS],
    ['negative cooldown', { cooldownDays: -1 }, {}, DEFAULT_SETTINGS],
    ['values', { registry: ' https://r/ ', cooldownDays: 0, asOf: '2021-01-01' }, {}, { ...DEFAULT_SETTINGS, registry: 'https://r/', cooldownDays: 0, asOf: '2021-01-01' }],
    ['offline and one kind of file off', { offline: true, enable: { lockfiles: false } }, {}, { ...DEFAULT_SETTINGS, offline: true, enable: { packageJson: true, lockfiles: false } }],
    ['only an explicit false turns a kind off', { offline: 'yes', enable: { packageJson: 0, lockfiles: null } }, {}, DEFAULT_SETTINGS],
    ['asOf from initializationOptions', {}, { asOf: '2020-01-01' }, { ...DEFAULT_SETTINGS, asOf: '2020-01-01' }],
  ];
  for (const [name, raw, init, expected] of table) {
    it(`normalizes: ${name}`, () => assert.deepEqual(normalizeSettings(raw, init), expected));
  }

  it('takes the registry from the setting, else initializationOptions, and ignores a bad asOf with a warning', () => {
    const warnings: string[] = [];
    const fromInit = effectiveSettings({ ...DEFAULT_SETTINGS, asOf: 'yesterday' }, { registry: 'https://init/' }, (m) => warnings.push(m));
    assert.equal(fromInit.registryUrl, 'https://init/');
    assert.equal(fromInit.registrySource, 'initializationOptions.registry');
    assert.equal(fromInit.asOf, undefined);
    assert.equal(warnings.length, 1);
    const fromSetting = effectiveSettings({ ...DEFAULT_SETTINGS, registry: 'https://s/' }, { registry: 'https://init/' }, () => undefined);
    assert.equal(fromSetting.registrySource, 'vigil.registry');
  });
});

describe('status', () => {
  const dependency = (name: string, status: DependencyReport['status']): DependencyReport => ({
    file: 'package.json',
    name,
    package: name,
    spec: '1',
    section: 'dependencies',
    kind: 'registry',
    range: { start: 0, end: 1 },
    specRange: { start: 0, end: 1 },
    status,
  });
  const result = (dependencies: DependencyReport[], errors: AnalysisError[] = []): AnalysisResult => ({
    asOf: '2020-01-01T00:00:00.000Z',
    findings: [],
    suppressed: [],
    errors,
    dependencies,
    notes: [],
  });

  it('counts each pending package once across files, then reports an unreachable registry once', () => {
    const sent: StatusParams[] = [];
    const status = new StatusReporter((params) => sent.push(params));
    status.start();
    status.set('a', fileStatus(result([dependency('x', 'cancelled'), dependency('y', 'cancelled')]), [], 'https://r/'));
    status.set('b', fileStatus(result([dependency('x', 'cancelled')]), [], 'https://r/'));
    assert.deepEqual([sent.at(-1)?.state, sent.at(-1)?.pending], ['checking', 2]);
    status.set('a', fileStatus(result([dependency('x', 'error'), dependency('y', 'checked')], [error('network', 'x')]), [], 'https://r/'));
    status.set('b', fileStatus(result([dependency('x', 'error')], [error('network', 'x')]), [], 'https://r/'));
    assert.equal(sent.at(-1)?.state, 'registry-unreachable');
    assert.equal(sent.at(-1)?.message, '1 package could not be checked: network for x');
    const count = sent.length;
    status.set('b', fileStatus(result([dependency('x', 'error')], [error('network', 'x')]), [], 'https://r/'));
    assert.equal(sent.length, count, 'an unchanged status is not sent again');
    status.delete('a');
    status.delete('b');
    assert.equal(sent.at(-1)?.state, 'idle');
  });

  it('counts each checked package version once over manifests and lockfiles, and lockfiles apart', () => {
    const sent: StatusParams[] = [];
    const status = new StatusReporter((params) => sent.push(params));
    status.start();
    const checked = (name: string, version: string): DependencyReport => ({ ...dependency(name, 'checked'), version });
    status.set('m', fileStatus(result([checked('x', '1.0.0'), checked('y', '2.0.0')]), [], 'https://r/'));
    status.set('lock', fileStatus(result([checked('x', '1.0.0'), checked('x', '1.1.0'), checked('y', '2.0.0')]), [], 'https://r/', undefined, 'lockfile'));
    assert.deepEqual([sent.at(-1)?.checked, sent.at(-1)?.files, sent.at(-1)?.lockfiles], [3, 1, 1]);
    // A file validated again replaces what it counted; a forgotten one takes its share away.
    status.set('lock', fileStatus(result([checked('x', '1.0.0')]), [], 'https://r/', undefined, 'lockfile'));
    assert.equal(sent.at(-1)?.checked, 2);
    status.delete('m');
    assert.deepEqual([sent.at(-1)?.checked, sent.at(-1)?.files, sent.at(-1)?.lockfiles], [1, 0, 1]);
    assert.equal(sent.at(-1)?.state, 'done', 'a lockfile alone is not idle');
  });
});

describe('workspace scan', () => {
  const tree: Record<string, DirectoryEntry[]> = {
    '/w': [
      { name: 'package.json', kind: 'file' },
      { name: 'node_modules', kind: 'directory' },
      { name: '.git', kind: 'directory' },
      { name: 'link', kind: 'other' },
      { name: 'packages', kind: 'directory' },
    ],
    '/w/node_modules': [{ name: 'package.json', kind: 'file' }],
    '/w/.git': [{ name: 'package.json', kind: 'file' }],
    '/w/packages': [
      { name: 'b', kind: 'directory' },
      { name: 'a', kind: 'directory' },
    ],
    '/w/packages/a': [{ name: 'package.json', kind: 'file' }],
    '/w/packages/b': [{ name: 'package.json', kind: 'file' }],
  };
  const read = (path: string): Promise<DirectoryEntry[]> => Promise.resolve([...(tree[path] ?? [])]);

  it('finds manifests breadth-first, skipping node_modules, dot-folders and links', async () => {
    const found = await findPackageJsonFiles('/w', read);
    assert.deepEqual(found, { paths: ['/w/package.json', '/w/packages/a/package.json', '/w/packages/b/package.json'], truncated: false });
  });

  it('applies the same rule to file events', () => {
    assert.deepEqual(
      ['/w/package.json', '/w/packages/a/package.json', '/w/node_modules/x/package.json', '/w/.cache/package.json', '/elsewhere/package.json'].map(
        (path) => isScannedPath(path, '/w'),
      ),
      [true, true, false, false, false],
    );
  });

  it('stops at the limits and says so', async () => {
    assert.deepEqual(await findPackageJsonFiles('/w', read, { maxFiles: 2, maxDepth: 8, maxFolders: 100 }), {
      paths: ['/w/package.json', '/w/packages/a/package.json'],
      truncated: true,
    });
    assert.deepEqual(await findPackageJsonFiles('/w', read, { maxFiles: 10, maxDepth: 1, maxFolders: 100 }), {
      paths: ['/w/package.json'],
      truncated: true,
    });
  });
});
