/**
 * The signals about a name rather than a release: unclaimed-name (a 404 anyone can claim), unpublished (a
 * requested release that was removed), registry-shadowing (a private package the public registry also
 * has). Pure tables, and the same through analyze() with an injected public registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisDeps } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { PackageSummary, PublicRegistry, Registry, RegistryResult } from '../../server/src/core/registry/types';
import { registryShadowing } from '../../server/src/core/signals/registryShadowing';
import { requestedUnpublished } from '../../server/src/core/signals/unpublished';
import { FileRegistry } from '../helpers/fileRegistry';
import { at, memoryRegistry, packument, summaryOf, type Release } from '../helpers/coreBuilders';

const NOW = at(400);
const pkgJson = (dependencies: Record<string, string>): string => JSON.stringify({ dependencies }, null, 2);
const run = (registry: Registry, dependencies: Record<string, string>, extra: Partial<AnalysisDeps> = {}) =>
  analyze({ files: [{ path: 'package.json', text: pkgJson(dependencies) }] }, { registry, now: new Date(NOW), config: DEFAULT_CONFIG, ...extra });

/** A packument whose `time` still lists versions that `versions` no longer has. */
function withRemoved(name: string, releases: Release[], removed: Record<string, string>): Record<string, unknown> {
  const doc = packument(name, releases);
  Object.assign(doc.time as Record<string, string>, removed, { modified: at(320) });
  return doc;
}

const LEFTPAD = withRemoved(
  'pad',
  [
    { version: '1.0.0', at: at(0), by: 'alice' },
    { version: '1.0.1', at: at(10), by: 'alice' },
    { version: '1.1.0', at: at(20), by: 'alice' },
  ],
  { '1.1.1': at(300), '2.0.0': at(310) },
);

test('unclaimed-name: a 404 is an error finding on the key naming the registry; scoped names say who can claim them', async () => {
  const registry = new FileRegistry(new Map(), 'https://registry.example/');
  const result = await run(registry, { 'lodahs': '^4.0.0', '@corp/ui': '^1.0.0' });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.findings.map((f) => [f.package, f.signal, f.severity, f.evidence]),
    [
      ['lodahs', 'unclaimed-name', 'error', { registry: 'https://registry.example/', status: 404, section: 'dependencies', scoped: false }],
      ['@corp/ui', 'unclaimed-name', 'error', { registry: 'https://registry.example/', status: 404, section: 'dependencies', scoped: true }],
    ],
  );
  assert.equal(
    result.findings[0]?.message,
    'lodahs does not exist on https://registry.example/. Anyone can publish a package under that name, and the next install would run their ' +
      'code. This is how dependency confusion works. If it is your private package, install it from a registry you control under a scope you ' +
      'own (`@scope:registry=` in .npmrc) and claim the name here; if the name is a typo, fix it.',
  );
  assert.match(result.findings[1]?.message ?? '', /Only the owner of the @corp scope there can publish it/);
  assert.deepEqual(result.dependencies.map((d) => d.status), ['unresolved', 'unresolved']);
});

const UNPUBLISHED: Array<[string, string, boolean, string[]]> = [
  ['an exact version that was removed', '1.1.1', false, ['1.1.1']],
  ['an exact version written with = or v', '=1.1.1', false, ['1.1.1']],
  ['v-prefixed', 'v2.0.0', false, ['2.0.0']],
  ['an exact version that still exists', '1.1.0', false, []],
  ['an exact version that never existed', '1.9.9', false, []],
  ['a range nothing left satisfies, but removed releases did', '^2.0.0', true, ['2.0.0']],
  ['a range that still resolves is not about removed releases', '^1.0.0', false, []],
  ['a range the resolver could not satisfy and no removed release fits', '^3.0.0', true, []],
];

for (const [name, spec, failed, expected] of UNPUBLISHED) {
  test(`unpublished: ${name}`, () => {
    const summary = summarizePackument(LEFTPAD, 'pad');
    assert.ok(summary.ok);
    assert.deepEqual(requestedUnpublished(summary.summary, spec, failed), expected);
  });
}

test('unpublished through analyze: an error with the pin, checked before resolution; a replay cannot date removals', async () => {
  const result = await run(memoryRegistry(LEFTPAD), { pad: '1.1.1' });
  const key = pkgJson({ pad: '1.1.1' }).indexOf('"pad"');
  assert.deepEqual(
    result.findings.map((f) => ({ ...f, message: '' })),
    [
      {
        file: 'package.json',
        range: { start: key, end: key + 5 },
        package: 'pad',
        spec: '1.1.1',
        version: '1.1.1',
        signal: 'unpublished',
        severity: 'error',
        message: '',
        evidence: { version: '1.1.1', requested: '1.1.1', unpublished: ['1.1.1'], latest: '1.1.0', modified: at(320) },
        fix: {
          pin: '1.1.0',
          reason:
            '1.1.0 (published 2024-01-21 by alice) is the newest earlier release that is past the 3-day cooldown, comes from an account that had ' +
            'published this package before, and raises no error-level warning. It is outside "1.1.1": change the range when you pin it.',
        },
      },
    ],
  );
  assert.match(result.findings[0]?.message ?? '', /^pad@1\.1\.1 was published and has since been removed from the registry: .* Pin 1\.1\.0 \(published 2024-01-21\) instead\.$/);
  const replay = await run(memoryRegistry(LEFTPAD), { pad: '1.1.1' }, { asOf: new Date(at(350)) });
  assert.deepEqual(replay.findings.map((f) => f.signal), ['unresolved-version']);
});

