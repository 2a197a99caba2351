/**
 * Test support for registries behind credentials, proxies and TLS, all on 127.0.0.1: a self-signed
 * certificate made with openssl at test time, an HTTPS registry, one that asks for client certificates
 * (with the committed fixtures in test/fixtures/tls), a small forward proxy (CONNECT tunnels and
 * absolute-URI requests, counted), and a runtime that sees only a temp folder's npm configuration.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Certificate as TLSCertificate, TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { nodeRuntime, type NodeRuntime } from '../../server/src/node/runtime';
import { closeServer, ROOT, tempDir, writeTree, type TestServer } from './helpers';

export interface Certificate {
  key: string;
  cert: string;
  /** The certificate as a file, for `cafile=`. */
  certFile: string;
}

/** A certificate for IP 127.0.0.1, or undefined when openssl is not installed (TLS tests then skip). */
export async function selfSignedCertificate(t: TestContext): Promise<Certificate | undefined> {
  const dir = await tempDir(t, 'vigil-tls-');
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
  args.push('-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile);
  try {
    await promisify(execFile)('openssl', args);
  } catch {
    return undefined;
  }
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

/** Like helpers.testServer, over TLS with `certificate`. */
export async function httpsTestServer(
  t: TestContext,
  certificate: Certificate,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    requests.push(req);
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => closeServer(server));
  const { port } = server.address() as net.AddressInfo;
  return { url: `https://127.0.0.1:${port}/`, server, requests, nthRequest: () => Promise.reject(new Error('not supported')) };
}

/** The committed CA, server and client certificates (test/fixtures/tls/README.md says how they were made). */
export const TLS_FIXTURES = join(ROOT, 'test', 'fixtures', 'tls');
export const tlsFixture = (name: string): string => join(TLS_FIXTURES, name);

export interface MutualTlsServer extends TestServer {
  /** Per request, the CN of the client certificate the connection presented; undefined: none. */
  peers: Array<string | undefined>;
  /** TCP connections accepted, whether or not their handshake succeeded. */
  connections(): number;
}

/**
 * An HTTPS server for 127.0.0.1 with the fixture server certificate that asks every client for a
 * certificate signed by the fixture CA. `requireCertificate`: true refuses the handshake without one (a
 * registry that only answers with a valid client certificate); false answers anyway and records that
 * none came (so a test can prove a certificate was not shown).
 */
export async function mutualTlsServer(
  t: TestContext,
  requireCertificate: boolean,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<MutualTlsServer> {
  const requests: http.IncomingMessage[] = [];
  const peers: Array<string | undefined> = [];
  const read = (name: string): Promise<string> => readFile(tlsFixture(name), 'utf8');
  const options = { key: await read('server.key'), cert: await read('server.pem'), ca: await read('ca.pem') };
  const server = https.createServer({ ...options, requestCert: true, rejectUnauthorized: requireCertificate }, (req, res) => {
    requests.push(req);
    // Without a client certificate this is {} at run time, whatever the type says.
    const subject: Partial<TLSCertificate> | undefined = (req.socket as TLSSocket).getPeerCertificate().subject;
    peers.push(subject?.CN);
    handler(req, res);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => closeServer(server));
  const { port } = server.address() as net.AddressInfo;
  const url = `https://127.0.0.1:${port}/`;
  return { url, server, requests, peers, connections: () => connections, nthRequest: () => Promise.reject(new Error('not supported')) };
}

export interface TestProxy {
  url: string;
  port: number;
  /** `host:port` of every CONNECT, and the headers it came with. */
  tunnels: string[];
  connectHeaders: http.IncomingHttpHeaders[];
  /** Absolute-URI requests forwarded (http targets). */
  forwarded: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
}

/**
 * A forward proxy; with `requireAuth`, anything without that Proxy-Authorization gets 407; with `tls`,
 * clients reach the proxy itself over TLS (an `https://` proxy URL).
 */
export async function testProxy(t: TestContext, options: { requireAuth?: string; tls?: Certificate } = {}): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  const allowed = (headers: http.IncomingHttpHeaders): boolean =>
    options.requireAuth === undefined || headers['proxy-authorization'] === options.requireAuth;
  const proxy: Omit<TestProxy, 'url' | 'port'> = { tunnels: [], connectHeaders: [], forwarded: [] };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    proxy.forwarded.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (!allowed(req.headers)) return void res.writeHead(407).end();
    const upstream = http.request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    proxy.tunnels.push(req.url ?? '');
    proxy.connectHeaders.push(req.headers);
    if (!allowed(req.headers)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    const { hostname, port } = new URL(`http://${req.url ?? ''}`);
    const upstream = net.connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await closeServer(server);
  });
  const { port } = server.address() as net.AddressInfo;
  return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/`, port, ...proxy };
}

/** A port nothing listens on (a closed proxy). */
export async function deadPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Sandbox {
  root: string;
  project: string;
  runtime: NodeRuntime;
  logs: string[];
  /** Every file of the disk cache, concatenated. */
  cacheText(): Promise<string>;
}

/** A runtime that reads npm config only from `files` under a temp folder (project/ is the project). */
export async function sandbox(t: TestContext, files: Record<string, string>, env: Record<string, string> = {}): Promise<Sandbox> {
  const root = await tempDir(t, 'vigil-net-');
  await writeTree(root, { 'project/package.json': '{"name":"p"}', 'home/.keep': '', ...files });
  const logs: string[] = [];
  const runtime = nodeRuntime({
    log: (message) => logs.push(message),
    env: { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), XDG_CACHE_HOME: join(root, 'xdg'), PATH: '', ...env },
    npm: { npmPath: join(root, 'npm') },
    // One attempt: these tests are about where requests go, not about backoff (and must not sleep).
    client: { retry: { attempts: 1 }, timeoutMs: 10_000 },
  });
  t.after(() => runtime.dispose());
  const cacheText = async (): Promise<string> => {
    const dir = join(root, 'xdg', 'vigil');
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
    if (files.length === 0) throw new Error('the disk cache is empty: nothing was checked');
    return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
  };
  return { root, project: join(root, 'project'), runtime, logs, cacheText };
}

/** `//127.0.0.1:port/path/` for a server URL: the nerf dart npm's config keys use. */
export function nerf(url: string, path = '/'): string {
  return `//${new URL(url).host}${path}`;
}
