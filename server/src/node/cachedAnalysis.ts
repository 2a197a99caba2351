/**
 * analyze() with the result cache (resultCache.ts): the stored result when it is still exactly what
 * analysing now would give, else a fresh analysis that notes what it depended on (every registry answer's
 * freshness, the routing of every name, and when its time-dependent answers flip) and is stored for the
 * next run when all of that can be pinned down. The CLI and the language server both go through it.
 */
import { analyze, type AnalysisDeps, type AnalysisInput, type AnalysisResult } from '../core/analyze';
import type { AdvisoryQuery, AdvisoryResult } from '../core/advisories/types';
import { dependenceOf, trackedNow } from '../core/elapsed';
import type { Registry } from '../core/registry/types';
import type { CachingPublicRegistry } from './publicRegistry';
import { inputDigest, resultKey, type ResultCache, type ResultId, type Routes } from './resultCache';
import type { CachingAdvisorySource, CachingRegistry } from './runtime';

/** A stored result is not trusted for longer than this, whatever it depended on. */
const LONGEST_REUSE_MS = 60 * 60 * 1000;

export interface CachedAnalysisDeps extends Omit<AnalysisDeps, 'registry' | 'advisories' | 'publicRegistry'> {
  registry: CachingRegistry;
  advisories?: CachingAdvisorySource;
  publicRegistry?: CachingPublicRegistry;
}

/** A result, and the instant time changes it (a cooldown ends, a warning fades); Infinity: never. */
export interface TimedResult {
  result: AnalysisResult;
  changesAt: number;
}

/**
 * One analysis, given from the store when it still holds, else run with its dependence noted and stored.
 * Without a store (`cache` undefined) it only runs, still saying when time changes the result: the
 * language server re-checks a document then.
 */
export class ReusableAnalysis {
  readonly #cache: ResultCache | undefined;
  readonly #input: AnalysisInput;
  readonly #deps: CachedAnalysisDeps;
  readonly #id: ResultId;
  readonly #registryUrlFor: (name: string) => string;

  /**
   * `identity`: whatever else decides the result and is not in `input` or `deps` (registry URLs and
   * settings the caller chose); it becomes part of the key. `digest`: inputDigest(input), when the caller
   * has it already.
   */
  constructor(cache: ResultCache | undefined, input: AnalysisInput, deps: CachedAnalysisDeps, identity: unknown, digest?: string) {
    this.#cache = cache;
    this.#input = input;
    this.#deps = deps;
    this.#registryUrlFor = deps.registryUrlFor ?? ((name: string) => deps.registry.registryUrlFor?.(name) ?? deps.registry.registryUrl);
    // One slot per analysed thing (the project, or the editor's document: the first file is the subject).
    const slot = cache ? resultKey({ identity, subject: input.files[0]?.path ?? '', entries: input.lockfileEntries ?? null }) : '';
    const key = cache
      ? resultKey({
          input: digest ?? inputDigest(input),
          identity,
          config: deps.config,
          asOf: deps.asOf?.toISOString() ?? null,
          registry: deps.registry.registryUrl,
          advisories: deps.advisories !== undefined,
          publicRegistry: deps.publicRegistry?.url ?? null,
          highImpact: deps.highImpact !== undefined,
        })
      : '';
    this.#id = { slot, key };
  }

  /** The stored result, when it is still exactly what analysing now would give. */
  stored(): TimedResult | undefined {
    const nowMs = this.#deps.now.getTime();
    const routing = { registryUrlFor: this.#registryUrlFor, privateSourceOf: (name: string) => this.#deps.publicRegistry?.privateSourceOf(name) };
    const stored = this.#cache?.read(this.#id, nowMs, routing);
    if (!stored) return undefined;
    // A replay's stamp is its instant; otherwise the result is as of now.
    return { result: this.#deps.asOf ? stored.result : { ...stored.result, asOf: new Date(nowMs).toISOString() }, changesAt: stored.changesAt };
  }

  /** Analyses (through `adapt`, which may wrap the registry: the language server yields between lookups) and stores the result when it can. */
  async run(adapt: (registry: Registry) => Registry = (registry) => registry): Promise<TimedResult> {
    const deps = this.#deps;
    const nowMs = deps.now.getTime();
    const folders = this.#cache?.folders();
    const record = new Dependence(nowMs + LONGEST_REUSE_MS);
    const now = trackedNow(nowMs);
    const result = await analyze(this.#input, {
      ...deps,
      now,
      registry: adapt(record.registry(deps.registry, this.#registryUrlFor)),
      registryUrlFor: (name) => record.route(name, this.#registryUrlFor(name)),
      ...(deps.advisories && { advisories: record.advisories(deps.advisories) }),
      ...(deps.publicRegistry && { publicRegistry: record.publicRegistry(deps.publicRegistry) }),
    });
    const time = dependenceOf(now);
    // Without a say on time, the result is taken to change at once (nothing reuses it).
    const changesAt = time.reusable ? time.until : nowMs;
    // A cancelled analysis is partial; nothing of it is kept.
    if (this.#cache && folders !== undefined && time.reusable && record.until !== undefined && !deps.signal?.aborted) {
      this.#cache.write(this.#id, result, { until: Math.min(time.until, record.until), changesAt: time.until }, record.routes, folders, nowMs);
    }
    return { result, changesAt };
  }
}

/** What one analysis asked the registry, and until when each answer would be given again. */
class Dependence {
  /** Undefined once some answer would not be given again (stale data, a failure): nothing is stored then. */
  until: number | undefined;
  readonly routes: Routes = { registry: [], privateSource: [] };
  readonly #routed = new Set<string>();
  readonly #compared = new Set<string>();

  constructor(longest: number) {
    this.until = longest;
  }

  registry(registry: CachingRegistry, registryUrlFor: (name: string) => string): Registry {
    return {
      getPackument: async (name, signal) => {
        const answer = await registry.getPackument(name, signal);
        this.#note(registry.reusableUntil?.(name, answer));
        this.route(name, registryUrlFor(name));
        return answer;
      },
    };
  }

  /** `url`, the registry `name` is routed to, noted so a stored result is not given once the routing changed. */
  route(name: string, url: string): string {
    if (!this.#routed.has(name)) {
      this.#routed.add(name);
      this.routes.registry.push([name, url]);
    }
    return url;
  }

  publicRegistry(publicRegistry: CachingPublicRegistry): CachingPublicRegistry {
    return {
      url: publicRegistry.url,
      privateSourceOf: (name) => {
        const source = publicRegistry.privateSourceOf(name);
        if (!this.#compared.has(name)) {
          this.#compared.add(name);
          this.routes.privateSource.push([name, source ?? null]);
        }
        return source;
      },
      getPackument: async (name, signal) => {
        const answer = await publicRegistry.getPackument(name, signal);
        this.#note(publicRegistry.reusableUntil?.(name, answer));
        return answer;
      },
      peek: (name) => publicRegistry.peek(name),
    };
  }

  advisories(source: CachingAdvisorySource): CachingAdvisorySource {
    return {
      bulk: async (query: AdvisoryQuery, signal) => {
        const result: AdvisoryResult = await source.bulk(query, signal);
        this.#note(source.reusableUntil?.(query, result));
        return result;
      },
      peek: (query) => source.peek(query),
    };
  }

  #note(until: number | undefined): void {
    if (this.until === undefined) return;
    this.until = until === undefined ? undefined : Math.min(this.until, until);
  }
}