/** The private copy: 1.4.2 with integrity sha-private. */
const PRIVATE = summaryOf('@corp/ui', [
  { version: '1.4.1', at: at(100), by: 'corp-ci', integrity: 'sha512-p1' },
  { version: '1.4.2', at: at(200), by: 'corp-ci', integrity: 'sha512-p2' },
]);
const shadow = (releases: Release[]): PackageSummary => summaryOf('@corp/ui', releases);

const SHADOWING: Array<[string, PackageSummary | undefined, 'error' | 'warning' | undefined]> = [
  ['a higher public version is an error', shadow([{ version: '99.0.0', at: at(300), by: 'mallory' }]), 'error'],
  ['a lower public version is a warning', shadow([{ version: '0.0.1', at: at(300), by: 'squatter' }]), 'warning'],
  ['a mirror of the same release is nothing', shadow([{ version: '1.4.2', at: at(200), by: 'corp-ci', integrity: 'sha512-p2' }]), undefined],
  ['the same version with other contents is a warning', shadow([{ version: '1.4.2', at: at(250), by: 'mallory', integrity: 'sha512-evil' }]), 'warning'],
  ['no public package is nothing', undefined, undefined],
];

for (const [name, publicSummary, severity] of SHADOWING) {
  test(`registry-shadowing: ${name}`, () => {
    const hit = registryShadowing({ summary: PRIVATE, resolved: '1.4.2', registry: 'https://npm.corp.example/', publicRegistry: 'https://registry.example/', publicSummary });
    assert.equal(hit?.severity, severity);
  });
}

test('registry-shadowing: exact evidence and message', () => {
  const hit = registryShadowing({
    summary: PRIVATE,
    resolved: '1.4.2',
    registry: 'https://npm.corp.example/',
    publicRegistry: 'https://registry.example/',
    publicSummary: shadow([{ version: '99.0.0', at: at(300), by: 'mallory' }]),
  });
  assert.deepEqual(hit?.evidence, {
    version: '1.4.2',
    registry: 'https://npm.corp.example/',
    publicRegistry: 'https://registry.example/',
    privateHighest: '1.4.2',
    publicHighest: '99.0.0',
    publicLatest: '99.0.0',
    publicVersions: 1,
    publicCreated: at(300),
    publicPublishers: ['mallory'],
    sameVersionDiffers: false,
  });
  assert.equal(
    hit?.message,
    '@corp/ui comes from https://npm.corp.example/, but https://registry.example/ also has a package of that name, up to 99.0.0 (published ' +
      '2024-10-27 by mallory). That is higher than anything https://npm.corp.example/ has (1.4.2): a machine without your registry routing, or ' +
      'a registry that merges both, installs it. Its publishers there: mallory. This is dependency confusion. Claim the name (or scope) on ' +
      'https://registry.example/ if it is yours, route its scope explicitly, and install from a lockfile with integrity hashes.',
  );
});

/** A public registry over packuments, routing @corp/* elsewhere, recording what it is asked. */
function publicRegistry(docs: Record<string, unknown>[], fail = false): PublicRegistry & { asked: string[] } {
  const inner = memoryRegistry(...docs);
  const asked: string[] = [];
  return {
    url: 'https://registry.example/',
    asked,
    privateSourceOf: (name) => (name.startsWith('@corp/') ? 'https://npm.corp.example/' : undefined),
    async getPackument(name): Promise<RegistryResult> {
      asked.push(name);
      if (fail) return { ok: false, error: { kind: 'network', message: 'unreachable' } };
      return inner.getPackument(name);
    },
  };
}

const PRIVATE_DOC = packument('@corp/ui', [
  { version: '1.4.1', at: at(100), by: 'corp-ci', integrity: 'sha512-p1' },
  { version: '1.4.2', at: at(200), by: 'corp-ci', integrity: 'sha512-p2' },
]);
const PUBLIC_DOC = packument('@corp/ui', [{ version: '99.0.0', at: at(300), by: 'mallory' }]);
const OTHER = packument('ms', [{ version: '2.1.3', at: at(0), by: 'a' }]);

test('registry-shadowing through analyze: only privately routed packages are asked, once, as of the replay instant', async () => {
  const pub = publicRegistry([PUBLIC_DOC]);
  const result = await run(memoryRegistry(PRIVATE_DOC, OTHER), { '@corp/ui': '^1.4.0', ms: '^2.0.0' }, { publicRegistry: pub });
  assert.deepEqual(pub.asked, ['@corp/ui']);
  assert.deepEqual(result.findings.map((f) => [f.package, f.signal, f.severity, f.version, f.fix]), [['@corp/ui', 'registry-shadowing', 'error', '1.4.2', undefined]]);
  assert.deepEqual(result.notes, []);
  const before = await run(memoryRegistry(PRIVATE_DOC, OTHER), { '@corp/ui': '^1.4.0' }, { publicRegistry: publicRegistry([PUBLIC_DOC]), asOf: new Date(at(250)) });
  assert.deepEqual(before.findings, [], 'the public package did not exist yet');
});

test('registry-shadowing through analyze: a public registry that cannot be asked is one note, not an error', async () => {
  const result = await run(memoryRegistry(PRIVATE_DOC), { '@corp/ui': '^1.4.0' }, { publicRegistry: publicRegistry([], true) });
  assert.deepEqual([result.findings, result.errors], [[], []]);
  assert.deepEqual(result.notes, [
    {
      code: 'shadowing-unavailable',
      message: 'https://registry.example/ could not be asked about 1 package from other registries (@corp/ui): whether the public registry shadows them was not checked.',
    },
  ]);
});
