/**
 * The registry client: full packuments over http(s), summarised on arrival and dropped, with a memory
 * LRU of summaries, an optional disk cache (ETag / Last-Modified revalidation, stale fallback), one
 * request per package however many callers ask, bounded concurrency, and every failure as a value.
 *
 * Order of a lookup: memory (fresh) → in-flight lookup → disk (fresh) → network, conditional when a
 * cached copy exists → on failure, the cached copy labelled stale.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientCertificate } from './clientCert';
import type { AbortSignalLike, RegistryError, RegistryErrorKind, RegistryResult } from '../core/registry/types';
import { Limiter, SharedTask, WeightedLru } from './concurrency';
import { cacheKey, DEFAULT_FRESH_MS, isFresh, type CacheEntry, type DiskCache } from './diskCache';
import { httpGet, type HttpGetResult } from './httpGet';
import { MissingNamesCache } from './missingCache';
import { DEFAULT_RETRY, withRetries, type RetryOptions } from './retry';
import { isValidPackageName, packumentUrl } from './registryUrl';
import type { CachingRegistry, RegistryAccess, RegistryStats } from './runtime';
import { packumentSinkOffThread, type PackumentResult } from './summaryThread';

export interface RegistryClientOptions {
  /** Normalized base URL (see normalizeRegistryUrl): ends in "/", no credentials. */
  registryUrl: string;
  registrySource: string;
  /** null: memory only. */
  cache?: DiskCache | null;
  offline?: boolean;
  /** Idle timeout: connecting, waiting for the answer, or between chunks. Default 30 s. */
  timeoutMs?: number;
  /** Whole-request deadline, against slow drips. Default 5 minutes (a 60 MB packument on a slow line). */
  deadlineMs?: number;
  /** Largest decoded body accepted. Default 200 MB. */
  maxBytes?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  maxRedirects?: number;
  /** Memory budget in versions summarised (a summary weighs 1 + its version count). Default 50,000. */
  memoryVersions?: number;
  /** How long a summary is used without asking the registry. Default 15 minutes. */
  freshMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
  userAgent?: string;
  /** Backoff for 5xx, 429 and resets (see retry.ts); tests inject a scheduler. */
  retry?: Partial<RetryOptions>;
  /** Connections for this registry: proxy and TLS settings (see proxyAgents.ts). Default: direct keep-alive agents. */
  agents?: { http: http.Agent; https: https.Agent };
  /** The Authorization header for a request URL (npm's nerf-dart rule, see npmAuth.ts); asked on every hop. */
  authorization?: (url: URL) => string | undefined;
  /** The client certificate for a request URL, by the same rule; asked on every hop. */
  clientCertificate?: (url: URL) => ClientCertificate | undefined;
}

export interface RegistryClientStats extends RegistryStats {
  /** Revalidations the registry answered with 304. */
  notModified: number;
  /** Answers served from cache because the registry could not be asked. */
  staleServed: number;
  /** Right now: requests on the wire, and lookups waiting for a slot (for progress text). */
  active: number;
  queued: number;
}

/** What memory holds per name: a summary, or the registry's word that the name does not exist. */
type MemoryItem = { kind: 'found'; entry: CacheEntry } | { kind: 'missing'; checkedAt: string; error: RegistryError };

const MB = 1024 * 1024;

export class RegistryClient implements CachingRegistry {
  readonly registryUrl: string;
  readonly registrySource: string;
  readonly #options: Required<Omit<RegistryClientOptions, 'cache' | 'log' | 'retry' | 'agents' | 'authorization' | 'clientCertificate'>>;
  readonly #retry: RetryOptions;
  readonly #cache: DiskCache | null;
  /** The registry's 404s, on disk next to the summaries (missingCache.ts). */
  readonly #missing: MissingNamesCache | null;
  readonly #log: (message: string) => void;
  readonly #memory: WeightedLru<MemoryItem>;
  readonly #inFlight = new Map<string, SharedTask<RegistryResult>>();
  readonly #limiter: Limiter;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #authorization: (url: URL) => string | undefined;
  readonly #clientCertificate: (url: URL) => ClientCertificate | undefined;
  readonly #stats = { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0, notModified: 0, staleServed: 0 };

