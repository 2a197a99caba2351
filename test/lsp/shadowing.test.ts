/**
 * The editor gets registry-shadowing from the registry's public comparison: the first, memory-only pass
 * asks the public registry nothing; the full pass does, and a 404 is an unclaimed-name diagnostic (an
 * error on the key), not the old package-not-found warning.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { RegistryResult } from '../../server/src/core/registry/types';
import { SettingsCache } from '../../server/src/lsp/settings';
import { StatusReporter } from '../../server/src/lsp/status';
import { Validator } from '../../server/src/lsp/validator';
import type { CachingPublicRegistry } from '../../server/src/node/publicRegistry';
import type { CachingRegistry, Runtime } from '../../server/src/node/runtime';
import { at, memoryRegistry, packument } from '../helpers/coreBuilders';

const URI = 'file:///project/package.json';
const MANIFEST = '{\n  "dependencies": {\n    "@corp/ui": "^1.4.0",\n    "zz-nowhere": "^1.0.0"\n  }\n}\n';

it('the full pass compares privately routed packages with the public registry; the quick pass asks nobody', async () => {
  const privateDocs = memoryRegistry(packument('@corp/ui', [{ version: '1.4.2', at: at(0), by: 'corp-ci' }]));
  const publicDocs = memoryRegistry(packument('@corp/ui', [{ version: '99.0.0', at: at(10), by: 'mallory' }]));
  const memory = new Map<string, RegistryResult>();
  const publicAsked: string[] = [];
  const publicRegistry: CachingPublicRegistry = {
    url: 'https://registry.test/',
    privateSourceOf: (name) => (name.startsWith('@corp/') ? 'https://npm.corp.test/' : undefined),
    peek: () => undefined,
    getPackument: (name) => {
      publicAsked.push(name);
      return publicDocs.getPackument(name);
    },
  };
  const registry: CachingRegistry = {
    registryUrl: 'https://registry.test/',
    registrySource: 'test',
    stats: { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 },
    peek: (name) => memory.get(name),
    getPackument: async (name) => {
      const answer = await privateDocs.getPackument(name);
      memory.set(name, answer);
      return answer;
    },
    publicRegistry,
  };
  const runtime: Runtime = {
    now: () => new Date(at(20)),
    readFile: () => Promise.reject(new Error('no disk in this test')),
    registry: () => Promise.resolve(registry),
    advisories: () => Promise.resolve({ peek: () => ({ ok: true, advisories: {} }), bulk: () => Promise.resolve({ ok: true, advisories: {} }) }),
    log: () => undefined,
  };
  const published: Diagnostic[][] = [];
  const validator = new Validator({
    runtime,
    settings: new SettingsCache(() => Promise.resolve({}), {}, () => undefined),
    schedule: () => () => undefined,
    debounceMs: 0,
    read: () => Promise.resolve({ text: MANIFEST, version: 1 }),
    publish: (_uri, _version, diagnostics) => published.push(diagnostics),
    status: new StatusReporter(() => undefined),
    log: { info: () => undefined, error: (message) => assert.fail(message) },
  });
  await validator.validate(URI);
  const summary = (diagnostics: Diagnostic[] | undefined): unknown[] => (diagnostics ?? []).map((d) => [d.code, d.severity, d.range.start.line]);
  assert.deepEqual(summary(published[0]), []);
  assert.deepEqual(summary(published[1]), [
    ['registry-shadowing', DiagnosticSeverity.Error, 2],
    ['unclaimed-name', DiagnosticSeverity.Error, 3],
  ]);
  assert.deepEqual(publicAsked, ['@corp/ui']);
});
