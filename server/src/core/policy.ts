/**
 * The project's policy (.vigilrc.json over the user's settings), applied to the findings as the last,
 * pure step of an analysis: severity overrides (or `off`), then suppressions. A suppressed finding leaves
 * the findings (so it paints no squiggle and fails no CI run) but is kept, with the suppression's reason,
 * so the CLI's JSON can show what was hidden and why. Policy never touches the analysis itself: the pin
 * and the takeover escalation are computed on the signals' own severities.
 */
import * as semver from 'semver';
import type { AnalysisConfig, PolicySeverity, SeverityOverrides } from './config';
import { SIGNAL_IDS, type Finding, type OffsetRange, type SignalId } from './finding';
import { elapsedSince } from './elapsed';

export type { PolicySeverity, SeverityOverrides } from './config';

/** Findings about a file rather than a package: a policy cannot silence the problems in itself. */
const FILE_PROBLEMS: ReadonlySet<SignalId> = new Set<SignalId>(['invalid-json', 'invalid-lockfile', 'invalid-dependency', 'invalid-policy', 'invalid-cooldown', 'suppression-expired']);

/** The signal ids a policy may name in `severity` and `suppressions`. */
export const POLICY_SIGNALS: readonly SignalId[] = SIGNAL_IDS.filter((id) => !FILE_PROBLEMS.has(id));
export const POLICY_SEVERITIES: readonly PolicySeverity[] = ['error', 'warning', 'information', 'hint', 'off'];

export interface Suppression {
  /** As written: `left-pad` or `left-pad@^1.3.0`. */
  entry: string;
  name: string;
  /** The semver range of `name@range`; undefined: every version. */
  versions?: string;
  signal: SignalId;
  reason: string;
  /** As written. */
  expires?: string;
  /** The instant it stops applying: the end of the day (UTC) for a date, the instant for a date-time. */
  expiresAt?: number;
  file: string;
  /** The suppression's object in the file. */
  range: OffsetRange;
  /** Where `expires` is written, for the expiry notice. */
  expiresRange?: OffsetRange;
}

/** Numbers the project may tune: the AnalysisConfig fields of the same names. */
export type Thresholds = Partial<
  Pick<
    AnalysisConfig,
    | 'cooldownDays'
    | 'youngDependencyDays'
    | 'publishBurstPackages'
    | 'publishBurstHours'
    | 'dormantReleaseDays'
    | 'releaseLineBurstHours'
    | 'releaseLineBurstLines'
  >
>;

export interface Policy {
  severity: SeverityOverrides;
  thresholds: Thresholds;
  /** Registry URLs the project allows, as written (stored and validated here; enforced elsewhere). */
  allowedRegistries: string[];
  suppressions: Suppression[];
}

export const EMPTY_POLICY: Policy = { severity: {}, thresholds: {}, allowedRegistries: [], suppressions: [] };

export interface SuppressedFinding extends Finding {
  suppression: { entry: string; signal: SignalId; reason: string; expires?: string; file: string };
}

export function isActive(suppression: Suppression, now: Date): boolean {
  return suppression.expiresAt === undefined || !elapsedSince(now, suppression.expiresAt).atLeast(0);
}

/** Whether an active suppression covers this finding: same signal, same package, version in its range. */
export function suppresses(suppression: Suppression, finding: Finding): boolean {
  if (finding.signal !== suppression.signal || finding.package === '' || finding.package !== suppression.name) return false;
  if (suppression.versions === undefined) return true;
  // A finding with no resolved version (non-registry source, unresolved range) is not in any range.
  return finding.version !== undefined && semver.satisfies(finding.version, suppression.versions, { loose: true });
}

export function applyPolicy(findings: readonly Finding[], policy: Policy, now: Date): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const active = policy.suppressions.filter((suppression) => isActive(suppression, now));
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const original of findings) {
    if (FILE_PROBLEMS.has(original.signal)) {
      kept.push(original);
      continue;
    }
    const override = policy.severity[original.signal];
    if (override === 'off') continue;
    const finding: Finding = override && override !== original.severity
      ? { ...original, severity: override, evidence: { ...original.evidence, policySeverity: override, signalSeverity: original.severity } }
      : original;
    const by = active.find((suppression) => suppresses(suppression, finding));
    if (!by) {
      kept.push(finding);
      continue;
    }
    const { entry, signal, reason, expires, file } = by;
    suppressed.push({ ...finding, suppression: { entry, signal, reason, file, ...(expires !== undefined && { expires }) } });
  }
  return { findings: kept, suppressed };
}

/** One information finding per expired suppression, on its `expires`: it no longer hides anything. */
export function expiredSuppressions(policy: Policy, now: Date): Finding[] {
  return policy.suppressions
    .filter((suppression) => !isActive(suppression, now))
    .map((suppression) => ({
      file: suppression.file,
      range: suppression.expiresRange ?? suppression.range,
      package: '',
      spec: '',
      signal: 'suppression-expired' as const,
      severity: 'information' as const,
      message:
        `This suppression of ${suppression.signal} for ${suppression.entry} expired on ${suppression.expires}; it no longer ` +
        `applies, so its findings show again. Review them, then remove the entry or give it a later date.`,
      evidence: { package: suppression.entry, signal: suppression.signal, expires: suppression.expires ?? null },
    }));
}

/** The user's defaults (settings) under the project's file: the file wins per signal and per threshold. */
export function mergePolicy(defaults: SeverityOverrides | undefined, project: Policy): Policy {
  return { ...project, severity: { ...defaults, ...project.severity } };
}
