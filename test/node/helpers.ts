/** Test support for server/src/node: temp folders, small fault servers on 127.0.0.1, the fixture registry. */
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { RegistryClient, type RegistryClientOptions } from '../../server/src/node/registryClient';
import { normalizeRegistryUrl } from '../../server/src/node/registryUrl';
import type { Scheduler } from '../../server/src/node/retry';
import type * as FixtureModule from '../../scripts/fixture-registry.mjs' with { 'resolution-mode': 'import' };

/** The repository root, found from wherever the compiled test runs. */
export const ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'scripts', 'fixture-registry.mjs'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
})();

export const PACKUMENTS = join(ROOT, 'test', 'fixtures', 'packuments');
export const SCENARIOS = join(ROOT, 'test', 'fixtures', 'scenarios');

/** Every recorded packument: the fixtures, and each scenario's registry. */
export const RECORDED_PACKUMENTS: readonly string[] = [
  ...readdirSync(PACKUMENTS).map((file) => join(PACKUMENTS, file)),
  ...readdirSync(SCENARIOS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(SCENARIOS, entry.name, 'registry')).map((file) => join(SCENARIOS, entry.name, 'registry', file))),
].filter((file) => file.endsWith('.json'));

export async function tempDir(t: TestContext, prefix = 'vigil-node-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (relative path → text) under `root`, creating folders. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

export async function fixtureRegistry(t: TestContext, dirs: string[] = [PACKUMENTS]): Promise<FixtureModule.FixtureRegistry> {
  const module = (await import(pathToFileURL(join(ROOT, 'scripts', 'fixture-registry.mjs')).href)) as typeof FixtureModule;
  const registry = await module.startFixtureRegistry({ dirs });
  t.after(() => registry.close());
  return registry;
}

export interface TestServer {
  url: string;
  server: Server;
  /** Requests received, in order. */
  requests: IncomingMessage[];
  /** Resolves with the next request to arrive (or the n-th overall, if already here). */
  nthRequest(n: number): Promise<IncomingMessage>;
}

/** A server whose handler a test writes inline, to produce one fault precisely. */
export async function testServer(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const waiting: Array<{ n: number; resolve: (req: IncomingMessage) => void }> = [];
  const server = createServer((req, res) => {
    requests.push(req);
    for (const waiter of waiting.filter((w) => w.n <= requests.length)) {
      waiter.resolve(requests[waiter.n - 1] as IncomingMessage);
      waiting.splice(waiting.indexOf(waiter), 1);
    }
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => closeServer(server));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    requests,
    nthRequest: (n) =>
      n <= requests.length ? Promise.resolve(requests[n - 1] as IncomingMessage) : new Promise((resolve) => waiting.push({ n, resolve })),
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A packument small enough to write inline. */
export function packument(name: string, versions: string[] = ['1.0.0'], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const time: Record<string, string> = { created: '2020-01-01T00:00:00.000Z', modified: '2020-06-01T00:00:00.000Z' };
  const docs: Record<string, unknown> = {};
  versions.forEach((version, i) => {
    time[version] = new Date(Date.UTC(2020, 0, 2 + i)).toISOString();
    docs[version] = { name, version, _npmUser: { name: 'alice' }, dist: { integrity: `sha512-${i}` } };
  });
  return { name, 'dist-tags': { latest: versions[versions.length - 1] }, versions: docs, time, maintainers: [{ name: 'alice' }], ...extra };
}

/** Serves JSON bodies from a map of path → document (404 otherwise), with ETags like a registry. */
export function jsonHandler(docs: Record<string, unknown>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const doc = docs[req.url ?? ''];
    if (doc === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const body = JSON.stringify(doc);
    const etag = `"${body.length}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  };
}

/** A clock tests move by hand. */
export class FakeClock {
  #ms: number;
  constructor(iso = '2024-05-01T12:00:00.000Z') {
    this.#ms = Date.parse(iso);
  }
  now = (): Date => new Date(this.#ms);
  advanceMinutes(minutes: number): void {
    this.#ms += minutes * 60_000;
  }
}

/** Backoff that does not wait: tests check what is retried, not how long real timers take. */
export const INSTANT: Scheduler = { sleep: (_ms, signal) => Promise.resolve(!signal.aborted) };

/** A scheduler that records each requested wait and lets it pass at once. */
export function recordingScheduler(): Scheduler & { waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: (ms, signal) => (waits.push(ms), Promise.resolve(!signal.aborted)) };
}

/** A client for `url` with no disk cache unless given one, and instant retries; closed when the test ends. */
export function makeClient(t: TestContext, url: string, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  const registryUrl = normalizeRegistryUrl(url);
  assert.ok(registryUrl, url);
  const client = new RegistryClient({ registryUrl, registrySource: 'test', cache: null, retry: { scheduler: INSTANT }, ...options });
  t.after(() => client.close());
  return client;
}
