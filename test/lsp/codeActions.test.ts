/**
 * Code actions in process, from the published analysis: each edit applied gives the exact text wanted
 * and is versioned with the document version it was computed for; a document that moved on gets none.
 * Overrides go into the package.json beside the lockfile, in the section of the manager whose lockfile is
 * there; suppressions are asked for with a reason and come back as an edit that parses back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { parsePolicyFile } from '../../server/src/core/parse/policyFile';
import { codeActions, PIN_ALL_KIND } from '../../server/src/lsp/codeActions';
import { toDiagnostics } from '../../server/src/lsp/convert';
import { suppressionEdit } from '../../server/src/lsp/suppress';
import { COMMANDS, type RunInstallArgs, type SuppressArgs } from '../../server/src/protocol';
import { applyTo, harness, positionOf, uri as uriOf } from './featureHarness';
import { lockfile, MANIFEST_WITH_MS, pnpmLock, yarnLock } from './lockfileTexts';

const MANIFEST = '{\n  "name": "victim",\n  "dependencies": {\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';
const THREE_PINS = '{\n  "dependencies": {\n    "ms": "^2.1.1",\n    "ua-parser-js": "^0.7.22",\n    "ua": "npm:ua-parser-js@^0.7.22"\n  }\n}\n';

function at(uri: string, text: string, needle: string, diagnostics: Diagnostic[] = [], only?: string[]): CodeActionParams {
  const position = positionOf(text, needle);
  return { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics, ...(only && { only }) } };
}

function titled(actions: CodeAction[], title: string): CodeAction {
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `"${title}" in ${JSON.stringify(actions.map((a) => a.title))}`);
  return action;
}

describe('code actions: package.json', () => {
  it('pins the dependency to the finding\'s pin, preferred, tied to its diagnostic, versioned', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST, 7);
    const analysis = h.validator.latest(uri);
    assert.ok(analysis);
    const diagnostics = toDiagnostics(MANIFEST, analysis.result.findings, []);
    const actions = await codeActions(h.context, at(uri, MANIFEST, '"ua-parser-js"', diagnostics));
    const pin = titled(actions, 'Pin ua-parser-js to 0.7.22');
    assert.equal(pin.kind, CodeActionKind.QuickFix);
    assert.equal(pin.isPreferred, true);
    assert.deepEqual(pin.diagnostics?.map((d) => d.code), ['install-script-added']);
    const pinned = applyTo(pin.edit, uri, MANIFEST, 7);
    assert.equal(pinned, MANIFEST.replace('"^0.7.22"', '"0.7.22"'));
    assert.equal(parse(pinned).dependencies['ua-parser-js'], '0.7.22');
  });

  it('offers nothing once the document moved on, and the edit it offered before is for the old version', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const before = titled(await codeActions(h.context, at(uri, MANIFEST, '"ua-parser-js"')), 'Pin ua-parser-js to 0.7.22');
    h.edit(uri, MANIFEST.replace('"name": "victim"', '"name": "victim2"'));
    assert.deepEqual(await codeActions(h.context, at(uri, MANIFEST, '"ua-parser-js"')), []);
    // The editor (VS Code, like any client honouring versioned edits) rejects it: version 1 is gone.
    applyTo(before.edit, uri, MANIFEST, 1);
    assert.equal(h.context.openVersion(uri), 2);
  });

  it('pins every flagged dependency at once (an npm: alias keeps its target), as a quick fix and a source action', async () => {
    const h = harness();
    const uri = await h.open('package.json', THREE_PINS);
    const all = titled(await codeActions(h.context, at(uri, THREE_PINS, '"ms"')), 'Pin all flagged dependencies (3)');
    assert.equal(all.kind, CodeActionKind.QuickFix);
    const pinned = parse(applyTo(all.edit, uri, THREE_PINS, 1)) as { dependencies: Record<string, string> };
    assert.deepEqual(pinned.dependencies, { ms: '2.1.1', 'ua-parser-js': '0.7.22', ua: 'npm:ua-parser-js@0.7.22' });
    // Asked for source actions only (the Source Action menu), it is the one answer, wherever the cursor is.
    const source = await codeActions(h.context, at(uri, THREE_PINS, '"dependencies"', [], [CodeActionKind.Source]));
    assert.deepEqual(source.map((a) => [a.title, a.kind]), [['Pin all flagged dependencies (3)', PIN_ALL_KIND]]);
    // One flagged dependency is not "all": no such action.
    const single = harness();
    const one = await single.open('package.json', MANIFEST);
    assert.ok(!(await codeActions(single.context, at(one, MANIFEST, '"ua-parser-js"'))).some((a) => a.title.startsWith('Pin all')));
  });

  it('replaces a typosquat with the package it imitates, keeping the range', async () => {
    const h = harness();
    const text = '{\n  "dependencies": {\n    "lodahs": "^1.0.0"\n  }\n}\n';
    const uri = await h.open('package.json', text);
    const actions = await codeActions(h.context, at(uri, text, '"lodahs"'));
    const replace = titled(actions, 'Replace lodahs with lodash');
    assert.equal(replace.isPreferred, true);
    assert.equal(applyTo(replace.edit, uri, text, 1), text.replace('"lodahs"', '"lodash"'));
    assert.ok(!actions.some((a) => a.title.startsWith('Pin lodahs')), 'the range is not a pin');
  });

  it('overrides each risky package risky-transitive names, in the package.json itself, then offers npm install', async () => {
    const h = harness({ disk: { 'package-lock.json': lockfile('0.7.23') } });
    const uri = await h.open('package.json', MANIFEST_WITH_MS, 3);
    const actions = await codeActions(h.context, at(uri, MANIFEST_WITH_MS, '"ms"'));
    const override = titled(actions, 'Override ua-parser-js to 0.7.22 (npm overrides)');
    const written = parse(applyTo(override.edit, uri, MANIFEST_WITH_MS, 3)) as { overrides: Record<string, string> };
    assert.deepEqual(written.overrides, { 'ua-parser-js': '0.7.22' });
    assert.equal(override.command?.command, COMMANDS.runInstall);
    assert.deepEqual(override.command?.arguments, [{ folder: uriOf(), manager: 'npm' } satisfies RunInstallArgs]);
  });

  it('links the package\'s npm page (public registry only) and its maintainer history', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const actions = await codeActions(h.context, at(uri, MANIFEST, '"^0.7.22"'));
    assert.deepEqual(titled(actions, 'Open ua-parser-js on npm').command?.arguments, [{ url: 'https://www.npmjs.com/package/ua-parser-js' }]);
    assert.deepEqual(titled(actions, 'Show maintainer history of ua-parser-js').command?.arguments, [{ uri, name: 'ua-parser-js', section: 'dependencies', version: '0.7.23' }]);
    const internal = harness({ registryUrl: 'https://npm.internal.example/' });
    const other = await internal.open('package.json', MANIFEST);
    const titles = (await codeActions(internal.context, at(other, MANIFEST, '"^0.7.22"'))).map((a) => a.title);
    assert.ok(!titles.includes('Open ua-parser-js on npm'), 'the same name on npmjs.com may be someone else\'s');
    assert.ok(titles.includes('Show maintainer history of ua-parser-js'));
  });
});

describe('code actions: lockfiles', () => {
  const cases = [
    { lockName: 'package-lock.json', text: lockfile('0.7.23'), title: 'Override ua-parser-js to 0.7.22 (npm overrides)', path: ['overrides', 'ua-parser-js'], manager: 'npm' },
    { lockName: 'yarn.lock', text: yarnLock('0.7.23'), title: 'Override ua-parser-js to 0.7.22 (Yarn resolutions)', path: ['resolutions', 'ua-parser-js'], manager: 'yarn' },
    { lockName: 'pnpm-lock.yaml', text: pnpmLock('0.7.23'), title: 'Override ua-parser-js to 0.7.22 (pnpm.overrides)', path: ['pnpm', 'overrides', 'ua-parser-js'], manager: 'pnpm' },
  ];
  for (const c of cases) {
    it(`${c.lockName}: overrides the entry in the package.json beside it, for ${c.manager}`, async () => {
      const h = harness({ disk: { 'package.json': MANIFEST_WITH_MS } });
      const lockUri = await h.open(c.lockName, c.text);
      const needle = c.lockName === 'package-lock.json' ? '"node_modules/ua-parser-js"' : c.lockName === 'yarn.lock' ? 'ua-parser-js@^0.7.22:' : 'ua-parser-js@0.7.23:\n    resolution';
      const actions = await codeActions(h.context, at(lockUri, c.text, needle));
      const override = titled(actions, c.title);
      // package.json is not open: the edit is against the disk's text (no version to check).
      let value: unknown = parse(applyTo(override.edit, uriOf('package.json'), MANIFEST_WITH_MS, null));
      for (const key of c.path) value = (value as Record<string, unknown>)[key];
      assert.equal(value, '0.7.22');
      assert.equal((override.command?.arguments?.[0] as RunInstallArgs).manager, c.manager);
    });
  }

  it('writes into the open package.json under its version', async () => {
    const h = harness();
    const manifestUri = await h.open('package.json', MANIFEST_WITH_MS, 4);
    const text = lockfile('0.7.23');
    const lockUri = await h.open('package-lock.json', text);
    const override = titled(await codeActions(h.context, at(lockUri, text, '"node_modules/ua-parser-js"')), 'Override ua-parser-js to 0.7.22 (npm overrides)');
    assert.deepEqual((parse(applyTo(override.edit, manifestUri, MANIFEST_WITH_MS, 4)) as { overrides: object }).overrides, { 'ua-parser-js': '0.7.22' });
  });
});

describe('suppressions', () => {
  it('offers "Suppress…" with what the client needs to ask for a reason; not in an untrusted workspace', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const suppress = titled(await codeActions(h.context, at(uri, MANIFEST, '"ua-parser-js"')), 'Suppress install-script-added for ua-parser-js@0.7.23…');
    assert.equal(suppress.command?.command, COMMANDS.suppress);
    assert.deepEqual(suppress.command?.arguments, [{ uri, signal: 'install-script-added', package: 'ua-parser-js', version: '0.7.23' } satisfies SuppressArgs]);
    const untrusted = harness({ trusted: false });
    const other = await untrusted.open('package.json', MANIFEST);
    assert.ok(!(await codeActions(untrusted.context, at(other, MANIFEST, '"ua-parser-js"'))).some((a) => a.title.startsWith('Suppress')));
  });

  it('vigil/suppressionEdit creates .vigilrc.json beside the package.json; the text parses back to the suppression', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const params = { uri, entry: 'ua-parser-js@0.7.23', signal: 'install-script-added' as const, reason: 'Reviewed the preinstall script.', expires: '2020-12-31' };
    const result = await suppressionEdit(h.context, params);
    const policyUri = uriOf('.vigilrc.json');
    const created = result.edit?.documentChanges?.[0];
    assert.deepEqual(created, { kind: 'create', uri: policyUri, options: { ignoreIfExists: true } });
    const { policy, problems } = parsePolicyFile(applyTo(result.edit, policyUri, '', null));
    assert.deepEqual(problems, []);
    assert.deepEqual(
      policy.suppressions.map((s) => [s.entry, s.signal, s.reason, s.expires]),
      [['ua-parser-js@0.7.23', 'install-script-added', 'Reviewed the preinstall script.', '2020-12-31']],
    );
  });

  it('appends to an existing .vigilrc.json, and says why when there is no edit', async () => {
    const existing = '{\n  "suppressions": [\n    { "package": "ms", "signal": "new-publisher", "reason": "Known handover." }\n  ]\n}\n';
    const h = harness({ disk: { '.vigilrc.json': existing } });
    const uri = await h.open('package.json', MANIFEST);
    const params = { uri, entry: 'ua-parser-js@0.7.23', signal: 'recent-release' as const, reason: 'Pinned by the lockfile.' };
    const result = await suppressionEdit(h.context, params);
    const text = applyTo(result.edit, uriOf('.vigilrc.json'), existing, null);
    assert.deepEqual(parsePolicyFile(text).policy.suppressions.map((s) => s.entry), ['ms', 'ua-parser-js@0.7.23']);
    assert.match((await suppressionEdit(h.context, { ...params, reason: '  ' })).message ?? '', /reason/);
    const untrusted = harness({ trusted: false });
    assert.match((await suppressionEdit(untrusted.context, params)).message ?? '', /untrusted/);
  });
});
