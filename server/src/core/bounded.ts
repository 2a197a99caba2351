/** Bounded concurrency for the analysis's registry lookups, without timers (the core has no clock). */
import type { AbortSignalLike } from './registry/types';

/** Runs jobs with at most `limit` in flight; stops starting new ones once cancelled. */
export async function runBounded(jobs: Array<() => Promise<void>>, limit: number, signal?: AbortSignalLike): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const job = jobs[next++];
      if (job) await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
