/**
 * The http/https agents one registry client uses, built from Node's http, https, net and tls alone:
 *   - direct: keep-alive agents with the TLS settings (npm's strict-ssl, ca/cafile); a client
 *     certificate comes with each request that needs one (Node's https.Agent pools connections by it);
 *   - through an HTTP(S) proxy: https targets through a `CONNECT host:port` tunnel, with TLS to the
 *     registry inside it (the proxy sees neither the path nor the Authorization header); http targets as
 *     absolute-URI requests to the proxy (plain http: the proxy sees everything, as with npm).
 * Proxy credentials in the proxy URL go in Proxy-Authorization, and only to the proxy.
 *
 * A client serves one registry origin (redirects are same-origin only), so one proxy decision per client.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { proxyFor, type ProxyRules } from './proxy';

export interface TlsSettings {
  /** npm's strict-ssl (and VS Code's http.proxyStrictSSL): false accepts any certificate. */
  strictSSL: boolean;
  /** npm's ca / cafile: PEM certificates that replace the default roots, as in npm. */
  ca?: string[];
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/** The agents for requests to `target`'s origin. Throws nothing: a bad proxy URL gives agents that fail each request. */
export function createAgents(target: URL, rules: ProxyRules, tlsSettings: TlsSettings, timeoutMs: number): Agents {
  const secure = { keepAlive: true, rejectUnauthorized: tlsSettings.strictSSL, ...(tlsSettings.ca && { ca: tlsSettings.ca }) };
  const proxy = proxyFor(target, rules);
  if (!proxy) return { http: new http.Agent({ keepAlive: true }), https: new https.Agent(secure) };
  let url: URL | undefined;
  try {
    url = new URL(proxy.reveal());
  } catch {
    url = undefined;
  }
  const tunnel: Tunnel = { proxy: url, tls: tlsSettings, timeoutMs };
  return { http: new AbsoluteUriAgent(tunnel), https: new TunnelAgent(tunnel, secure) };
}

interface Tunnel {
  /** undefined: the configured proxy is not a URL; every request fails saying so. */
  proxy: URL | undefined;
  tls: TlsSettings;
  timeoutMs: number;
}

/** Node's Agent internals that @types/node does not declare. */
interface AgentInternals {
  addRequest(req: http.ClientRequest, options: http.RequestOptions): void;
}
type Callback = (error: Error | null, socket?: Duplex) => void;

/**
 * A socket-level error whose `code` is a phrase: httpGet reports only error codes (never messages, which
 * can carry URLs), so the phrase is what the user reads: "Could not get x from … (proxy: …)".
 */
function proxyError(phrase: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(phrase);
  error.code = phrase;
  return error;
}

function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // not percent-encoded after all: send it as written
    }
  };
  const user = `${decode(proxy.username)}:${decode(proxy.password)}`;
  return `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
}

function authority(host: string, port: number | string): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The proxy's URL, or why it cannot be used at all. */
function usableProxy(tunnel: Tunnel): URL | Error {
  const proxy = tunnel.proxy;
  if (!proxy) return proxyError('proxy: the configured proxy is not a URL');
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') return proxyError(`proxy: ${proxy.protocol} proxies are not supported`);
  return proxy;
}

/** A connection to the proxy itself (TLS when the proxy URL is https:). Errors before connecting are labelled. */
function connectToProxy(proxy: URL, tunnel: Tunnel): net.Socket {
  const host = proxy.hostname.replace(/^\[|\]$/g, '');
  const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const socket =
    proxy.protocol === 'https:'
      ? tls.connect({ host, port, servername: net.isIP(host) ? '' : host, rejectUnauthorized: tunnel.tls.strictSSL, ...(tunnel.tls.ca && { ca: tunnel.tls.ca }) })
      : net.connect({ host, port });
  // Without this label an unreachable proxy would read as an unreachable registry.
  // (Node clears `connecting` before it emits a connect failure, hence the listener removed on connect.)
  const label = (error: NodeJS.ErrnoException): void => {
    error.code = `proxy: ${error.code ?? 'connection failed'}`;
  };
  socket.prependOnceListener('error', label);
  // For a TLS proxy its certificate is part of reaching it: an untrusted one is the proxy's problem too.
  socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => socket.removeListener('error', label));
  return socket;
}

/** http targets: `GET http://host:port/path` to the proxy, on keep-alive connections to it. */
class AbsoluteUriAgent extends http.Agent {
  readonly #tunnel: Tunnel;

