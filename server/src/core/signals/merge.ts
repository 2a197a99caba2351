/** Hits from outside the per-version table joined with the table's own, one finding per signal. */
import { SEVERITY_RANK } from '../finding';
import type { SignalHit } from './types';

/**
 * Adds `extra` to `hits`. A signal both produced (install-script-added from the package's own scripts and
 * from a new dependency's) becomes one hit: the worse severity, both messages, the table's evidence
 * first with the other's fields added, so one release gets one finding per signal.
 */
export function mergeHits(hits: SignalHit[], extra: readonly SignalHit[]): void {
  for (const hit of extra) {
    const index = hits.findIndex((h) => h.signal === hit.signal);
    const existing = hits[index];
    if (!existing) {
      hits.push(hit);
      continue;
    }
    hits[index] = {
      signal: existing.signal,
      severity: SEVERITY_RANK[hit.severity] > SEVERITY_RANK[existing.severity] ? hit.severity : existing.severity,
      message: `${existing.message} ${hit.message}`,
      evidence: { ...hit.evidence, ...existing.evidence },
    };
  }
}
