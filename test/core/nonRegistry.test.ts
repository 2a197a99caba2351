/**
 * analyze() on specs that are not registry ranges: each is named for what it is, with the right
 * severity, on the key, and never looked up on the registry. Aliases look up their target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type AnalysisResult } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Severity } from '../../server/src/core/finding';
import type { SpecKind } from '../../server/src/core/spec';
import { at, memoryRegistry, packument } from '../helpers/coreBuilders';
import type { FileRegistry } from '../helpers/fileRegistry';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

async function run(dependencies: Record<string, string>, registry: FileRegistry = memoryRegistry()): Promise<{ text: string; result: AnalysisResult }> {
  const text = JSON.stringify({ name: 'app', dependencies }, null, 2);
  const result = await analyze({ files: [{ path: 'package.json', text }] }, { registry, now: new Date(at(400)), config: DEFAULT_CONFIG });
  return { text, result };
}

/** [spec, source kind, severity, a phrase of the message]. */
const SOURCES: Array<[string, SpecKind, Severity, string]> = [
  ['git+https://github.com/u/r.git', 'git', 'warning', 'is installed from a git repository, not from the registry'],
  ['git+ssh://git@github.com/u/r.git#main', 'git', 'warning', 'what you get can change at any time without a version change'],
  [`git+ssh://git@github.com/u/r.git#${COMMIT}`, 'git', 'information', 'although it is pinned to a commit, nobody reviewed that commit as a release'],
  ['github:u/r', 'git', 'warning', 'is installed from a git repository'],
  ['u/r', 'github', 'warning', 'is installed from a GitHub repository'],
  [`u/r#${COMMIT}`, 'github', 'information', 'pinned to a commit'],
  ['https://example.com/dep-1.0.0.tgz', 'tarball-url', 'warning', 'is installed from a tarball URL'],
  ['file:../dep', 'file', 'hint', 'comes from a local path; Vigil does not check local code.'],
  ['./vendor/dep-1.0.0.tgz', 'file', 'hint', 'comes from a local path'],
  ['link:../dep', 'link', 'hint', 'comes from a symlinked local folder'],
  ['workspace:*', 'workspace', 'hint', 'comes from a workspace package'],
  ['portal:../dep', 'other', 'information', 'uses a spec that is not a registry range (a package-manager protocol); Vigil cannot check it.'],
  ['npm:Not Valid', 'other', 'information', 'uses a spec that is not a registry range (an npm: alias with an invalid target name)'],
];

for (const [spec, source, severity, phrase] of SOURCES) {
  test(`non-registry source ${JSON.stringify(spec)}: ${severity}, never looked up`, async () => {
    const registry = memoryRegistry();
    const { text, result } = await run({ dep: spec }, registry);
    assert.deepEqual(registry.asked, []);
    assert.deepEqual(result.errors, []);
    assert.equal(result.findings.length, 1);
    const [finding] = result.findings;
    assert.ok(finding);
    assert.deepEqual(
      { ...finding, message: undefined },
      { file: 'package.json', range: finding.range, package: 'dep', spec, signal: 'non-registry-source', severity, message: undefined, evidence: { source, section: 'dependencies' } },
    );
    assert.equal(text.slice(finding.range.start, finding.range.end), '"dep"');
    assert.ok(finding.message.startsWith('dep '), finding.message);
    assert.ok(finding.message.includes(phrase), finding.message);
    assert.deepEqual(result.dependencies.map((d) => [d.name, d.kind, d.status]), [['dep', source, 'not-registry']]);
  });
}

test('a token inside a git URL never reaches the message', async () => {
  const { result } = await run({ dep: 'git+https://user:ghp_SECRETSECRET@github.com/u/r.git' });
  assert.equal(result.findings.length, 1);
  assert.ok(!result.findings[0]?.message.includes('ghp_SECRET'));
});

test('only registry specs are looked up, once each, beside the others', async () => {
  const registry = memoryRegistry(
    packument('left', [{ version: '1.0.0', at: at(0), by: 'a' }]),
    packument('right', [{ version: '2.0.0', at: at(0), by: 'b' }]),
  );
  const { result } = await run({ left: '^1.0.0', g: 'github:u/r', f: 'file:x', right: '2.0.0', w: 'workspace:^' }, registry);
  assert.deepEqual([...registry.asked].sort(), ['left', 'right']);
  assert.deepEqual(
    result.dependencies.map((d) => [d.name, d.status, d.version ?? null]),
    [['left', 'checked', '1.0.0'], ['g', 'not-registry', null], ['f', 'not-registry', null], ['right', 'checked', '2.0.0'], ['w', 'not-registry', null]],
  );
});

const ALIASES: Array<[string, string, string, string]> = [
  // [key, spec, package asked, version resolved]
  ['my-ms', 'npm:ms@^1.0.0', 'ms', '1.2.0'],
  ['ms-latest', 'npm:ms', 'ms', '2.0.0'],
  ['scoped', 'npm:@babel/helper@~7.1.0', '@babel/helper', '7.1.2'],
];

for (const [key, spec, asked, version] of ALIASES) {
  test(`alias ${key}: ${spec} asks ${asked} and resolves ${version}`, async () => {
    const registry = memoryRegistry(
      packument('ms', [{ version: '1.2.0', at: at(0), by: 'leo' }, { version: '2.0.0', at: at(10), by: 'leo' }]),
      packument('@babel/helper', [{ version: '7.1.2', at: at(0), by: 'hz' }, { version: '7.2.0', at: at(10), by: 'hz' }]),
    );
    const { result } = await run({ [key]: spec }, registry);
    assert.deepEqual(registry.asked, [asked]);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(
      result.dependencies.map((d) => [d.name, d.package, d.kind, d.status, d.version]),
      [[key, asked, 'registry', 'checked', version]],
    );
  });
}

test('a finding on an alias names the real package, keeps the written spec, and pins inside the alias range', async () => {
  const registry = memoryRegistry(
    packument('ms', [
      { version: '1.0.0', at: at(0), by: 'leo' },
      { version: '1.1.0', at: at(10), by: 'leo' },
      { version: '1.2.0', at: at(20), by: 'leo', scripts: { postinstall: 'node x.js' } },
    ]),
  );
  const { result } = await run({ 'my-ms': 'npm:ms@^1.0.0' }, registry);
  assert.deepEqual(
    result.findings.map((f) => [f.package, f.spec, f.version, f.signal, f.fix?.pin]),
    [['ms', 'npm:ms@^1.0.0', '1.2.0', 'install-script-added', '1.1.0']],
  );
  assert.ok(result.findings[0]?.fix?.reason.includes('the newest release in "^1.0.0"'));
});
