// @vscode/test-cli configuration for the extension-host suite in ./suite (mocha, TDD interface).
// Run it with `npm run test:vscode` (test/vscode/run.mjs): that script checks VS Code can be had (cached in
// .vscode-test/ or downloadable), starts the loopback fixture registry, writes the user settings, and sets
// the VIGIL_VSCODE_* variables this file reads. `npx vscode-test --config test/vscode/.vscode-test.mjs`
// on its own would run against whatever registry npm is configured for, so it refuses to.
import { defineConfig } from '@vscode/test-cli';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { VIGIL_VSCODE_WORKSPACE: workspace, VIGIL_VSCODE_USER_DATA: userData, VIGIL_REGISTRY_URL: registry } = process.env;
if (!workspace || !userData || !registry) {
  throw new Error('run this suite with `npm run test:vscode` (it provides the fixture registry and workspace)');
}

export default defineConfig({
  label: 'vigil',
  files: 'suite/**/*.test.cjs',
  // The VS Code the code-server rig of `npm run test:e2e` is built from; override with VSCODE_TEST_VERSION.
  version: process.env.VSCODE_TEST_VERSION || '1.96.4',
  extensionDevelopmentPath: ROOT,
  // The folder first (VS Code opens it), then a profile whose settings.json run.mjs wrote.
  launchArgs: [workspace, `--user-data-dir=${userData}`, '--disable-extensions', '--disable-workspace-trust',
    '--disable-gpu', '--skip-welcome', '--skip-release-notes'],
  env: { VIGIL_REGISTRY_URL: registry },
  mocha: { ui: 'tdd', timeout: 90_000 },
});
