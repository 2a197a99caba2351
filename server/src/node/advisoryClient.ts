/**
 * npm's bulk advisory endpoint, the one `npm audit` asks: `POST {registry}/-/npm/v1/security/advisories/bulk`
 * with `{name: [versions]}` (gzipped, as npm sends it), answered with `{name: [advisory]}` for the
 * advisories that affect any of those versions. Batched, bounded (timeouts, size cap), cancellable, and
 * every failure is a value. Answers are kept in memory per name@version for a freshness window, so an
 * editor re-validating on every edit does not ask again, and on disk (advisoryCache.ts) when there is a
 * cache folder, so a CLI run within the window does not either; a registry without the endpoint
 * (404/405/501: Verdaccio, Artifactory without audit, mirrors) is remembered as such and not asked again
 * for that window.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { advisoryKey, affects } from '../core/advisories/match';
import type { Advisory, AdvisoryError, AdvisoryErrorKind, AdvisoryQuery, AdvisoryResult } from '../core/advisories/types';
import { readBulkResponse } from '../core/advisories/wire';
import { define, own } from '../core/registry/records';
import type { AbortSignalLike } from '../core/registry/types';
import { AdvisoryDiskCache, type StoredAnswer } from './advisoryCache';
import type { ClientCertificate } from './clientCert';
import { isEventSignal, WeightedLru } from './concurrency';
import { httpGet, type HttpGetResult } from './httpGet';
import type { CachingAdvisorySource, RegistryAccess } from './runtime';

const gzipAsync = promisify(gzip);
const MB = 1024 * 1024;
const BULK_PATH = '-/npm/v1/security/advisories/bulk';
/** How registries say "no such endpoint": not found, method not allowed, not implemented. */
const UNSUPPORTED = new Set([404, 405, 501]);

export interface AdvisoryClientOptions {
  /** Normalized base URL (see normalizeRegistryUrl): ends in "/", no credentials. */
  registryUrl: string;
  offline?: boolean;
  /** Idle timeout: connecting, waiting for the answer, or between chunks. Default 30 s. */
  timeoutMs?: number;
  /** Whole-request deadline. Default 60 s. */
  deadlineMs?: number;
  /** Largest decoded answer accepted. Default 20 MB (a batch's answer is usually a few KB). */
  maxBytes?: number;
  /** Packages per request. Default 100. */
  batchSize?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** How long an answer is reused, and a missing endpoint remembered. Default 15 minutes. */
  freshMs?: number;
  /** How long a failed endpoint (network, 5xx) is left alone before it is asked again. Default 60 s. */
  retryAfterMs?: number;
  now?: () => Date;
  userAgent?: string;
  /**
   * How the registry client reaches this registry (runtime.ts RegistryAccess): its credential rule, asked
   * per request URL, and its connections (proxy, TLS), which stay the registry client's to close. Absent:
   * no credentials, own direct connections.
   */
  access?: RegistryAccess;
  /** Folder of the disk cache (the summaries' one); answers are kept there for `freshMs`. Null or absent: memory only. */
  cacheDir?: string | null;
  log?: (message: string) => void;
}

export interface AdvisoryStats {
  requests: number;
  bytesRead: number;
  memoryHits: number;
}

type Settings = Required<Omit<AdvisoryClientOptions, 'access' | 'cacheDir' | 'log'>>;
type BatchResult = { ok: true; advisories: Record<string, Advisory[]> } | { ok: false; error: AdvisoryError };

export class AdvisoryClient implements CachingAdvisorySource {
  readonly registryUrl: string;
  readonly #options: Settings;
  readonly #authorization: (url: URL) => string | undefined;
  readonly #clientCertificate: (url: URL) => ClientCertificate | undefined;
  /** Ours to close only when we made them. */
  readonly #ownAgents: boolean;
  readonly #agents: { http: http.Agent; https: https.Agent };
  /** name\0version → the advisories that affect that version (possibly none). */
  readonly #memory = new WeightedLru<{ advisories: Advisory[]; fetchedAt: number }>(50_000);
  #failure: { error: AdvisoryError; until: number } | undefined;
  readonly #stats: AdvisoryStats = { requests: 0, bytesRead: 0, memoryHits: 0 };
  readonly #disk: AdvisoryDiskCache | null;
  /** The disk file's modification time when memory last took its answers in (undefined: not yet, or absent). */
  #diskSeen: number | undefined;
  /** Memory learnt something the disk does not know yet. */
  #unsaved = false;

