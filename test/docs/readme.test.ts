/**
 * The README ships inside the .vsix, where vsce refuses relative links (there is no repository URL to
 * resolve them against): `npm run package` would fail. Links must be anchors or absolute URLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_NODE_OPTIONS } from '../../server/src/protocol';

const ROOT = join(__dirname, '..', '..', '..');

test('README links are anchors or absolute URLs, so the .vsix can be packaged', () => {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
  const relative = links.filter((href) => !href.startsWith('#') && !/^[a-z]+:\/\//i.test(href) && !href.startsWith('mailto:'));
  assert.deepEqual(relative, []);
});

test('the Node options the server is started with are the same in the client, the README, the Neovim test and the bench', async () => {
  const bench = (await import(pathToFileURL(join(ROOT, 'bench', 'languageServer.mjs')).href)) as { SERVER_NODE_OPTIONS: string[] };
  assert.deepEqual(bench.SERVER_NODE_OPTIONS, [...SERVER_NODE_OPTIONS]);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const neovim = readFileSync(join(ROOT, 'test', 'lsp', 'neovim.test.ts'), 'utf8');
  for (const option of SERVER_NODE_OPTIONS) {
    assert.ok(readme.includes(`cmd = { 'node', '${option}', '/path/to/vigil/dist/server.js', '--stdio' }`), `Neovim example: ${option}`);
    assert.ok(readme.includes(`args = ["${option}", "/path/to/vigil/dist/server.js", "--stdio"]`), `Helix example: ${option}`);
    assert.ok(neovim.includes(`'${option}'`), `Neovim test: ${option}`);
  }
  assert.match(readFileSync(join(ROOT, 'client', 'src', 'client.ts'), 'utf8'), /execArgv: \[\.\.\.SERVER_NODE_OPTIONS\]/);
});
