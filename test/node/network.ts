/**
 * Test support for registries behind credentials, proxies and TLS, all on 127.0.0.1: a self-signed
 * certificate made with openssl at test time, an HTTPS registry, a small forward proxy (CONNECT tunnels
 * and absolute-URI requests, counted), and a runtime that sees only a temp folder's npm configuration.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { nodeRuntime, type NodeRuntime } from '../../server/src/node/runtime';
import { closeServer, tempDir, writeTree, type TestServer } from './helpers';

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
