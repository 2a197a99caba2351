/**
 * The README ships inside the .vsix, where vsce refuses relative links (there is no repository URL to
 * resolve them against): `npm run package` would fail. Links must be anchors or absolute URLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test('README links are anchors or absolute URLs, so the .vsix can be packaged', () => {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
  const relative = links.filter((href) => !href.startsWith('#') && !/^[a-z]+:\/\//i.test(href) && !href.startsWith('mailto:'));
  assert.deepEqual(relative, []);
});
