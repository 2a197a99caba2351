/** Entry point of dist/cli.js: only wiring. */
// First, before any other module is evaluated (see the module).
import '../node/youngGeneration';
import { nodeRuntime } from '../node/runtime';
import { runCli } from './run';
import { terminalFeatures } from './terminal';

// `vigil check | head`: a reader that stops early is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

runCli(process.argv.slice(2), nodeRuntime(), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  ...terminalFeatures(process.env, process.stdout.isTTY === true, process.stderr.isTTY === true),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not a user error: say so without dumping internals that could include file contents.
    process.stderr.write(`vigil: internal error (${error instanceof Error ? error.name : 'unknown'}); please report it.\n`);
    if (process.env.VIGIL_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
