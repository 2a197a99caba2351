/**
 * One bounded GET (or POST, for the advisory endpoint) over Node's http/https: an idle timeout (connect, first byte, between chunks), an
 * overall deadline, a size cap counted on the decoded bytes while they arrive, same-origin redirects
 * only, and an AbortSignal that tears the request down. Every outcome is a value; nothing throws.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { readCollector } from './readCollector';
import type { ClientCertificate } from './clientCert';

export interface HttpGetOptions {
  headers: Record<string, string>;
  /** Default GET. A POST sends `body` and follows only redirects that keep method and body (307, 308). */
  method?: 'GET' | 'POST';
  body?: Buffer;
  /** Longest silence allowed: connecting, waiting for headers, or between two chunks of the body. */
  idleTimeoutMs: number;
  /** Longest the whole exchange may take, so a slow drip cannot hold a slot forever. */
  deadlineMs: number;
  /** Largest body accepted, after decompression. */
  maxBytes: number;
  maxRedirects: number;
  signal: AbortSignal;
  agents?: { http?: http.Agent; https?: https.Agent };
  /**
   * The Authorization header for one request URL, asked again on every hop: a same-origin redirect out of
   * the path a credential was configured for must not carry it (npm's nerf-dart rule). Undefined: none.
   */
  authorization?: (url: URL) => string | undefined;
  /**
   * The client certificate for one https request URL, asked on every hop like `authorization` (the agent
   * keeps connections with and without it apart). One that cannot be used fails the request unsent.
   */
  clientCertificate?: (url: URL) => ClientCertificate | undefined;
  /** Called once per request sent (redirects included) and for every chunk received on the wire. */
  onRequest?: () => void;
  onBytes?: (count: number) => void;
}

/**
 * Where a 200 body goes, chunk by chunk (after decompression and the size cap), so a caller can reduce
 * it while it arrives instead of holding it whole. `write` returns false when it has seen enough (say,
 * invalid JSON): the request is then dropped and `end()` gives the answer.
 */
export interface BodySink<T> {
  write(chunk: Buffer): boolean;
  end(): T;
  /** A promise while the sink is behind (another thread still busy with earlier chunks): reading pauses until it settles. */
  pressure?(): Promise<void> | undefined;
  /** The exchange ended without `end()` (timeout, cancel, cap, network): let go of what was kept. */
  abandon?(): void;
}

export type HttpGetResult<T = Buffer> =
  | { kind: 'ok'; body: T; headers: http.IncomingHttpHeaders }
  | { kind: 'not-modified'; headers: http.IncomingHttpHeaders }
  /** `detail`: set by a caller that retried (see retry.ts), for the message. */
  | { kind: 'status'; status: number; headers: http.IncomingHttpHeaders; detail?: string }
  /** `code`: the system error code (ECONNRESET…) or 'truncated', when the network failed. */
  | { kind: 'failed'; reason: HttpFailure; detail: string; code?: string };

export type HttpFailure = 'network' | 'timeout' | 'too-large' | 'cancelled' | 'redirect' | 'malformed';

type Step = HttpGetResult<unknown> | { kind: 'redirect'; location: string; status: number };
type SinkOption = { sink?: () => BodySink<unknown> };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function httpGet(url: URL, options: HttpGetOptions): Promise<HttpGetResult>;
export function httpGet<T>(url: URL, options: HttpGetOptions & { sink: () => BodySink<T> }): Promise<HttpGetResult<T>>;
export async function httpGet(url: URL, options: HttpGetOptions & SinkOption): Promise<HttpGetResult<unknown>> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const step = await requestOnce(current, options);
    if (step.kind !== 'redirect') return step;
    let next: URL;
    try {
      next = new URL(step.location, current);
    } catch {
      return { kind: 'failed', reason: 'redirect', detail: `an unusable redirect (${step.status})` };
    }
    // Credentials belong to one origin; following a registry elsewhere could hand them over.
    if (next.origin !== url.origin) {
      return { kind: 'failed', reason: 'redirect', detail: `a redirect (${step.status}) to another origin, which Vigil does not follow` };
    }
    // 301/302/303 turn a POST into a bodiless GET: asking that would be a different question.
    if ((options.method ?? 'GET') !== 'GET' && step.status !== 307 && step.status !== 308) {
      return { kind: 'failed', reason: 'redirect', detail: `a redirect (${step.status}) that would drop the request body` };
    }
    if (hop >= options.maxRedirects) {
      return { kind: 'failed', reason: 'redirect', detail: `more than ${options.maxRedirects} redirects` };
    }
    current = next;
  }
}

/** What the body reader needs from its request: keep the idle timer alive, and settle once. */
interface Exchange {
  touch(): void;
  finish(step: Step, keepSocket?: boolean): void;
  readonly done: boolean;
  /** `fn` runs once the exchange is settled, whatever the outcome. */
  onDone(fn: () => void): void;
}

