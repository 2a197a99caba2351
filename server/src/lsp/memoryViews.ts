/**
 * The registry and advisories as the validator's two passes see them: memory alone first (no I/O, so
 * results for known packages appear at once), then the full sources; both let the event loop turn now and
 * then, so a 5,000-entry lockfile never holds every other message behind it.
 */
import type { AdvisorySource } from '../core/advisories/types';
import type { AnalysisResult } from '../core/analyze';
import type { AbortSignalLike, PublicRegistry, Registry, RegistryResult } from '../core/registry/types';
import type { CachingPublicRegistry } from '../node/publicRegistry';
import type { CachingAdvisorySource, CachingRegistry } from '../node/runtime';

const PENDING: RegistryResult = {
  ok: false,
  error: { kind: 'cancelled', message: 'Not in memory yet: being fetched.' },
};

/**
 * Memory answers are synchronous, so a first pass over a 5,000-entry lockfile would run as one long chain
 * of microtasks and hold every message behind it: every so many lookups, it waits a turn of the event loop.
 */
const LOOKUPS_PER_TURN = 256;

function turns(): () => Promise<void> | undefined {
  let calls = 0;
  return () => (++calls % LOOKUPS_PER_TURN === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined);
}

/** The registry as memory alone knows it. Misses answer 'cancelled', which the analysis counts as not checked. */
export function memoryOnly(registry: CachingRegistry): Registry {
  const turn = turns();
  return {
    getPackument: async (name) => {
      await turn();
      return registry.peek(name) ?? PENDING;
    },
  };
}

/** The full registry, letting the event loop turn now and then too: once everything is in memory, it answers as fast. */
export function yielding(registry: Registry): Registry {
  const turn = turns();
  return {
    getPackument: async (name, signal) => {
      await turn();
      return registry.getPackument(name, signal);
    },
  };
}

/** The public registry as memory alone knows it (registry-shadowing); misses count as not asked yet. */
export function memoryOnlyPublic(publicRegistry: CachingPublicRegistry): PublicRegistry {
  return { url: publicRegistry.url, privateSourceOf: (name) => publicRegistry.privateSourceOf(name), getPackument: (name) => Promise.resolve(publicRegistry.peek(name) ?? PENDING) };
}

/** Advisories as memory alone knows them; the rest count as not checked yet, which adds no note. */
export function memoryOnlyAdvisories(advisories: CachingAdvisorySource): AdvisorySource {
  return { bulk: (query) => Promise.resolve(advisories.peek(query)) };
}

/**
 * Hovers and cards read the registry client's memory, which a stored result (resultCache.ts) did not
 * fill: its packages are read into it from the disk cache after the result is shown, one at a time
 * between other work.
 */
export async function fillMemory(registry: Registry, result: AnalysisResult, signal: AbortSignalLike): Promise<void> {
  const names = new Set(result.dependencies.filter((d) => d.status === 'checked' || d.status === 'unresolved').map((d) => d.package));
  const reader = yielding(registry);
  for (const name of names) {
    if (signal.aborted) return;
    await reader.getPackument(name, signal);
  }
}
