/**
 * known-malware and vulnerability: the registry's advisory database says the resolved version is bad.
 * Unlike the table in index.ts, these read data from outside the packument (one advisory lookup per
 * analysis) and can fire several times for one version (one finding per advisory, as `npm audit` lists
 * them), so they are not `Signal`s; check.ts runs them beside the table.
 *
 * - known-malware (error): the release *is* an attack (ua-parser-js 0.7.29, the 2025 chalk/debug releases).
 *   Only an earlier release helps, so the finding carries the known-good pin.
 * - vulnerability: a flaw with npm's severity mapped onto Vigil's scale (critical→error … low→hint). The
 *   way out is a later release, so the message names the first fixed one instead of a pin.
 */
import * as semver from 'semver';
import { advisoryKey, advisoryLabel, affects, compareAdvisories, firstFixedVersion, isMalware, VULNERABILITY_SEVERITY } from '../advisories/match';
import type { Advisory } from '../advisories/types';
import type { Evidence } from '../finding';
import type { PackageSummary } from '../registry/types';
import type { SignalHit } from './types';

export interface AdvisoryContext {
  summary: PackageSummary;
  resolved: string;
  /** The declared range, to say whether the fix is already within reach. */
  range: string;
  /** Every advisory the registry returned for the package (for any version asked about). */
  advisories: readonly Advisory[];
}

export function advisoryHits({ summary, resolved, range, advisories }: AdvisoryContext): SignalHit[] {
  // A registry may list one advisory twice (or in two batches): one finding each.
  const unique = new Map<string, Advisory>();
  for (const advisory of advisories) if (affects(advisory, resolved)) unique.set(advisoryKey(advisory), advisory);
  return [...unique.values()].sort(compareAdvisories).map((advisory) => {
    const fixed = firstFixedVersion(summary, resolved, advisory, advisories);
    return isMalware(advisory) ? malwareHit(summary, resolved, advisory, fixed) : vulnerabilityHit(summary, resolved, range, advisory, fixed);
  });
}

function malwareHit(summary: PackageSummary, resolved: string, advisory: Advisory, fixed: string | undefined): SignalHit {
  const after = fixed
    ? ` The first later release outside the affected range is ${fixed}.`
    : rangeReadable(advisory)
      ? ' No later release outside the affected range has been published.'
      : '';
  return {
    signal: 'known-malware',
    severity: 'error',
    message:
      `${summary.name}@${resolved} is malware: ${describe(advisory)}. Installing it runs the attacker's code; ` +
      `a machine that installed it should be treated as compromised and its secrets rotated from another one.${after}`,
    evidence: evidence(resolved, advisory, fixed, true),
  };
}

function vulnerabilityHit(summary: PackageSummary, resolved: string, range: string, advisory: Advisory, fixed: string | undefined): SignalHit {
  const fields = evidence(resolved, advisory, fixed, false);
  let way = rangeReadable(advisory) ? ' No fixed release has been published.' : '';
  if (fixed) {
    const reachable = semver.validRange(range, { loose: true }) !== null && semver.satisfies(fixed, range, { loose: true });
    fields.fixedInRange = reachable;
    way = reachable
      ? ` Fixed in ${fixed}, which "${range}" already allows: update the lockfile to get it.`
      : ` Fixed in ${fixed}, outside "${range}": change the range to reach it.`;
  }
  return {
    signal: 'vulnerability',
    severity: VULNERABILITY_SEVERITY[advisory.severity],
    message: `${summary.name}@${resolved} has a known ${advisory.severity}-severity vulnerability: ${describe(advisory)}.${way}`,
    evidence: fields,
  };
}

/** Only a range semver can read supports "nothing fixed yet"; an unreadable one says nothing either way. */
function rangeReadable(advisory: Advisory): boolean {
  return advisory.vulnerable_versions !== '' && semver.validRange(advisory.vulnerable_versions, { loose: true }) !== null;
}

function describe(advisory: Advisory): string {
  const affected = advisory.vulnerable_versions ? `affects ${advisory.vulnerable_versions}` : 'affected versions not stated';
  return `${advisoryLabel(advisory)} "${advisory.title}" (${affected})`;
}

function evidence(resolved: string, advisory: Advisory, fixed: string | undefined, malware: boolean): Evidence {
  return {
    version: resolved,
    advisory: advisoryLabel(advisory),
    advisoryId: advisory.id,
    url: advisory.url || null,
    title: advisory.title,
    advisorySeverity: advisory.severity,
    vulnerableVersions: advisory.vulnerable_versions || null,
    cwe: advisory.cwe,
    malware,
    firstFixed: fixed ?? null,
  };
}
