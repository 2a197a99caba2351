// npm run demo: the CLI against a loopback snapshot of the registry, no network needed.
// The snapshot holds real recorded registry documents plus three incident replays (test/fixtures), and the
// check runs "as of" one hour after the last replayed attack so the output is the same on every machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureRegistry } from './fixture-registry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures');
const scenarios = join(fixtures, 'scenarios');
const dirs = [
  join(fixtures, 'packuments'),
  ...readdirSync(scenarios, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(scenarios, entry.name, 'registry')),
];
const AS_OF = '2026-02-03T01:15:00Z';
const extra = process.argv.slice(2);

const registry = await startFixtureRegistry({ dirs });
const cacheDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
process.stderr.write(
  `Vigil demo: checking examples/demo/package.json against a snapshot registry on ${registry.url}\n` +
    `(real recorded packuments + replays of ua-parser-js 2021, an event-stream-style handover and an axios-style\n` +
    ` trust downgrade), as of ${AS_OF}.\n\n`,
);
const args = [join(root, 'dist', 'cli.js'), 'check', join(root, 'examples', 'demo'), '--registry', registry.url, '--as-of', AS_OF, '--cache-dir', cacheDir, ...extra];
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root });
  child.on('exit', (status) => resolve(status ?? 2));
});
await registry.close();
rmSync(cacheDir, { recursive: true, force: true });
// Exit 1 means "findings at or above --fail-on": that is the point of the demo, not a failure of it.
process.exitCode = code === 1 ? 0 : code;