  constructor(tunnel: Tunnel) {
    super({ keepAlive: true });
    this.#tunnel = tunnel;
  }

  addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
    const host = options.hostname ?? options.host ?? 'localhost';
    req.path = `http://${authority(host, options.port ?? 80)}${req.path}`;
    const auth = this.#tunnel.proxy && proxyAuthorization(this.#tunnel.proxy);
    if (auth) req.setHeader('proxy-authorization', auth);
    (http.Agent.prototype as unknown as AgentInternals).addRequest.call(this, req, options);
  }

  // Node's Agent accepts a socket returned or passed to the callback; the callback form lets a bad proxy fail the request.
  createConnection(_options: unknown, callback: Callback): net.Socket | undefined {
    const proxy = usableProxy(this.#tunnel);
    if (proxy instanceof Error) return void callback(proxy);
    return connectToProxy(proxy, this.#tunnel);
  }
}

/** https targets: a CONNECT tunnel through the proxy, then TLS to the registry inside it. */
class TunnelAgent extends https.Agent {
  readonly #tunnel: Tunnel;

  constructor(tunnel: Tunnel, options: https.AgentOptions) {
    super(options);
    this.#tunnel = tunnel;
  }

  createConnection(options: tls.ConnectionOptions & { host?: string; port?: number }, callback: Callback): undefined {
    const host = options.host ?? 'localhost';
    const target = authority(host, options.port ?? 443);
    const proxy = usableProxy(this.#tunnel);
    if (proxy instanceof Error) return void callback(proxy);
    const socket = connectToProxy(proxy, this.#tunnel);
    openTunnel(socket, target, this.#tunnel, (error) => {
      if (error) return callback(error);
      const secure = tls.connect({
        socket,
        host,
        servername: options.servername || (net.isIP(host) ? '' : host),
        rejectUnauthorized: this.#tunnel.tls.strictSSL,
        ...(this.#tunnel.tls.ca && { ca: this.#tunnel.tls.ca }),
        // The registry's client certificate (set per request, see httpGet), inside the tunnel: never shown to the proxy.
        ...(options.cert !== undefined && { cert: options.cert, key: options.key }),
      });
      callback(null, secure);
    });
    return undefined;
  }
}

const MAX_PROXY_HEADER = 16 * 1024;

/** Sends CONNECT and waits for the proxy's answer; `done` once, with an error unless it was 2xx. */
function openTunnel(socket: net.Socket, target: string, tunnel: Tunnel, done: (error?: Error) => void): void {
  let buffered = Buffer.alloc(0);
  let settled = false;
  const finish = (error?: Error): void => {
    if (settled) return;
    settled = true;
    socket.setTimeout(0);
    socket.removeListener('data', onData);
    socket.removeListener('error', finish);
    socket.removeListener('close', onClose);
    if (error) socket.destroy();
    done(error);
  };
  const onClose = (): void => finish(proxyError('proxy: closed the connection before the tunnel was open'));
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end === -1) {
      if (buffered.length > MAX_PROXY_HEADER) finish(proxyError('proxy: an oversized answer to CONNECT'));
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(buffered.subarray(0, end).toString('latin1'))?.[1];
    if (status === undefined || !status.startsWith('2')) {
      return finish(proxyError(`proxy: refused the tunnel${status ? ` (HTTP ${status})` : ''}`));
    }
    // A TLS server never speaks first: bytes here mean something other than a tunnel is on the line.
    if (buffered.length > end + 4) return finish(proxyError('proxy: sent data before the TLS handshake'));
    finish();
  };
  socket.setTimeout(tunnel.timeoutMs, () => finish(proxyError(`proxy: no tunnel within ${tunnel.timeoutMs / 1000} s`)));
  socket.on('data', onData);
  socket.on('error', finish);
  socket.on('close', onClose);
  const auth = tunnel.proxy && proxyAuthorization(tunnel.proxy);
  const head = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`, ...(auth ? [`Proxy-Authorization: ${auth}`] : []), '', ''];
  socket.write(head.join('\r\n'));
}
