/**
 * Keeps V8's young generation at its starting size (two 1 MB semi-spaces) for the whole process.
 *
 * A cold run builds 1,500 summaries that all live to the end, so most young objects survive their first
 * collection. V8 reads a high survival rate as a sign that the young generation is too small, and grows
 * it to its maximum: two 16 MB semi-spaces, which then stay resident, mostly empty, for the rest of the
 * run. Nothing Vigil keeps gains from that; its long-lived objects go to the old generation either way.
 * Held at 1 MB, a cold run's peak is 15–20 MB lower at about the same speed (bench, both the CLI and the
 * language server), and no one has to start Node with `--max-semi-space-size`.
 *
 * V8 reads `--semi-space-growth-factor` each time it considers growing, but raises a value under 2 to 2
 * when the heap is configured at startup. Set here, after startup, 1 holds: the young generation never
 * grows. test/node/youngGeneration.test.ts checks that this still holds on the Node in use; where it
 * does not, only memory is higher, and every answer is the same.
 *
 * It takes effect when this module is evaluated, so the entry points (main.ts, cli/main.ts) import it
 * first: evaluating the rest of the bundle alone is enough to make V8 grow the young generation once.
 * V8's flags are the process's, and starting a worker thread configures a heap, which puts 2 back: the
 * summary worker (summaryWorker.ts) imports this module first too, so the value is 1 again as soon as
 * the worker runs (and again for each worker started after a retirement).
 */
import { setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/**
 * V8 majors the flag is set on: 11 (Node 20, measured) to 13 (Node 24). A V8 that does not know a flag
 * prints an error on stderr, which a CLI's users would see; on a V8 outside this range nothing is set,
 * test/node/youngGeneration.test.ts fails (the young generation grows), and the range is reviewed.
 */
export const V8_MAJORS_WITH_FLAG: readonly number[] = [11, 12, 13];

if (V8_MAJORS_WITH_FLAG.includes(Number.parseInt(process.versions.v8, 10))) {
  try {
    setFlagsFromString(YOUNG_GENERATION_FLAG);
  } catch {
    // A runtime without V8 flags: it keeps its own heuristics.
  }
}
