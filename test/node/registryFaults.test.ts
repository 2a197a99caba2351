/**
 * Faults, one per case, each produced by a small server on 127.0.0.1. Every case must end in a specific
 * error value (never a throw, never a hang), with a message that carries no body and no token.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { RegistryErrorKind } from '../../server/src/core/registry/types';
import { httpGet } from '../../server/src/node/httpGet';
import type { RegistryClientOptions } from '../../server/src/node/registryClient';
import { closeServer, makeClient, packument, testServer } from './helpers';

/** Marker placed in bodies and headers: it must never reach a message. */
const SECRET = 'SECRET-do-not-echo-7f3a';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface FaultCase {
  name: string;
  handler: Handler;
  options?: Partial<RegistryClientOptions>;
  kind: RegistryErrorKind;
  status?: number;
  message: RegExp;
}

const json = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);

const cases: FaultCase[] = [
  { name: '404', handler: (_q, res) => json(res, 404, `{"error":"${SECRET}"}`), kind: 'not-found', message: /^pkg does not exist on / },
  { name: '500', handler: (_q, res) => json(res, 500, `{"error":"${SECRET}"}`), kind: 'http', status: 500, message: /answered HTTP 500 for pkg/ },
  { name: '401', handler: (_q, res) => json(res, 401, SECRET, { 'www-authenticate': SECRET }), kind: 'http', status: 401, message: /HTTP 401/ },
  { name: 'malformed JSON', handler: (_q, res) => json(res, 200, `{"name":"pkg", ${SECRET}`), kind: 'malformed', message: /not valid JSON/ },
  {
    name: 'an HTML page instead of JSON',
    handler: (_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${SECRET}</html>`),
    kind: 'malformed',
    message: /^The registry's document for pkg is not valid JSON \(unexpected byte where a value should be at byte 0\)\.$/,
  },
  {
    name: 'time not an object',
    handler: (_q, res) => json(res, 200, JSON.stringify({ ...packument('pkg'), time: SECRET })),
    kind: 'malformed',
    message: /"time" is not an object/,
  },
  {
    name: 'connection reset before any answer, on every try',
    handler: (_q, res) => void res.socket?.destroy(),
    kind: 'network',
    message: /^Could not get pkg from http:\/\/127\.0\.0\.1:\d+\/ \(ECONNRESET; gave up after 3 tries\)\.$/,
  },
  {
    name: '503 on every try (retried with backoff, then given up)',
    handler: (_q, res) => json(res, 503, SECRET),
    kind: 'http',
    status: 503,
    message: /answered HTTP 503 for pkg \(gave up after 3 tries\)\.$/,
  },
  {
    name: '429 asking to wait longer than Vigil waits',
    handler: (_q, res) => json(res, 429, SECRET, { 'retry-after': '600' }),
    kind: 'http',
    status: 429,
    message: /answered HTTP 429 for pkg \(too many requests: it asks to wait 10 min, longer than Vigil waits \(30 s\); try again after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\.$/,
  },
  { name: 'JSON that is not an object', handler: (_q, res) => json(res, 200, `["${SECRET}"]`), kind: 'malformed', message: /not a JSON object/ },
  {
    name: 'versions not an object',
    handler: (_q, res) => json(res, 200, JSON.stringify({ ...packument('pkg'), versions: [SECRET] })),
    kind: 'malformed',
    message: /"versions" is not an object/,
  },
  {
    name: 'a document for another package',
    handler: (_q, res) => json(res, 200, JSON.stringify(packument('other-pkg'))),
    kind: 'malformed',
    message: /different package/,
  },
  {
    name: 'oversized, announced by content-length',
    handler: (_q, res) => json(res, 200, JSON.stringify(packument('pkg', ['1.0.0', '1.0.1', '1.0.2']))),
    options: { maxBytes: 100 },
    kind: 'too-large',
    message: /^The document for pkg from http:\/\/127\.0\.0\.1:\d+\/ is larger than the limit of 100 bytes\.$/,
  },
  {
    name: 'oversized, streamed without a length',
    handler: (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 50; i++) res.write(' '.repeat(1000));
      res.end('{}');
    },
    options: { maxBytes: 10_000 },
    kind: 'too-large',
    message: /limit of 10 KB/,
  },
  {
    name: 'oversized once decompressed (a gzip bomb)',
    handler: (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(5_000_000, 32))),
    options: { maxBytes: 2 * 1024 * 1024 },
    kind: 'too-large',
    message: /limit of 2 MB/,
  },
  {
    name: 'a body that is not really gzip',
    handler: (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(SECRET),
    kind: 'malformed',
    message: /could not be decompressed/,
  },
  {
    name: 'an unknown content encoding',
    handler: (_q, res) => res.writeHead(200, { 'content-encoding': 'zstd-x' }).end(SECRET),
    kind: 'malformed',
    message: /unsupported content encoding/,
  },
  {
    name: 'truncated body (connection closed mid-way)',
    handler: (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write('{"name":"pkg",', () => res.socket?.destroy());
    },
    kind: 'network',
    message: /closed before the answer was complete/,
  },
  {
    name: 'no answer at all (idle timeout)',
    handler: () => undefined,
    options: { timeoutMs: 150 },
    kind: 'timeout',
    message: /did not answer in time for pkg \(no data for 0\.15 s\)/,
  },
  {
    name: 'headers, then silence (idle timeout on the body)',
    handler: (_q, res) => void res.writeHead(200, { 'content-type': 'application/json' }).write('{"name":'),
    options: { timeoutMs: 150 },
    kind: 'timeout',
    message: /no data for/,
  },
  {
    name: 'a drip that never completes (overall deadline)',
    handler: (_q, res) => void res.writeHead(200, { 'content-type': 'application/json' }).write('{"name":'),
    options: { timeoutMs: 60_000, deadlineMs: 150 },
    kind: 'timeout',
    message: /no complete answer within 0\.15 s/,
  },
  {
    name: 'a redirect loop',
    handler: (req, res) => void res.writeHead(302, { location: `${req.url}x` }).end(),
    kind: 'http',
    message: /more than 5 redirects/,
  },
  {
    name: '304 without a conditional request',
    handler: (_q, res) => void res.writeHead(304).end(),
    kind: 'http',
    status: 304,
    message: /HTTP 304/,
  },
];

for (const c of cases) {
  test(`fault: ${c.name}`, async (t) => {
    const server = await testServer(t, c.handler);
    const client = makeClient(t, server.url, c.options);
    const result = await client.getPackument('pkg');
    assert.ok(!result.ok, 'an error value');
    assert.equal(result.error.kind, c.kind);
    assert.equal(result.error.status, c.status);
    assert.match(result.error.message, c.message);
    assert.ok(!result.error.message.includes(SECRET), result.error.message);
    // The client is still usable: nothing was left broken or held.
    assert.equal(client.peek('pkg')?.ok ?? false, false);
  });
}

test('fault: connection refused', async (t) => {
  const server = await testServer(t, () => undefined);
  const client = makeClient(t, server.url);
  await closeServer(server.server);
  const result = await client.getPackument('pkg');
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'network');
  // Refused is transient (a registry restarting): retried, then reported with the tries made.
  assert.match(result.error.message, /^Could not get pkg from http:\/\/127\.0\.0\.1:\d+\/ \(ECONNREFUSED; gave up after 3 tries\)\.$/);
});

test('redirects: followed on the same origin (up to 5), refused to another origin', async (t) => {
  const elsewhere = await testServer(t, (_q, res) => json(res, 200, JSON.stringify(packument('pkg'))));
  const registry = await testServer(t, (req, res) => {
    if (req.url === '/pkg') return void res.writeHead(301, { location: '/moved/pkg' }).end();
    if (req.url === '/moved/pkg') return void res.writeHead(307, { location: '/final/pkg' }).end();
    if (req.url === '/final/pkg') return json(res, 200, JSON.stringify(packument('pkg')));
    res.writeHead(302, { location: `${elsewhere.url}pkg` }).end();
  });
  const client = makeClient(t, registry.url);
  const followed = await client.getPackument('pkg');
  assert.ok(followed.ok);
  assert.deepEqual(registry.requests.map((r) => r.url), ['/pkg', '/moved/pkg', '/final/pkg']);

  const refused = await client.getPackument('away');
  assert.ok(!refused.ok);
  assert.equal(refused.error.kind, 'http');
  assert.match(refused.error.message, /^http:\/\/127\.0\.0\.1:\d+\/ answered the request for away with a redirect \(302\) to another origin, which Vigil does not follow\.$/);
  assert.equal(elsewhere.requests.length, 0);
});

test('compressed answers are decoded (gzip, deflate, br)', async (t) => {
  const zlib = await import('node:zlib');
  const body = JSON.stringify(packument('pkg', ['1.0.0', '2.0.0']));
  const encoders: Record<string, (b: string) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };
  for (const [encoding, encode] of Object.entries(encoders)) {
    const server = await testServer(t, (req, res) => {
      assert.match(String(req.headers['accept-encoding']), new RegExp(encoding));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding }).end(encode(body));
    });
    const result = await makeClient(t, server.url).getPackument('pkg');
    assert.ok(result.ok, encoding);
    assert.deepEqual(Object.keys(result.summary.versions), ['1.0.0', '2.0.0']);
  }
});

test('faults do not stop other packages: a bad answer for one, good answers for the rest', async (t) => {
  const server = await testServer(t, (req, res) => {
    if (req.url === '/bad') return void res.socket?.destroy();
    json(res, 200, JSON.stringify(packument(decodeURIComponent((req.url ?? '/').slice(1)))));
  });
  const client = makeClient(t, server.url);
  const results = await Promise.all(['good-a', 'bad', 'good-b'].map((name) => client.getPackument(name)));
  assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
});

test('timeouts leave nothing running: the process is not held open by the client', async (t) => {
  const server = await testServer(t, () => undefined);
  const client = makeClient(t, server.url, { timeoutMs: 100 });
  const result = await client.getPackument('pkg');
  assert.equal(!result.ok && result.error.kind, 'timeout');
  // The server saw its connection closed: the client destroyed the request rather than leaving it open.
  const socket = server.requests[0]?.socket;
  if (socket && !socket.destroyed) await once(socket, 'close');
});

test('a body that keeps coming is not an idle timeout, however long it takes in total', async (t) => {
  const body = JSON.stringify(packument('pkg'));
  const parts = 6;
  const server = await testServer(t, (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    // 6 parts 150 ms apart: 900 ms in all, against an idle timeout of 600 ms.
    const timer = setInterval(() => {
      const size = Math.ceil(body.length / parts);
      res.write(body.slice(sent * size, (sent + 1) * size));
      if (++sent === parts) {
        clearInterval(timer);
        res.end();
      }
    }, 150);
    res.on('close', () => clearInterval(timer));
  });
  const result = await makeClient(t, server.url, { timeoutMs: 600 }).getPackument('pkg');
  assert.ok(result.ok, JSON.stringify(result));
});

test('an announced oversized body is refused before any of it is read', async (t) => {
  const server = await testServer(t, (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1_000_000) });
    res.end(' '.repeat(1_000_000));
  });
  const client = makeClient(t, server.url, { maxBytes: 1000 });
  const result = await client.getPackument('pkg');
  assert.equal(!result.ok && result.error.kind, 'too-large');
  assert.equal(client.stats.bytesRead, 0);
});

test('fault: wrong shapes that lose a field, not the package (time values not dates, maintainers not arrays)', async (t) => {
  const doc = packument('pkg', ['1.0.0', '2.0.0']);
  const versions = doc.versions as Record<string, Record<string, unknown>>;
  const hostile = {
    ...doc,
    time: { created: 'not a date', '1.0.0': 12345, '2.0.0': { at: SECRET } },
    maintainers: { name: SECRET },
    versions: { '1.0.0': { ...versions['1.0.0'], maintainers: SECRET }, '2.0.0': { ...versions['2.0.0'], maintainers: [7, null, { name: 'bob' }] } },
  };
  const server = await testServer(t, (_q, res) => json(res, 200, JSON.stringify(hostile)));
  const result = await makeClient(t, server.url).getPackument('pkg');
  assert.ok(result.ok);
  assert.deepEqual(
    [result.summary.created, result.summary.maintainers, result.summary.versions['1.0.0']?.publishedAt, result.summary.versions['2.0.0']?.publishedAt],
    [undefined, [], undefined, undefined],
  );
  assert.deepEqual([result.summary.versions['1.0.0']?.maintainers, result.summary.versions['2.0.0']?.maintainers], [[], ['bob']]);
});

test('fault: connect phase never completes (TCP accepted, TLS handshake silent) → idle timeout', async (t) => {
  const { createServer } = await import('node:net');
  const sockets: import('node:net').Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const { port } = silent.address() as import('node:net').AddressInfo;
  const client = makeClient(t, `https://127.0.0.1:${port}/`, { timeoutMs: 150 });
  const result = await client.getPackument('pkg');
  assert.ok(!result.ok);
  assert.equal(result.error.kind, 'timeout');
  assert.match(result.error.message, /^https:\/\/127\.0\.0\.1:\d+\/ did not answer in time for pkg \(no data for 0\.15 s\)\.$/);
});

test('fault: invalid JSON early in a huge body: reading stops there, the rest is never downloaded', async (t) => {
  const server = await testServer(t, (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`{"name":"pkg","versions":{"1.0.0":{${SECRET}`);
    // 200 MB of padding, written only as fast as the client reads it.
    let left = 200 * 1024;
    const pad = Buffer.alloc(1024, 32);
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left--;
        if (!res.write(pad)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const client = makeClient(t, server.url);
  const result = await client.getPackument('pkg');
  assert.ok(!result.ok);
  assert.match(result.error.message, /^The registry's document for pkg is not valid JSON \(expected a member name at byte 35\)\.$/);
  assert.ok(client.stats.bytesRead < 20 * 1024 * 1024, `${client.stats.bytesRead} bytes read`);
  assert.equal(server.requests.length, 1, 'a bad document is not retried');
});

test('httpGet: a body sink that throws (a bug) ends in a failure value, not an uncaught exception', async (t) => {
  const fail = (): never => {
    throw new Error('bug');
  };
  const server = await testServer(t, (_q, res) => json(res, 200, JSON.stringify(packument('pkg'))));
  const base = { headers: {}, idleTimeoutMs: 5000, deadlineMs: 5000, maxBytes: 1e6, maxRedirects: 0, signal: new AbortController().signal };
  const sinks = {
    write: () => ({ write: (): boolean => fail(), end: () => 'never' }),
    end: () => ({ write: () => true, end: (): string => fail() }),
  };
  for (const [where, sink] of Object.entries(sinks)) {
    const result = await httpGet(new URL(`${server.url}pkg`), { ...base, sink });
    assert.deepEqual(result, { kind: 'failed', reason: 'malformed', detail: 'a body that could not be read' }, where);
  }
});
