/**
 * Hovers in process: the core's card on a package.json key or spec and on a lockfile entry, from the
 * published analysis and what the registry holds in memory; nothing for a document that moved on since
 * its analysis; "loading" (and a background fetch, no wait) when memory does not hold the package.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MarkupKind, type Hover } from 'vscode-languageserver';
import { hover, packageCard } from '../../server/src/lsp/hover';
import { harness, positionOf } from './featureHarness';
import { lockfile } from './lockfileTexts';

const MANIFEST = '{\n  "name": "victim",\n  "dependencies": {\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';
/** `"ua-parser-js"` (quotes included) in MANIFEST: line 3, characters 4 to 18; its spec: 20 to 29. */
const KEY_RANGE = { start: { line: 3, character: 4 }, end: { line: 3, character: 18 } };
const SPEC_RANGE = { start: { line: 3, character: 20 }, end: { line: 3, character: 29 } };

function markdown(result: Hover | null): string {
  assert.ok(result, 'a hover');
  const contents = result.contents as { kind: string; value: string };
  assert.equal(contents.kind, MarkupKind.Markdown);
  return contents.value;
}

describe('hover', () => {
  it('shows the card on a dependency key: version, publisher, findings, pin, maintainers, releases', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const result = hover(h.context, { textDocument: { uri }, position: positionOf(MANIFEST, '"ua-parser-js"', 3) });
    const card = markdown(result);
    assert.deepEqual(result?.range, KEY_RANGE);
    assert.match(card, /^\*\*ua-parser-js\\@0\.7\.23\*\* · published 1 hour ago by faisalman/);
    assert.match(card, /\*\*install-script-added\*\*.*preinstall/);
    assert.match(card, /\*\*Suggested pin:\*\* 0\.7\.22/);
    assert.match(card, /\| \*\*faisalman\*\* \|/);
    assert.match(card, /\| \*\*0\.7\.23\*\* \| \*\*2020-09-30\*\* \|/);
    // The public registry: npm's page is linked.
    assert.match(card, /\[npm\]\(https:\/\/www\.npmjs\.com\/package\/ua-parser-js\)/);
  });

  it('answers on the spec too, with the spec\'s range', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const result = hover(h.context, { textDocument: { uri }, position: positionOf(MANIFEST, '"^0.7.22"', 2) });
    assert.deepEqual(result?.range, SPEC_RANGE);
    assert.match(markdown(result), /install-script-added/);
  });

  it('shows the registry as of the replayed instant: nothing published later', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    const card = markdown(hover(h.context, { textDocument: { uri }, position: positionOf(MANIFEST, '"ua-parser-js"') }));
    // The recorded history goes on past 2020 (0.7.24 and later); the card replays 2020-09-30.
    assert.doesNotMatch(card, /0\.7\.24|0\.7\.28/);
    assert.match(card, /Published after it: 0\.8\.0, 1\.0\.0\./);
  });

  it('says nothing off a dependency, and nothing about a document that changed since its analysis', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    assert.equal(hover(h.context, { textDocument: { uri }, position: positionOf(MANIFEST, '"victim"') }), null);
    h.edit(uri, MANIFEST.replace('^0.7.22', '^0.7.2'));
    assert.equal(hover(h.context, { textDocument: { uri }, position: positionOf(MANIFEST, '"ua-parser-js"') }), null);
  });

  it('says "loading" when memory lacks the package, without waiting, and fetches it for the next hover', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    h.registry.memory.delete('ua-parser-js');
    const requests = h.registry.stats.requests;
    const params = { textDocument: { uri }, position: positionOf(MANIFEST, '"ua-parser-js"') };
    assert.equal(markdown(hover(h.context, params)), 'ua-parser-js — loading registry data…');
    const fetching = h.registry.inflight.get('ua-parser-js');
    assert.ok(fetching, 'the hover started one fetch in the background');
    assert.equal(h.registry.stats.requests, requests + 1);
    // A second hover meanwhile joins that fetch instead of starting another.
    assert.equal(markdown(hover(h.context, params)), 'ua-parser-js — loading registry data…');
    assert.equal(h.registry.stats.requests, requests + 1);
    await fetching;
    assert.match(markdown(hover(h.context, params)), /\*\*Maintainers\*\*/);
  });

  it('shows the card on a lockfile entry key', async () => {
    const h = harness({ disk: { 'package.json': '{\n  "name": "victim",\n  "dependencies": {\n    "ms": "^2.1.1"\n  }\n}\n' } });
    const text = lockfile('0.7.23');
    const uri = await h.open('package-lock.json', text);
    const result = hover(h.context, { textDocument: { uri }, position: positionOf(text, '"node_modules/ua-parser-js"', 5) });
    const card = markdown(result);
    assert.equal(result?.range?.start.line, positionOf(text, '"node_modules/ua-parser-js"').line);
    assert.match(card, /entry in package-lock\.json/);
    assert.match(card, /install-script-added/);
  });

  it('vigil/packageCard waits for the registry when memory lacks the package', async () => {
    const h = harness();
    const uri = await h.open('package.json', MANIFEST);
    h.registry.memory.delete('ua-parser-js');
    const card = await packageCard(h.context, { uri, name: 'ua-parser-js', section: 'dependencies' });
    assert.equal(card?.title, 'ua-parser-js@0.7.23 — maintainers and releases');
    assert.match(card?.markdown ?? '', /\*\*Maintainers\*\*/);
    assert.equal(await packageCard(h.context, { uri, name: 'left-pad', section: 'dependencies' }), null);
  });
});
