/**
 * The analysis's one advisory lookup: every resolved package and version in a single query (the source
 * batches it), after resolution and before findings are built. Problems with the lookup are about the
 * whole analysis, so they become one note, never a finding or an error per package.
 */
import { list } from '../format';
import type { AnalysisNote } from '../finding';
import { define, own } from '../registry/records';
import type { AbortSignalLike } from '../registry/types';
import type { Advisory, AdvisoryError, AdvisoryQuery, AdvisoryResult, AdvisorySource } from './types';

export interface AdvisoryLookup {
  /** Package name → advisories for any of its resolved versions (check.ts keeps the ones that apply). */
  byPackage: ReadonlyMap<string, readonly Advisory[]>;
  notes: AnalysisNote[];
}

const NOT_CHECKED = 'Known vulnerabilities and malware were not checked';

export async function lookupAdvisories(
  resolved: ReadonlyArray<{ package: string; version: string }>,
  source: AdvisorySource | undefined,
  asOf: Date | undefined,
  signal: AbortSignalLike | undefined,
): Promise<AdvisoryLookup> {
  const byPackage = new Map<string, Advisory[]>();
  if (!source || resolved.length === 0 || signal?.aborted) return { byPackage, notes: [] };
  if (asOf) {
    // The endpoint answers with today's advisories and does not say when each became known: a replay
    // would learn the future (or miss withdrawn ones). Skipping is the only faithful choice.
    const message =
      `${NOT_CHECKED}: this is a replay as of ${asOf.toISOString()}, and the registry's advisories cannot be ` +
      `dated (today's list would include what was only learned later).`;
    return { byPackage, notes: [{ code: 'advisories-skipped', message }] };
  }
  const query = buildQuery(resolved);
  let answer: AdvisoryResult;
  try {
    answer = await source.bulk(query, signal);
  } catch {
    // Sources return failures as values; a throw is a bug, and it must not take the analysis down.
    answer = { ok: false, error: { kind: 'network', message: 'the advisory lookup failed unexpectedly.' } };
  }
  if (!answer.ok) return { byPackage, notes: noteFor(answer.error) };
  for (const [name, advisories] of Object.entries(answer.advisories)) byPackage.set(name, advisories);
  const failed = answer.failed;
  if (!failed || failed.error.kind === 'cancelled' || failed.names.length === 0) return { byPackage, notes: [] };
  const count = failed.names.length === 1 ? '1 package' : `${failed.names.length} packages`;
  const message = `${NOT_CHECKED} for ${count} (${list(failed.names)}): ${failed.error.message}`;
  return { byPackage, notes: [{ code: 'advisories-incomplete', message }] };
}

/** Each package once, with each of its resolved versions once, in a stable order. */
function buildQuery(resolved: ReadonlyArray<{ package: string; version: string }>): AdvisoryQuery {
  const query: AdvisoryQuery = {};
  for (const { package: name, version } of [...resolved].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0))) {
    const versions = own(query, name);
    if (!versions) define(query, name, [version]);
    else if (!versions.includes(version)) versions.push(version);
  }
  return query;
}

function noteFor(error: AdvisoryError): AnalysisNote[] {
  if (error.kind === 'cancelled') return [];
  const code = error.kind === 'unsupported' ? 'advisories-unsupported' : 'advisories-unavailable';
  return [{ code, message: `${NOT_CHECKED}: ${error.message}` }];
}
