// A loopback npm registry serving recorded packuments, for tests and the demo. Its only dependency is
// semver (the project's own), for matching advisory ranges.
//
//   import { startFixtureRegistry } from './fixture-registry.mjs';
//   const registry = await startFixtureRegistry({ dirs: ['test/fixtures/packuments'], advisories: ['advisories.json'] });
//   ... registry.url, registry.requests ...
//   await registry.close();
//
//   node scripts/fixture-registry.mjs DIR... [--advisories FILE]... [--port N] [--host H]
//        → prints {"url": "..."} and serves
//
// Every `*.json` file in the folders is one packument; the `name` inside is authoritative (file names
// are `name.json`, `@scope__name.json`). A later folder overrides an earlier one for the same name, so
// a scenario's registry/ can be layered over the shared set. The recorded documents point at the
// placeholder origin https://registry.example; it is rewritten to this server's own origin on load.
//
// With advisory files, it also answers npm audit's bulk endpoint (POST /-/npm/v1/security/advisories/bulk,
// body {name: [versions]}, gzipped or not) the way the public registry does: for each package asked
// about, the advisories whose `vulnerable_versions` match at least one of the versions sent. A file is
// {name: [advisory]} in the endpoint's own shape; an advisory without an `id` is numbered by this server
// (npm's numbers are internal to npm). Without advisory files the endpoint is a 404, like a registry
// that has none.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, inflateSync } from 'node:zlib';
import semver from 'semver';

const BULK_PATH = '/-/npm/v1/security/advisories/bulk';
const MAX_BULK_BODY = 10 * 1024 * 1024;

const PLACEHOLDER_ORIGIN = 'https://registry.example';

/** Package name → { body, etag }, for every packument in `dirs`. */
async function loadPackuments(dirs, origin) {
  const packuments = new Map();
  for (const dir of dirs) {
    const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (error) {
        throw new Error(`fixture-registry: ${join(dir, file)} is not valid JSON (${error.message})`);
      }
      const name = typeof doc?.name === 'string' ? doc.name : fileNameToPackage(file);
      const body = text.split(PLACEHOLDER_ORIGIN).join(origin);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      packuments.set(name, { body, etag });
    }
  }
  return packuments;
}

function fileNameToPackage(file) {
  const base = file.slice(0, -'.json'.length);
  return base.startsWith('@') ? base.replace('__', '/') : base;
}

/** `/name`, `/@scope%2fname`, `/@scope/name` (any case of %2F) → the package name, or undefined. */
function packageNameFromPath(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname.slice(1));
  } catch {
    return undefined;
  }
  return decoded === '' ? undefined : decoded;
}

function etagMatches(header, etag) {
  if (typeof header !== 'string') return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** Package name → advisories, merged over `files` in order. */
async function loadAdvisories(files) {
  const db = new Map();
  let serial = 0;
  for (const file of files) {
    let doc;
    try {
      doc = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new Error(`fixture-registry: ${file} is not a readable JSON file (${error.message})`);
    }
    for (const [name, list] of Object.entries(doc)) {
      if (!Array.isArray(list)) throw new Error(`fixture-registry: ${file}: the advisories of ${name} are not a list`);
      const advisories = db.get(name) ?? [];
      for (const advisory of list) advisories.push({ id: advisory.id ?? ++serial, ...advisory });
      db.set(name, advisories);
    }
  }
  return db;
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readRequestBody(req) {
  return new Promise((resolveBody, rejectBody) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BULK_BODY) rejectBody(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', rejectBody);
  });
}

/** The bulk endpoint: decode the body, answer with the advisories that match the versions sent. */
async function handleBulk(req, res, db, record) {
  let query;
  try {
    const raw = await readRequestBody(req);
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    const decoded = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
    query = JSON.parse(decoded.toString('utf8'));
  } catch {
    return sendJson(res, 400, { error: 'Invalid request body' });
  }
  const valid = query && typeof query === 'object' && !Array.isArray(query) &&
    Object.values(query).every((versions) => Array.isArray(versions) && versions.every((v) => typeof v === 'string'));
  if (!valid) return sendJson(res, 400, { error: 'Invalid request body' });
  record.body = query;
  const answer = {};
  for (const [name, versions] of Object.entries(query)) {
    const options = { loose: true, includePrerelease: true };
    const hits = (db.get(name) ?? []).filter((a) => versions.some((v) => semver.valid(v) && semver.satisfies(v, a.vulnerable_versions, options)));
    if (hits.length > 0) answer[name] = hits;
  }
  sendJson(res, 200, answer);
}

function handle(req, res, packuments, requests, advisories) {
  const record = { method: req.method, url: req.url, headers: { ...req.headers } };
  requests.push(record);
  const { pathname } = new URL(req.url ?? '/', 'http://fixture.invalid');
  if (advisories && req.method === 'POST' && pathname === BULK_PATH) {
    void handleBulk(req, res, advisories, record);
    return;
  }
  const entry = req.method === 'GET' || req.method === 'HEAD' ? packuments.get(packageNameFromPath(pathname)) : undefined;
  if (!entry) {
    const notFound = '{"error":"Not found"}';
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(notFound) });
    res.end(req.method === 'HEAD' ? undefined : notFound);
    return;
  }
  if (etagMatches(req.headers['if-none-match'], entry.etag)) {
    res.writeHead(304, { etag: entry.etag });
    res.end();
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(entry.body),
    etag: entry.etag,
  });
  res.end(req.method === 'HEAD' ? undefined : entry.body);
}

export async function startFixtureRegistry({ dirs, host = '127.0.0.1', port = 0, advisories = [] }) {
  if (!Array.isArray(dirs) || dirs.length === 0) throw new TypeError('fixture-registry: dirs must name at least one folder');
  const requests = [];
  let packuments = new Map();
  // Loaded before listening: a bad advisory file fails the start, not a request.
  const advisoryDb = advisories.length > 0 ? await loadAdvisories(advisories.map((file) => resolve(file))) : undefined;
  const server = createServer((req, res) => handle(req, res, packuments, requests, advisoryDb));
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address();
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  try {
    packuments = await loadPackuments(dirs.map((dir) => resolve(dir)), origin);
  } catch (error) {
    server.close();
    throw error;
  }
  const close = () =>
    new Promise((resolveClose) => {
      server.close(() => resolveClose());
      // Keep-alive connections would hold close() open until they time out.
      server.closeAllConnections();
    });
  return { url: origin, close, requests };
}

function parseArgs(argv) {
  const dirs = [];
  const advisories = [];
  let port = 0;
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port' || arg === '--host' || arg === '--advisories') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--port') port = Number(value);
      else if (arg === '--advisories') advisories.push(value);
      else host = value;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port takes a number from 0 to 65535');
    } else {
      dirs.push(arg);
    }
  }
  if (dirs.length === 0) throw new Error('usage: node scripts/fixture-registry.mjs DIR... [--advisories FILE]... [--port N] [--host H]');
  return { dirs, port, host, advisories };
}

async function main() {
  let registry;
  try {
    registry = await startFixtureRegistry(parseArgs(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ url: registry.url })}\n`);
  const stop = () => void registry.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
