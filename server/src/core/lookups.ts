/**
 * Packuments the analysis needs beyond the declared dependencies: the packages a release newly depends on
 * (young-dependency-added, install scripts of new dependencies) and the public registry's copy of private
 * packages (registry-shadowing). Each name is asked once per analysis, a bounded number at a time, through
 * an injected registry; a replay (`asOf`) sees them as they were then. Failures are kept as values: a
 * dependency of a dependency that cannot be looked up is evidence, never an error for the user's package.
 */
import { runBounded } from './bounded';
import { viewAsOf } from './registry/asOf';
import type { AbortSignalLike, PackageSummary, Registry, RegistryErrorKind } from './registry/types';

export type Lookup =
  | { ok: true; summary: PackageSummary }
  | { ok: false; kind: RegistryErrorKind; message: string };

/** What signals read: the answer for a name, or undefined when it was never asked. */
export type LookupFn = (name: string) => Lookup | undefined;

const CONCURRENCY = 16;

export class PackumentLookups {
  readonly #answers = new Map<string, Lookup>();
  readonly #pending = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: Registry,
    private readonly asOf: Date | undefined,
    private readonly signal: AbortSignalLike | undefined,
  ) {}

  readonly get: LookupFn = (name) => this.#answers.get(name);

  /** Asks for every name not answered yet; concurrent calls for one name share its request. */
  async fetch(names: Iterable<string>): Promise<void> {
    const waits: Array<Promise<void>> = [];
    const mine = new Map<string, () => void>();
    const jobs: Array<() => Promise<void>> = [];
    for (const name of new Set(names)) {
      if (this.#answers.has(name)) continue;
      const pending = this.#pending.get(name);
      if (pending) {
        waits.push(pending);
        continue;
      }
      this.#pending.set(name, new Promise<void>((resolve) => mine.set(name, resolve)));
      jobs.push(async () => {
        // A registry that throws is a bug there; this package still gets an answer, so the analysis finishes.
        const answer = await this.#ask(name).catch((): Lookup => ({ ok: false, kind: 'network', message: `${name} could not be looked up.` }));
        this.#answers.set(name, answer);
      });
    }
    try {
      await runBounded(jobs, CONCURRENCY, this.signal);
    } finally {
      // Jobs a cancellation never started stay unanswered (asked again next time), and nobody waits on them.
      for (const [name, settle] of mine) {
        this.#pending.delete(name);
        settle();
      }
    }
    await Promise.all(waits);
  }

  async #ask(name: string): Promise<Lookup> {
    const answer = await this.registry.getPackument(name, this.signal);
    if (!answer.ok) return { ok: false, kind: answer.error.kind, message: answer.error.message };
    if (!this.asOf) return { ok: true, summary: answer.summary };
    const view = viewAsOf(answer.summary, this.asOf);
    if (view) return { ok: true, summary: view };
    return { ok: false, kind: 'not-found', message: `${name} did not exist yet on ${this.asOf.toISOString()} (first published later).` };
  }
}

/** When the package was created: `time.created`, else its first dated release. */
export function createdAt(summary: PackageSummary): number | undefined {
  if (summary.created !== undefined) return Date.parse(summary.created);
  let first: number | undefined;
  for (const version of Object.values(summary.versions)) {
    if (version.publishedAt === undefined) continue;
    const at = Date.parse(version.publishedAt);
    if (first === undefined || at < first) first = at;
  }
  return first;
}
