/**
 * typosquat findings: severity from what the registry knows (young or without history: error;
 * established: information; a 404 or an unreachable registry: still a warning), exact evidence, the fix
 * that offers the intended package, and the analysis running it for every declared registry dependency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisDeps } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Finding } from '../../server/src/core/finding';
import type { Registry, RegistryResult } from '../../server/src/core/registry/types';
import { HighImpactIndex } from '../../server/src/core/similar/highImpact';
import { at, memoryRegistry, packument, type Release } from '../helpers/coreBuilders';

const NOW = new Date(at(800));
const INDEX = new HighImpactIndex(['lodash', 'react', 'cross-env', '@types/node']);

const pkgJson = (dependencies: Record<string, string>): string => JSON.stringify({ dependencies }, null, 2);
const keyRange = (text: string, name: string): { start: number; end: number } => {
  const start = text.indexOf(`"${name}"`);
  return { start, end: start + name.length + 2 };
};

function deps(registry: Registry, extra: Partial<AnalysisDeps> = {}): AnalysisDeps {
  return { registry, now: NOW, config: DEFAULT_CONFIG, highImpact: INDEX, ...extra };
}

const squats = (findings: Finding[]): Finding[] => findings.filter((f) => f.signal === 'typosquat');
const releases = (days: number[], by: string | ((i: number) => string)): Release[] =>
  days.map((day, i) => ({ version: `1.0.${i}`, at: at(day), by: typeof by === 'string' ? by : by(i) }));

interface Case {
  name: string;
  /** Releases of "lodahs"; undefined: the registry has no such package (404). */
  releases?: Release[];
  severity: Finding['severity'];
  evidence: Record<string, unknown>;
  says: string;
}

const CASES: Case[] = [
  {
    name: 'young: created 5 days ago → error',
    releases: releases([795, 796, 797], (i) => ['x', 'y', 'z'][i] as string),
    severity: 'error',
    evidence: { exists: true, created: at(795), ageDays: 5, versions: 3, publishers: ['x', 'y', 'z'] },
    says: 'It was created 5 days ago (2026-03-06): squats appear shortly before they are used.',
  },
  {
    name: 'no history: two releases, one account, long ago → error',
    releases: releases([100, 101], 'squatter'),
    severity: 'error',
    evidence: { exists: true, created: at(100), ageDays: 700, versions: 2, publishers: ['squatter'] },
    says: 'It has no history of its own: 2 releases, all by squatter, since 2024-04-10.',
  },
  {
    name: 'established: years old with many releases → information',
    releases: releases([0, 100, 200, 300, 400, 500], 'author'),
    severity: 'information',
    evidence: { exists: true, created: at(0), ageDays: 800, versions: 6, publishers: ['author'] },
    says: 'It has been published since 2024-01-01 with 6 releases, so it is probably a separate project',
  },
  {
    name: 'between: a few months old with three releases by two accounts → warning',
    releases: releases([700, 710, 720], (i) => (i === 0 ? 'a' : 'b')),
    severity: 'warning',
    evidence: { exists: true, created: at(700), ageDays: 100, versions: 3, publishers: ['a', 'b'] },
    says: 'It was created on 2025-12-01 and has 3 releases.',
  },
  {
    name: 'a 404 is still a typosquat (anyone can claim the name) → warning',
    severity: 'warning',
    evidence: { exists: false, created: null, ageDays: null, versions: null, publishers: [] },
    says: 'It does not exist on the registry, so installing it fails today, and anyone can publish it tomorrow.',
  },
];

for (const c of CASES) {
  test(`typosquat: ${c.name}`, async () => {
    const text = pkgJson({ lodahs: '^1.0.0' });
    const registry = c.releases ? memoryRegistry(packument('lodahs', c.releases)) : memoryRegistry();
    const [finding, ...rest] = squats((await analyze({ files: [{ path: 'package.json', text }] }, deps(registry))).findings);
    assert.equal(rest.length, 0);
    assert.ok(finding);
    assert.equal(finding.severity, c.severity);
    assert.deepEqual(finding.evidence, { intended: 'lodash', technique: 'edit', distance: 1, intendedRank: 0, ...c.evidence });
    assert.ok(finding.message.startsWith('lodahs is one typo (a changed, missing, extra or swapped letter) away from lodash, a high-impact package. '), finding.message);
    assert.ok(finding.message.includes(c.says), `${finding.message}\n  lacks: ${c.says}`);
    assert.ok(finding.message.endsWith('Did you mean lodash?'));
    assert.deepEqual(finding.range, keyRange(text, 'lodahs'));
    assert.deepEqual(finding.fix, {
      pin: '^1.0.0',
      replaceWith: 'lodash',
      reason: "Depend on lodash@^1.0.0 instead of lodahs: lodash is among npm's most depended-upon and downloaded packages, and lodahs only looks like it.",
    });
  });
}

test('typosquat: an unreachable registry leaves the name check standing, with existence unknown', async () => {
  const down: Registry = { getPackument: async (): Promise<RegistryResult> => ({ ok: false, error: { kind: 'network', message: 'ECONNREFUSED' } }) };
  const text = pkgJson({ crossenv: '7.0.3' });
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(down));
  assert.deepEqual(
    squats(result.findings).map((f) => [f.package, f.severity, f.evidence.technique, f.evidence.exists, f.message]),
    [['crossenv', 'warning', 'separators', null, 'crossenv is spelled like cross-env except for case or separators (- _ . or none), a high-impact package. The registry could not say what it is. Did you mean cross-env?']],
  );
  assert.equal(result.errors.length, 1, 'the lookup failure is still an error');
});

test('typosquat: an npm: alias is judged by the package it installs, and the fix keeps the alias range', async () => {
  const text = pkgJson({ react: 'npm:raect@^1.0.0', 'my-lodash': 'npm:lodash@^4.0.0' });
  const registry = memoryRegistry(packument('raect', releases([799], 'x')), packument('lodash', releases([0, 10, 20], 'jd')));
  const found = squats((await analyze({ files: [{ path: 'package.json', text }] }, deps(registry))).findings);
  assert.deepEqual(
    found.map((f) => [f.package, f.spec, f.severity, f.version, f.fix?.replaceWith, f.fix?.pin]),
    [['raect', 'npm:raect@^1.0.0', 'error', '1.0.0', 'react', '^1.0.0']],
  );
});

test('typosquat: listed packages, owned scopes, git and local sources, and an analysis without the list say nothing', async () => {
  const text = pkgJson({ lodash: '^4.0.0', '@types/nodee': '^1.0.0', raect: 'github:someone/raect', lodahs: 'file:../lodahs' });
  const registry = memoryRegistry(packument('lodash', releases([0, 10, 20], 'jd')));
  const withList = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry));
  assert.deepEqual(squats(withList.findings), []);
  const withoutList = await analyze({ files: [{ path: 'package.json', text: pkgJson({ lodahs: '^1.0.0' }) }] }, deps(memoryRegistry(), { highImpact: undefined }));
  assert.deepEqual(squats(withoutList.findings), []);
});

test('typosquat: in a replay, a package first published after the instant did not exist yet', async () => {
  const text = pkgJson({ 'types-node': '^1.0.0' });
  const registry = memoryRegistry(packument('types-node', releases([500, 510, 520], 'x')));
  const result = await analyze({ files: [{ path: 'package.json', text }] }, deps(registry, { asOf: new Date(at(300)) }));
  assert.deepEqual(
    squats(result.findings).map((f) => [f.severity, f.evidence.intended, f.evidence.technique, f.evidence.exists, f.evidence.versions]),
    [['warning', '@types/node', 'scope', false, null]],
  );
});