  constructor(options: RegistryClientOptions) {
    this.registryUrl = options.registryUrl;
    this.registrySource = options.registrySource;
    this.#options = {
      registryUrl: options.registryUrl,
      registrySource: options.registrySource,
      offline: options.offline ?? false,
      timeoutMs: options.timeoutMs ?? 30_000,
      deadlineMs: options.deadlineMs ?? 300_000,
      maxBytes: options.maxBytes ?? 200 * MB,
      concurrency: options.concurrency ?? 8,
      maxRedirects: options.maxRedirects ?? 5,
      memoryVersions: options.memoryVersions ?? 50_000,
      freshMs: options.freshMs ?? DEFAULT_FRESH_MS,
      now: options.now ?? (() => new Date()),
      userAgent: options.userAgent ?? `vigil node/${process.version}`,
    };
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#agents = options.agents ?? { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    this.#authorization = options.authorization ?? (() => undefined);
    this.#clientCertificate = options.clientCertificate ?? (() => undefined);
    this.#cache = options.cache ?? null;
    this.#missing = this.#cache ? new MissingNamesCache(this.#cache.root, this.registryUrl, options.log) : null;
    this.#log = options.log ?? (() => undefined);
    this.#memory = new WeightedLru(this.#options.memoryVersions);
    this.#limiter = new Limiter(this.#options.concurrency);
  }

  /** This registry's credential rule and connections, for other endpoints on it (see RegistryAccess). */
  get access(): RegistryAccess {
    return { authorization: this.#authorization, clientCertificate: this.#clientCertificate, agents: this.#agents };
  }

  /** A snapshot: counters since creation, and the current load. */
  get stats(): RegistryClientStats {
    return { ...this.#stats, active: this.#limiter.active, queued: this.#limiter.queued };
  }

  /**
   * Until when another run would get `answer` for `name` again without asking the registry: the end of a
   * fresh answer's freshness window. Undefined for an answer it would not get again (stale data, a failure).
   */
  reusableUntil(_name: string, answer: RegistryResult): number | undefined {
    if (!answer.ok && answer.error.kind === 'invalid-name') return Number.POSITIVE_INFINITY;
    if (!answer.ok && answer.error.kind !== 'not-found') return undefined;
    const source = answer.source;
    if (source?.fetchedAt === undefined || source.stale) return undefined;
    return Date.parse(source.fetchedAt) + this.#options.freshMs;
  }

  peek(name: string): RegistryResult | undefined {
    if (!isValidPackageName(name)) return this.#failure(name, 'invalid-name');
    const item = this.#memory.peek(name);
    if (!item) return undefined;
    if (item.kind === 'missing') return this.#missingAnswer(item.error, item.checkedAt);
    return this.#answer(item.entry, !this.#fresh(item.entry.fetchedAt));
  }

  getPackument(name: string, signal?: AbortSignalLike): Promise<RegistryResult> {
    if (!isValidPackageName(name)) return Promise.resolve(this.#failure(name, 'invalid-name'));
    if (signal?.aborted) return Promise.resolve(this.#failure(name, 'cancelled'));
    const item = this.#memory.get(name);
    if (item && (this.#fresh(item.kind === 'found' ? item.entry.fetchedAt : item.checkedAt) || this.#options.offline)) {
      this.#stats.memoryHits++;
      if (item.kind === 'missing') return Promise.resolve(this.#missingAnswer(item.error, item.checkedAt));
      return Promise.resolve(this.#answer(item.entry, !this.#fresh(item.entry.fetchedAt)));
    }
    let task = this.#inFlight.get(name);
    if (!task) {
      const created = new SharedTask(
        (taskSignal) =>
          this.#lookup(name, taskSignal).catch((error: unknown) => {
            // A bug, not a registry problem; still an answer, so one package cannot take the analysis down.
            this.#log(`Internal error looking up ${name}: ${error instanceof Error ? error.name : 'unknown'}`);
            return this.#failure(name, 'network');
          }),
        () => this.#inFlight.delete(name),
      );
      this.#inFlight.set(name, created);
      void created.settled.then(() => {
        if (this.#inFlight.get(name) === created) this.#inFlight.delete(name);
      });
      task = created;
    }
    return task.join(signal, () => this.#failure(name, 'cancelled'));
  }

  /** Lets a process exit at once instead of waiting for idle keep-alive sockets to time out. */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  async #lookup(name: string, abortSignal: () => AbortSignal): Promise<RegistryResult> {
    const key = cacheKey(this.registryUrl, name);
    const cached = await this.#cachedEntry(name, key);
    if (cached && this.#fresh(cached.entry.fetchedAt)) {
      if (cached.fromDisk) this.#stats.diskHits++;
      this.#remember(name, cached.entry);
      return this.#answer(cached.entry, false);
    }
    // A 404 that this run or another recorded, newer than any summary at hand: the name does not exist.
    const missingAt = this.#missing?.checkedAt(name);
    if (missingAt !== undefined && (!cached || Date.parse(cached.entry.fetchedAt) < missingAt)) {
      const checkedAt = new Date(missingAt).toISOString();
      if (this.#fresh(checkedAt) || this.#options.offline) {
        this.#stats.diskHits++;
        return this.#rememberMissing(name, checkedAt);
      }
    }
    if (this.#options.offline) {
      if (!cached) return this.#failure(name, 'offline');
      if (cached.fromDisk) this.#stats.diskHits++;
      this.#remember(name, cached.entry);
      return this.#answer(cached.entry, true);
    }
    const signal = abortSignal();
    // One attempt holds a concurrency slot only while on the wire, never while backing off.
    const attempt = async (): Promise<HttpGetResult<Promise<PackumentResult>>> => {
      if (!(await this.#limiter.acquire(signal))) return { kind: 'failed', reason: 'cancelled', detail: 'cancelled' };
      try {
        return await httpGet(packumentUrl(this.registryUrl, name), {
          headers: this.#headers(cached?.entry),
          idleTimeoutMs: this.#options.timeoutMs,
          deadlineMs: this.#options.deadlineMs,
          maxBytes: this.#options.maxBytes,
          maxRedirects: this.#options.maxRedirects,
          signal,
          agents: this.#agents,
          authorization: this.#authorization,
          clientCertificate: this.#clientCertificate,
          onRequest: () => this.#stats.requests++,
          onBytes: (count) => (this.#stats.bytesRead += count),
          // Summarised while it streams in, on another thread (summaryThread.ts): a 60 MB document is never held whole.
          sink: () => packumentSinkOffThread(name),
        });
      } finally {
        this.#limiter.release();
      }
    };
    const onRetry = (why: string, ms: number): void => this.#log(`Retrying ${name} in ${ms} ms: ${why}.`);
    const response = await withRetries(attempt, this.#retry, { signal, now: this.#options.now, onRetry });
    return this.#settle(name, key, response, cached?.entry);
  }

  /** Memory first; the disk too when memory's copy is stale, since another process may have refreshed it. */
  async #cachedEntry(name: string, key: string): Promise<{ entry: CacheEntry; fromDisk: boolean } | undefined> {
    const item = this.#memory.peek(name);
    const memory = item?.kind === 'found' ? item.entry : undefined;
    if (memory && this.#fresh(memory.fetchedAt)) return { entry: memory, fromDisk: false };
    const disk = this.#cache ? await this.#cache.read(key) : undefined;
    if (disk && (!memory || Date.parse(disk.fetchedAt) > Date.parse(memory.fetchedAt))) return { entry: disk, fromDisk: true };
    return memory ? { entry: memory, fromDisk: false } : undefined;
  }

  #headers(cached: CacheEntry | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      // Full documents: the abbreviated format has no maintainers, publishers or per-version times.
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': this.#options.userAgent,
    };
    const { etag, lastModified } = cached ? validators({}, cached) : {};
    if (etag) headers['if-none-match'] = etag;
    if (lastModified) headers['if-modified-since'] = lastModified;
    return headers;
  }

  async #settle(name: string, key: string, response: HttpGetResult<Promise<PackumentResult>>, cached: CacheEntry | undefined): Promise<RegistryResult> {
    const parsed = response.kind === 'ok' ? await response.body : undefined;
    const fetchedAt = this.#options.now().toISOString();
    switch (response.kind) {
      case 'ok': {
        if (!parsed?.ok) return this.#fallback(name, cached, parsed?.error ?? this.#error(name, 'malformed'));
        const entry: CacheEntry = { key, fetchedAt, ...validators(response.headers, undefined), summary: parsed.summary };
        return this.#store(name, entry, parsed.stored);
      }
      case 'not-modified':
        if (!cached) return this.#fallback(name, undefined, this.#error(name, 'http', 304));
        this.#stats.notModified++;
        return this.#store(name, { ...cached, fetchedAt, ...validators(response.headers, cached) });
      case 'status':
        if (response.status === 404) return this.#forget(name, key, fetchedAt);
        return this.#fallback(name, cached, this.#error(name, 'http', response.status, response.detail));
      case 'failed':
        if (response.reason === 'cancelled') return this.#failure(name, 'cancelled');
        return this.#fallback(name, cached, this.#error(name, response.reason === 'redirect' ? 'http' : response.reason, undefined, response.detail));
    }
  }

  /** `stored`: the summary's stored form when it is at hand already (summaryThread.ts). */
  async #store(name: string, entry: CacheEntry, stored?: string): Promise<RegistryResult> {
    this.#remember(name, entry);
    await this.#cache?.write(entry, stored);
    // It exists (again): a 404 remembered on disk is over.
    this.#missing?.record(name, undefined, this.#options.now().getTime(), this.#options.freshMs);
    return this.#answer(entry, false);
  }

  /** 404: the name is gone (or never was); a cached summary of it must not outlive that. */
  async #forget(name: string, key: string, checkedAt: string): Promise<RegistryResult> {
    await this.#cache?.delete(key);
    this.#missing?.record(name, Date.parse(checkedAt), this.#options.now().getTime(), this.#options.freshMs);
    return this.#rememberMissing(name, checkedAt);
  }

  #rememberMissing(name: string, checkedAt: string): RegistryResult {
    const error = this.#error(name, 'not-found');
    this.#memory.set(name, { kind: 'missing', checkedAt, error }, 1);
    return this.#missingAnswer(error, checkedAt);
  }

  /** A 404, with when the registry said it (stale: said longer ago than the freshness window, and not asked again). */
  #missingAnswer(error: RegistryError, checkedAt: string): RegistryResult {
    return { ok: false, error, source: this.#fresh(checkedAt) ? { fetchedAt: checkedAt } : { fetchedAt: checkedAt, stale: true } };
  }

  /** The registry could not give an answer: a cached copy, labelled with its age, beats nothing. */
  #fallback(name: string, cached: CacheEntry | undefined, error: RegistryError): RegistryResult {
    if (!cached) return { ok: false, error };
    this.#stats.staleServed++;
    this.#log(`Using cached data for ${name} from ${cached.fetchedAt}: ${error.message}`);
    this.#remember(name, cached);
    return this.#answer(cached, true);
  }

  #remember(name: string, entry: CacheEntry): void {
    this.#memory.set(name, { kind: 'found', entry }, 1 + countKeys(entry.summary.versions));
  }

  #answer(entry: CacheEntry, stale: boolean): RegistryResult {
    return { ok: true, summary: entry.summary, source: stale ? { fetchedAt: entry.fetchedAt, stale: true } : { fetchedAt: entry.fetchedAt } };
  }

  #fresh(fetchedAt: string): boolean {
    return isFresh({ fetchedAt }, this.#options.now(), this.#options.freshMs);
  }

  #failure(name: string, kind: RegistryErrorKind): RegistryResult {
    return { ok: false, error: this.#error(name, kind) };
  }

  #error(name: string, kind: RegistryErrorKind, status?: number, detail?: string): RegistryError {
    return describeError(kind, { name: displayName(name), registry: this.registryUrl, status, detail, maxBytes: this.#options.maxBytes });
  }
}

/** Own enumerable keys, counted without making the array Object.keys would. */
function countKeys(record: object): number {
  let count = 0;
  for (const key in record) if (Object.prototype.hasOwnProperty.call(record, key)) count++;
  return count;
}

/** Up to 100 characters, quoted when odd: names come from the user's files and end up in messages. */
function displayName(name: string): string {
  return isValidPackageName(name) ? name : JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

interface ErrorContext {
  name: string;
  registry: string;
  status: number | undefined;
  detail: string | undefined;
  maxBytes: number;
}

/** One sentence per failure: what happened, to which package, at which registry. Never a body or a token. */
export function describeError(kind: RegistryErrorKind, context: ErrorContext): RegistryError {
  const { name, registry, status, detail } = context;
  const because = detail ? ` (${detail})` : '';
  const messages: Record<RegistryErrorKind, string> = {
    'not-found': `${name} does not exist on ${registry}.`,
    'invalid-name': `${name} is not a valid npm package name, so no registry was asked.`,
    network: `Could not get ${name} from ${registry}${because}.`,
    timeout: `${registry} did not answer in time for ${name}${because}.`,
    http:
      status !== undefined
        ? `${registry} answered HTTP ${status} for ${name}${because}.`
        : `${registry} answered the request for ${name} with ${detail ?? 'something unusable'}.`,
    malformed: `${registry} sent an unusable document for ${name}${because}.`,
    'too-large': `The document for ${name} from ${registry} is larger than the limit of ${formatBytes(context.maxBytes)}.`,
    offline: `Offline, and ${name} is not in the cache.`,
    cancelled: `The lookup of ${name} was cancelled.`,
  };
  const error: RegistryError = status !== undefined ? { kind, message: messages[kind], status } : { kind, message: messages[kind] };
  // Which registry answered, for findings that name it (unclaimed-name); not for lookups that asked none.
  if (registry && kind !== 'invalid-name' && kind !== 'offline' && kind !== 'cancelled') error.registry = registry;
  return error;
}

function formatBytes(count: number): string {
  if (count >= MB) return `${Math.round(count / MB)} MB`;
  if (count >= 1024) return `${Math.round(count / 1024)} KB`;
  return `${count} bytes`;
}

/** Validators worth sending back: printable ASCII of sane length (anything else http.request refuses). */
function headerValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 512 && /^[\x20-\x7e]+$/.test(value) ? value : undefined;
}

function validators(headers: http.IncomingHttpHeaders, previous: CacheEntry | undefined): Pick<CacheEntry, 'etag' | 'lastModified'> {
  const etag = headerValue(headers.etag) ?? headerValue(previous?.etag);
  const lastModified = headerValue(headers['last-modified']) ?? headerValue(previous?.lastModified);
  return { ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) };
}
