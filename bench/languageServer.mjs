// The language server (dist/server.js --stdio) as an editor starts it (with the Node options the VS Code
// client gives it, SERVER_ENVIRONMENT in server/src/protocol.ts): initialize with the project as
// the workspace folder, answer its configuration requests with the registry to use, and wait for the
// status that says every dependency was checked. Wall time from spawn to that status; peak RSS and CPU
// of the server process from GNU time when present.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node.js';

const GNU_TIME = '/usr/bin/time';
/** server/src/protocol.ts SERVER_ENVIRONMENT (the same test checks it), added to the environment given. */
export const SERVER_ENVIRONMENT = { MALLOC_ARENA_MAX: '2' };
const STATUS = 'vigil/status';

/**
 * One server session: start, check the workspace, stop. `expected`: the number of package versions the
 * status must report checked. Resolves to { ms, cpu, rssMb, status }.
 */
export async function runLanguageServer({ serverPath, projectDir, registryUrl, cacheDir, env, scratch, expected, nodeArgs = [] }) {
  const timeFile = existsSync(GNU_TIME) ? join(scratch, `server-time-${process.hrtime.bigint()}.txt`) : undefined;
  const command = timeFile ? GNU_TIME : process.execPath;
  const argv = timeFile ? ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...nodeArgs, serverPath, '--stdio'] : [...nodeArgs, serverPath, '--stdio'];
  const started = process.hrtime.bigint();
  const child = spawn(command, argv, { env: { ...SERVER_ENVIRONMENT, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('close', resolve));
  const stderr = [];
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const settings = { registry: registryUrl, cooldownDays: 3, asOf: '', offline: false, enable: { packageJson: true, lockfiles: true } };
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
  connection.onRequest(RegistrationRequest.type, () => undefined);
  const done = new Promise((resolve, reject) => {
    connection.onNotification(STATUS, (status) => {
      if (status.state === 'registry-unreachable') reject(new Error(`server: ${status.message ?? 'registry unreachable'}`));
      if (status.state === 'done' && status.checked >= expected) resolve(status);
    });
    void exited.then(() => reject(new Error(`the server exited early: ${Buffer.concat(stderr).toString().slice(0, 2000)}`)));
  });
  connection.listen();
  const root = pathToFileURL(projectDir).href;
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: 'bench' }],
    capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    initializationOptions: { cacheDir, registry: registryUrl },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const status = await done;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await exited;
  connection.dispose();
  if (!timeFile) return { ms, cpu: Number.NaN, rssMb: Number.NaN, status };
  const [rssKb, user, sys] = (await readFile(timeFile, 'utf8')).trim().split(/\s+/).map(Number);
  return { ms, cpu: user + sys, rssMb: rssKb / 1024, status };
}