  constructor(options: AdvisoryClientOptions) {
    this.registryUrl = options.registryUrl;
    this.#options = {
      registryUrl: options.registryUrl,
      offline: options.offline ?? false,
      timeoutMs: options.timeoutMs ?? 30_000,
      deadlineMs: options.deadlineMs ?? 60_000,
      maxBytes: options.maxBytes ?? 20 * MB,
      batchSize: Math.max(1, options.batchSize ?? 100),
      concurrency: Math.max(1, options.concurrency ?? 4),
      freshMs: options.freshMs ?? 15 * 60_000,
      retryAfterMs: options.retryAfterMs ?? 60_000,
      now: options.now ?? (() => new Date()),
      userAgent: options.userAgent ?? `vigil node/${process.version}`,
    };
    this.#authorization = options.access?.authorization ?? (() => undefined);
    // The registry's certificate rule: a registry that wants mutual TLS wants it for audits too.
    this.#clientCertificate = (url) => options.access?.clientCertificate?.(url);
    this.#ownAgents = options.access === undefined;
    this.#agents = options.access?.agents ?? { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    this.#disk = options.cacheDir ? new AdvisoryDiskCache(options.cacheDir, options.registryUrl, options.log) : null;
  }

  get stats(): AdvisoryStats {
    return { ...this.#stats };
  }

  /**
   * Memory only: what is known now. The rest is reported as not checked yet ('cancelled', which adds no
   * note) unless memory also knows why it cannot be: offline, or an endpoint that is missing or failing.
   */
  peek(query: AdvisoryQuery): AdvisoryResult {
    const { found, missing } = this.#fromMemory(query);
    const known = this.#options.offline ? this.#error('offline') : this.#remembered();
    return combine(query, found, Object.keys(missing), known ?? this.#error('cancelled'));
  }

  /**
   * Until when another run would get `result` again without asking the endpoint: the end of the freshness
   * window of the oldest answer in it. A missing endpoint (remembered on disk) and offline mode are answered
   * the same way by another run; any other failure would be retried, so such a result has no such time.
   */
  reusableUntil(query: AdvisoryQuery, result: AdvisoryResult): number | undefined {
    const error = result.ok ? result.failed?.error : result.error;
    let until = Number.POSITIVE_INFINITY;
    if (error?.kind === 'unsupported' && this.#failure?.error.kind === 'unsupported') until = this.#failure.until;
    else if (error !== undefined && error.kind !== 'offline') return undefined;
    for (const [name, versions] of Object.entries(query)) {
      for (const version of versions) {
        const item = this.#memory.peek(`${name}\u0000${version}`);
        if (item) until = Math.min(until, item.fetchedAt + this.#options.freshMs);
        else if (error === undefined) return undefined;
      }
    }
    return until;
  }

  async bulk(query: AdvisoryQuery, signal?: AbortSignalLike): Promise<AdvisoryResult> {
    if (signal?.aborted) return { ok: false, error: this.#error('cancelled') };
    let { found, missing } = this.#fromMemory(query);
    // Not all known here: another run (or this one, earlier) may have left the answers on disk.
    if (Object.keys(missing).length > 0 && this.#fromDisk()) ({ found, missing } = this.#fromMemory(query));
    this.#countHits(query, missing);
    const names = Object.keys(missing);
    if (names.length === 0) return { ok: true, advisories: found };
    if (this.#options.offline) return combine(query, found, names, this.#error('offline'));
    const remembered = this.#remembered();
    if (remembered) return combine(query, found, names, remembered);

    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (isEventSignal(signal)) signal.addEventListener('abort', onAbort, { once: true });
    try {
      const failed = await this.#sendAll(batches(missing, this.#options.batchSize), found, controller.signal, signal);
      this.#toDisk();
      return combine(query, found, failed.names, failed.error);
    } finally {
      if (isEventSignal(signal)) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Memory answers the asked versions it does not miss. */
  #countHits(query: AdvisoryQuery, missing: AdvisoryQuery): void {
    for (const [name, versions] of Object.entries(query)) this.#stats.memoryHits += versions.length - (own(missing, name)?.length ?? 0);
  }

  /**
   * Takes in the disk's fresh answers when the file changed since memory last did (memory's own answers
   * win when newer), and a missing endpoint it remembers. True when memory learnt something.
   */
  #fromDisk(): boolean {
    const disk = this.#disk;
    if (!disk) return false;
    const version = disk.version();
    if (version === undefined || version === this.#diskSeen) return false;
    this.#diskSeen = version;
    const now = this.#now();
    const stored = disk.read(now, this.#options.freshMs);
    for (const answer of stored.answers) {
      const key = `${answer.name}\u0000${answer.version}`;
      const known = this.#memory.peek(key);
      if (!known || known.fetchedAt < answer.fetchedAt) this.#memory.set(key, { advisories: answer.advisories, fetchedAt: answer.fetchedAt }, 1 + answer.advisories.length);
    }
    const unsupported = stored.unsupported;
    if (unsupported && unsupported.until > now && !this.#remembered()) {
      this.#failure = { error: this.#error('unsupported', unsupported.status), until: Math.min(unsupported.until, now + this.#options.freshMs) };
    }
    return stored.answers.length > 0 || unsupported !== undefined;
  }

  /** Every fresh answer memory holds (with what another process wrote meanwhile), and a missing endpoint. */
  #toDisk(): void {
    const disk = this.#disk;
    if (!disk || !this.#unsaved) return;
    this.#unsaved = false;
    this.#fromDisk();
    const now = this.#now();
    const answers: StoredAnswer[] = [];
    for (const [key, item] of this.#memory.entries()) {
      if (!(item.fetchedAt <= now && now - item.fetchedAt < this.#options.freshMs)) continue;
      const cut = key.indexOf('\u0000');
      answers.push({ name: key.slice(0, cut), version: key.slice(cut + 1), fetchedAt: item.fetchedAt, advisories: item.advisories });
    }
    const failure = this.#failure;
    const unsupported = failure && failure.error.kind === 'unsupported' && failure.until > now ? { status: failure.error.status, until: failure.until } : undefined;
    disk.write({ answers, ...(unsupported && { unsupported }) });
    this.#diskSeen = disk.version();
  }

  /** Lets a process exit at once instead of waiting for idle keep-alive sockets to time out. */
  close(): void {
    if (!this.#ownAgents) return;
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /**
   * The first batch goes alone: a registry without the endpoint is then asked once, not once per batch.
   * Returns the names whose batches failed and the first failure.
   */
  async #sendAll(
    list: AdvisoryQuery[],
    found: Record<string, Advisory[]>,
    signal: AbortSignal,
    caller: AbortSignalLike | undefined,
  ): Promise<{ names: string[]; error: AdvisoryError | undefined }> {
    const failedNames: string[] = [];
    let firstError: AdvisoryError | undefined;
    const run = async (batch: AdvisoryQuery): Promise<void> => {
      const result = caller?.aborted ? { ok: false as const, error: this.#error('cancelled') } : await this.#send(batch, signal);
      if (result.ok) {
        for (const [name, advisories] of Object.entries(result.advisories)) if (advisories.length > 0) define(found, name, advisories);
        return;
      }
      failedNames.push(...Object.keys(batch));
      firstError ??= result.error;
    };
    const [first, ...rest] = list;
    if (first) await run(first);
    if (firstError?.kind !== 'unsupported') {
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let batch = rest[next++]; batch; batch = rest[next++]) await run(batch);
      };
      await Promise.all(Array.from({ length: Math.min(this.#options.concurrency, rest.length) }, worker));
    }
    if (firstError?.kind === 'unsupported') failedNames.push(...rest.flatMap((batch) => Object.keys(batch)));
    return { names: failedNames, error: firstError };
  }

  async #send(batch: AdvisoryQuery, signal: AbortSignal): Promise<BatchResult> {
    const response = await httpGet(new URL(BULK_PATH, this.registryUrl), {
      method: 'POST',
      body: await gzipAsync(Buffer.from(JSON.stringify(batch))),
      headers: {
        accept: 'application/json',
        'accept-encoding': 'gzip, deflate, br',
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'user-agent': this.#options.userAgent,
      },
      idleTimeoutMs: this.#options.timeoutMs,
      deadlineMs: this.#options.deadlineMs,
      maxBytes: this.#options.maxBytes,
      maxRedirects: 5,
      signal,
      agents: this.#agents,
      authorization: this.#authorization,
      clientCertificate: this.#clientCertificate,
      onRequest: () => this.#stats.requests++,
      onBytes: (count) => (this.#stats.bytesRead += count),
    });
    const result = this.#settle(batch, response);
    if (!result.ok && result.error.kind !== 'cancelled') {
      const wait = result.error.kind === 'unsupported' ? this.#options.freshMs : this.#options.retryAfterMs;
      this.#failure = { error: result.error, until: this.#now() + wait };
      if (result.error.kind === 'unsupported') this.#unsaved = true;
    }
    return result;
  }

  #settle(batch: AdvisoryQuery, response: HttpGetResult): BatchResult {
    switch (response.kind) {
      case 'ok': {
        let doc: unknown;
        try {
          doc = JSON.parse(response.body.toString('utf8'));
        } catch {
          return { ok: false, error: this.#error('malformed', undefined, 'not JSON') };
        }
        const read = readBulkResponse(doc, batch);
        if (!read.ok) return { ok: false, error: this.#error('malformed', undefined, read.reason) };
        this.#remember(batch, read.advisories);
        return { ok: true, advisories: read.advisories };
      }
      case 'not-modified':
        return { ok: false, error: this.#error('http', 304) };
      case 'status':
        return { ok: false, error: this.#error(UNSUPPORTED.has(response.status) ? 'unsupported' : 'http', response.status) };
      case 'failed':
        if (response.reason === 'cancelled') return { ok: false, error: this.#error('cancelled') };
        return { ok: false, error: this.#error(response.reason === 'redirect' ? 'http' : response.reason, undefined, response.detail) };
    }
  }

  /** Each version keeps only the advisories that affect it, so a later query for it alone is answered right. */
  #remember(batch: AdvisoryQuery, advisories: Record<string, Advisory[]>): void {
    const fetchedAt = this.#now();
    this.#unsaved = true;
    for (const [name, versions] of Object.entries(batch)) {
      const all = own(advisories, name) ?? [];
      for (const version of versions) {
        const list = all.filter((advisory) => affects(advisory, version));
        this.#memory.set(`${name}\u0000${version}`, { advisories: list, fetchedAt }, 1 + list.length);
      }
    }
  }

  #fromMemory(query: AdvisoryQuery): { found: Record<string, Advisory[]>; missing: AdvisoryQuery } {
    const found: Record<string, Advisory[]> = {};
    const missing: AdvisoryQuery = {};
    const now = this.#now();
    for (const [name, versions] of Object.entries(query)) {
      for (const version of versions) {
        const item = this.#memory.get(`${name}\u0000${version}`);
        if (item && now - item.fetchedAt < this.#options.freshMs) {
          if (item.advisories.length === 0) continue;
          // Two versions of one package share most advisories: list each once.
          const known = own(found, name) ?? [];
          const keys = new Set(known.map(advisoryKey));
          const fresh = item.advisories.filter((a) => !keys.has(advisoryKey(a)));
          if (fresh.length > 0) define(found, name, [...known, ...fresh]);
        } else {
          const pending = own(missing, name);
          if (pending) pending.push(version);
          else define(missing, name, [version]);
        }
      }
    }
    return { found, missing };
  }

  /** A failure still inside its wait: answered again without asking. */
  #remembered(): AdvisoryError | undefined {
    return this.#failure && this.#failure.until > this.#now() ? this.#failure.error : undefined;
  }

  #now(): number {
    return this.#options.now().getTime();
  }

  #error(kind: AdvisoryErrorKind, status?: number, detail?: string): AdvisoryError {
    return describeAdvisoryError(kind, this.registryUrl, status, detail);
  }
}

/** One sentence per failure, readable after "…were not checked: ". Never a body, a header or a token. */
export function describeAdvisoryError(kind: AdvisoryErrorKind, registry: string, status?: number, detail?: string): AdvisoryError {
  const because = detail ? ` (${detail})` : '';
  const messages: Record<AdvisoryErrorKind, string> = {
    unsupported: `${registry} does not offer npm's bulk advisory endpoint${status !== undefined ? ` (HTTP ${status})` : ''}.`,
    offline: `Vigil is offline, so ${registry} was not asked.`,
    network: `${registry} could not be reached for advisories${because}.`,
    timeout: `${registry} did not answer the advisory request in time${because}.`,
    http: status !== undefined ? `${registry} answered the advisory request with HTTP ${status}.` : `${registry} answered the advisory request with ${detail ?? 'something unusable'}.`,
    malformed: `${registry} sent an unusable advisory answer${because}.`,
    'too-large': `The advisory answer from ${registry} is larger than the limit${because}.`,
    cancelled: 'The advisory lookup was cancelled.',
  };
  return status !== undefined ? { kind, message: messages[kind], status } : { kind, message: messages[kind] };
}

/** `query` in requests of at most `size` packages, each package with all its versions. */
export function batches(query: AdvisoryQuery, size: number): AdvisoryQuery[] {
  const out: AdvisoryQuery[] = [];
  for (const [name, versions] of Object.entries(query)) {
    let current = out[out.length - 1];
    if (!current || Object.keys(current).length >= size) out.push((current = {}));
    define(current, name, versions);
  }
  return out;
}

/** Known answers plus failed names: an error only when nothing at all could be answered. */
function combine(query: AdvisoryQuery, found: Record<string, Advisory[]>, failedNames: string[], error: AdvisoryError | undefined): AdvisoryResult {
  const failed = [...new Set(failedNames)];
  if (failed.length === 0 || !error) return { ok: true, advisories: found };
  if (failed.length === Object.keys(query).length) return { ok: false, error };
  return { ok: true, advisories: found, failed: { names: failed.sort(), error } };
}

/** Client tuning that is not a user setting (tests shorten timeouts and batches). */
export type AdvisoryTuning = Omit<AdvisoryClientOptions, 'registryUrl' | 'offline' | 'cacheDir' | 'log'>;

/**
 * One advisory client per (registry URL, offline, way of reaching it), shared by every project that
 * reaches the registry the same way, like the registry clients underneath: a project whose .npmrc holds
 * another token (so the registry pool built it other connections) never borrows a client with someone
 * else's. A registry whose URL was unusable gets a source that asks nobody.
 */
export class AdvisoryClients {
  readonly #clients = new Map<string, AdvisoryClient>();
  /** The registry clients' connections identify how a registry is reached; numbered, since objects are not keys in JSON. */
  readonly #connectionIds = new WeakMap<object, number>();
  /** Per routed registry (runtime.registry() shares those per settings), so equal settings share a source too. */
  readonly #views = new WeakMap<object, CachingAdvisorySource>();
  #nextId = 1;

  constructor(
    private readonly tuning: AdvisoryTuning = {},
    private readonly log?: (message: string) => void,
  ) {}

  /** `cacheDir`: the folder of the disk cache (see advisoryCache.ts); null: answers are kept in memory only. */
  get(registry: AdvisedRegistry, offline: boolean, cacheDir: string | null = null): CachingAdvisorySource {
    if (!registry.registryUrl) return unusableAdvisories(registry.registrySource);
    const access = registry.access;
    const key = JSON.stringify([registry.registryUrl, offline, access ? this.#idOf(access.agents) : 0, cacheDir]);
    let client = this.#clients.get(key);
    if (!client) {
      client = new AdvisoryClient({ ...this.tuning, registryUrl: registry.registryUrl, offline, cacheDir, ...(access && { access }), ...(this.log && { log: this.log }) });
      this.#clients.set(key, client);
    }
    const routed = registry.registryFor;
    if (!routed) return client;
    let view = this.#views.get(registry);
    if (!view) this.#views.set(registry, (view = ownPackagesOnly(client, (name) => routed.call(registry, name).registryUrl === client.registryUrl)));
    return view;
  }

  #idOf(connections: object): number {
    let id = this.#connectionIds.get(connections);
    if (id === undefined) this.#connectionIds.set(connections, (id = this.#nextId++));
    return id;
  }

  close(): void {
    for (const client of this.#clients.values()) client.close();
  }
}

/** What the advisory clients need from runtime.registry()'s answer. */
export interface AdvisedRegistry {
  registryUrl: string;
  registrySource: string;
  access?: RegistryAccess | undefined;
  /** Which registry a package comes from (`@scope:registry=`); absent: all from this one. */
  registryFor?: (name: string) => { registryUrl: string };
}

/**
 * Only the packages this registry serves are sent to its endpoint. A scope routed to a private registry
 * has names that are nobody else's business, and the public advisory database knows nothing of them; so
 * they are left out of the question (npm audit sends them anyway), without a note: there is nothing a
 * user could do about it.
 */
function ownPackagesOnly(client: CachingAdvisorySource, ours: (name: string) => boolean): CachingAdvisorySource {
  const filter = (query: AdvisoryQuery): AdvisoryQuery => {
    const kept: AdvisoryQuery = {};
    for (const [name, versions] of Object.entries(query)) if (ours(name)) define(kept, name, versions);
    return kept;
  };
  return {
    bulk: (query, signal) => client.bulk(filter(query), signal),
    peek: (query) => client.peek(filter(query)),
    reusableUntil: (query, result) => client.reusableUntil?.(filter(query), result),
  };
}

/** Fail closed, as the registry does: no other endpoint is asked in place of one the user did not choose. */
function unusableAdvisories(source: string): CachingAdvisorySource {
  const error: AdvisoryError = { kind: 'network', message: `no advisory endpoint was asked: ${source}.` };
  return { peek: () => ({ ok: false, error }), bulk: () => Promise.resolve({ ok: false, error }) };
}