function requestOnce(url: URL, options: HttpGetOptions & SinkOption): Promise<Step> {
  return new Promise<Step>((resolve) => {
    let done = false;
    let req: http.ClientRequest | undefined;
    const settled: Array<() => void> = [];
    const exchange: Exchange = {
      get done() {
        return done;
      },
      // A cleared Node timer that is refreshed comes back to life (and holds the process open): guard it.
      touch: () => {
        if (!done) idle.refresh();
      },
      finish: (step, keepSocket = false) => {
        if (done) return;
        done = true;
        clearTimeout(idle);
        clearTimeout(deadline);
        options.signal.removeEventListener('abort', onAbort);
        // A body we will not read (or could not finish) is not worth keeping the connection for.
        if (!keepSocket) req?.destroy();
        resolve(step);
        for (const fn of settled) fn();
      },
      onDone: (fn) => {
        if (done) fn();
        else settled.push(fn);
      },
    };
    const fail = (reason: HttpFailure, detail: string) => (): void => exchange.finish({ kind: 'failed', reason, detail });
    const idle = setTimeout(fail('timeout', `no data for ${options.idleTimeoutMs / 1000} s`), options.idleTimeoutMs);
    const deadline = setTimeout(fail('timeout', `no complete answer within ${options.deadlineMs / 1000} s`), options.deadlineMs);
    const onAbort = fail('cancelled', 'cancelled');
    if (options.signal.aborted) return onAbort();
    const certificate = url.protocol === 'https:' ? options.clientCertificate?.(url) : undefined;
    if (certificate?.ok === false) return fail('network', `client certificate: ${certificate.problem}`)();
    try {
      req = send(url, options, exchange, certificate);
    } catch {
      // http.request throws on header values it will not send (say, a damaged cached ETag).
      return fail('network', 'the request could not be made')();
    }
    options.signal.addEventListener('abort', onAbort, { once: true });
    options.onRequest?.();
    req.end(options.body);
  });
}

function send(url: URL, options: HttpGetOptions & SinkOption, exchange: Exchange, certificate: ClientCertificate | undefined): http.ClientRequest {
  const secure = url.protocol === 'https:';
  const agent = secure ? options.agents?.https : options.agents?.http;
  const method = options.method ?? 'GET';
  const authorization = options.authorization?.(url);
  const base = authorization === undefined ? options.headers : { ...options.headers, authorization };
  const headers = options.body ? { ...base, 'content-length': String(options.body.length) } : base;
  // tls.connect options travel with the request to the agent, which pools connections by them.
  const clientTls = certificate?.ok ? { cert: certificate.cert, key: certificate.key.reveal() } : {};
  const req = (secure ? https : http).request(url, { method, headers, agent, ...clientTls }, (res) => {
    exchange.touch();
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location) return exchange.finish({ kind: 'redirect', location, status });
    if (status === 304) {
      res.resume();
      return exchange.finish({ kind: 'not-modified', headers: res.headers }, true);
    }
    if (status !== 200) return exchange.finish({ kind: 'status', status, headers: res.headers });
    readBody(res, options, exchange);
  });
  // A reused keep-alive socket never connects again: listening on it would only pile up listeners.
  req.on('socket', (socket) => {
    if (socket.connecting) socket.once('connect', exchange.touch);
  });
  // Only the code: Node's messages can carry the URL, and URLs are not ours to print.
  req.on('error', (error: NodeJS.ErrnoException) =>
    exchange.finish({ kind: 'failed', reason: 'network', detail: error.code ?? 'connection failed', ...(error.code && { code: error.code }) }),
  );
  return req;
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null | undefined {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** The default sink: the whole body as one Buffer. */
function collect(): BodySink<Buffer> {
  const chunks: Buffer[] = [];
  return { write: (chunk) => chunks.push(chunk) > 0, end: () => Buffer.concat(chunks) };
}

function readBody(res: http.IncomingMessage, options: HttpGetOptions & SinkOption, exchange: Exchange): void {
  const limit = options.maxBytes;
  // A compressed body longer than the cap would decode to more than the cap: refuse before reading.
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return exchange.finish({ kind: 'failed', reason: 'too-large', detail: `${declared} bytes announced` });
  }
  const decoder = decoderFor(res.headers['content-encoding']);
  if (decoder === undefined) {
    return exchange.finish({ kind: 'failed', reason: 'malformed', detail: 'an unsupported content encoding' });
  }
  const truncated = (): void =>
    exchange.finish({ kind: 'failed', reason: 'network', detail: 'the connection closed before the answer was complete', code: 'truncated' });
  res.on('data', (chunk: Buffer) => {
    exchange.touch();
    options.onBytes?.(chunk.length);
    readCollector.chunk(chunk.length);
  });
  res.on('error', truncated);
  res.on('close', () => {
    if (!res.complete) truncated();
  });

  const sink = options.sink ? options.sink() : collect();
  let ended = false;
  const end = (): unknown => {
    ended = true;
    return sink.end();
  };
  if (sink.abandon) exchange.onDone(() => ended || sink.abandon?.());
  let size = 0;
  const body: Readable = decoder ?? res;
  // Sinks run inside stream events, where a throw would take the process down: a bug is a failure value.
  const guarded = (step: () => void): void => {
    try {
      step();
    } catch {
      exchange.finish({ kind: 'failed', reason: 'malformed', detail: 'a body that could not be read' });
    }
  };
  body.on('data', (chunk: Buffer) => {
    if (decoder) readCollector.chunk(chunk.length);
    if (exchange.done) return;
    readCollector.bodyGrew(size, size + chunk.length);
    size += chunk.length;
    if (size > limit) return exchange.finish({ kind: 'failed', reason: 'too-large', detail: `more than ${limit} bytes` });
    // The sink has its answer already (a syntax error): the rest is not worth downloading.
    guarded(() => {
      if (!sink.write(chunk)) return exchange.finish({ kind: 'ok', body: end(), headers: res.headers });
      const behind = sink.pressure?.();
      if (behind) {
        body.pause();
        void behind.then(() => exchange.done || body.resume());
      }
    });
  });
  body.on('end', () => {
    if (!exchange.done) guarded(() => exchange.finish({ kind: 'ok', body: end(), headers: res.headers }, true));
  });
  if (decoder) {
    pipeline(res, decoder, (error) => {
      if (!error) return;
      if (!res.complete) truncated();
      else exchange.finish({ kind: 'failed', reason: 'malformed', detail: 'a body that could not be decompressed' });
    });
  }
}
