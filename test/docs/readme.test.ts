/**
 * The README ships inside the .vsix, where vsce refuses relative links (there is no repository URL to
 * resolve them against): `npm run package` would fail. Links must be anchors or absolute URLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_ENVIRONMENT, serverEnvironment } from '../../server/src/protocol';

const ROOT = join(__dirname, '..', '..', '..');

test('README links are anchors or absolute URLs, so the .vsix can be packaged', () => {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
  const relative = links.filter((href) => !href.startsWith('#') && !/^[a-z]+:\/\//i.test(href) && !href.startsWith('mailto:'));
  assert.deepEqual(relative, []);
});

test('the environment the server is started with is the same in the client, the README, the Neovim test and the bench', async () => {
  const bench = (await import(pathToFileURL(join(ROOT, 'bench', 'languageServer.mjs')).href)) as { SERVER_ENVIRONMENT: Record<string, string> };
  assert.deepEqual(bench.SERVER_ENVIRONMENT, { ...SERVER_ENVIRONMENT });
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const neovim = readFileSync(join(ROOT, 'test', 'lsp', 'neovim.test.ts'), 'utf8');
  assert.ok(readme.includes("cmd = { 'node', '/path/to/vigil/dist/server.js', '--stdio' }"), 'Neovim example');
  assert.ok(readme.includes('args = ["/path/to/vigil/dist/server.js", "--stdio"]'), 'Helix example');
  for (const [name, value] of Object.entries(SERVER_ENVIRONMENT)) {
    assert.ok(readme.includes(`cmd_env = { ${name} = '${value}' }`), `Neovim example: ${name}`);
    assert.ok(readme.includes(`environment = { ${name} = "${value}" }`), `Helix example: ${name}`);
    assert.ok(readme.includes(`\`${name}=${value}\``), `prose: ${name}`);
    assert.ok(neovim.includes(`cmd_env = { ${name} = '${value}' }`), `Neovim test: ${name}`);
  }
  const client = readFileSync(join(ROOT, 'client', 'src', 'client.ts'), 'utf8');
  assert.match(client, /run: \{ module, transport: TransportKind\.ipc, options: \{ env \} \}/);
  assert.match(client, /execArgv: \['--nolazy', '--inspect=6009'\], env \}/);
  assert.match(client, /const env = serverEnvironment\(process\.env\);/);
});

test("the server's environment adds only what the user's does not set already", () => {
  const table: Array<[Record<string, string | undefined>, Record<string, string>]> = [
    [{}, { MALLOC_ARENA_MAX: '2' }],
    [{ PATH: '/usr/bin' }, { MALLOC_ARENA_MAX: '2' }],
    [{ MALLOC_ARENA_MAX: '8' }, {}],
    [{ MALLOC_ARENA_MAX: '' }, {}],
  ];
  for (const [current, added] of table) assert.deepEqual(serverEnvironment(current), added, JSON.stringify(current));
});
