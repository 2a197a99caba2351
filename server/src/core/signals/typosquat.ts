/**
 * typosquat: a declared dependency's name imitates a high-impact package (similar/highImpact.ts says how)
 * and is not one itself. Typosquats wait for a slip of the keyboard or a wrong guess at a name: crossenv
 * (2017) stole the npm tokens of whoever installed it instead of cross-env, and the 2022 @azure campaign
 * published hundreds of scoped names without their scope.
 *
 * It judges the name, so it runs for every declared registry dependency, whatever the registry said: a
 * name that does not exist yet is still one keystroke from a trap anyone can set. What the registry knows
 * sets the severity:
 * - error: the package is young (created < 30 days ago) or has no history (one account, at most two
 *   releases): the shape of a squat, which is published shortly before it is needed and rarely maintained;
 * - information: it is established (public for a year or more, with five releases or more): most
 *   near-names that old are separate projects that chose a similar name (is-array beside isarray), shown
 *   so nobody installs one for the other by mistake;
 * - warning: everything between, and names the registry could not tell about.
 */
import type { DependencyReport } from '../analyze';
import type { Evidence, Finding, Severity } from '../finding';
import { day } from '../format';
import { createdAt } from '../lookups';
import { viewAsOf } from '../registry/asOf';
import type { PackageSummary, Registry, RegistryResult } from '../registry/types';
import type { HighImpactIndex, NameMatch, Technique } from '../similar/highImpact';
import { elapsedSince } from '../elapsed';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Younger than this, a near-name is an error: squats are published shortly before they are needed. */
export const YOUNG_DAYS = 30;
/** One account with at most this many releases: a package with no history of its own. */
const NO_HISTORY_RELEASES = 2;
/** A near-name at least this old, with at least ESTABLISHED_RELEASES releases, is most likely its own project. */
const ESTABLISHED_DAYS = 365;
const ESTABLISHED_RELEASES = 5;

/** A registry that remembers every answer it gave, so the name check can read what the lookups found. */
export function recordingAnswers(registry: Registry, answers: Map<string, RegistryResult>): Registry {
  return {
    async getPackument(name, signal) {
      const answer = await registry.getPackument(name, signal);
      answers.set(name, answer);
      return answer;
    },
  };
}

/** One finding per declared registry dependency whose name imitates a high-impact package. */
export function typosquatFindings(
  dependencies: readonly DependencyReport[],
  answers: ReadonlyMap<string, RegistryResult>,
  index: HighImpactIndex | undefined,
  now: Date,
  asOf: Date | undefined,
): Finding[] {
  if (!index) return [];
  const findings: Finding[] = [];
  for (const report of dependencies) {
    if (report.kind !== 'registry') continue;
    const match = index.match(report.package);
    if (!match) continue;
    const answer = answers.get(report.package);
    const summary = answer?.ok ? (asOf ? viewAsOf(answer.summary, asOf) : answer.summary) : undefined;
    findings.push(typosquatFinding(report, match, summary, existence(answer, summary), now));
  }
  return findings;
}

/** Whether the name exists at the analysis instant: a 404, or a package first published later, is false. */
function existence(answer: RegistryResult | undefined, summary: PackageSummary | undefined): boolean | null {
  if (summary) return true;
  if (answer?.ok) return false;
  return answer?.error.kind === 'not-found' ? false : null;
}

/** `exists`: false for a name the registry does not have (at the analysis instant), null when unknown. */
export function typosquatFinding(
  report: DependencyReport,
  match: NameMatch,
  summary: PackageSummary | undefined,
  exists: boolean | null,
  now: Date,
): Finding {
  const history = summary ? describeHistory(summary, now) : undefined;
  const severity: Severity = history?.severity ?? 'warning';
  const evidence: Evidence = {
    intended: match.intended,
    technique: match.technique,
    distance: match.distance,
    intendedRank: match.rank,
    exists,
    created: history?.created ?? null,
    ageDays: history?.ageDays ?? null,
    versions: history?.versions ?? null,
    publishers: history?.publishers ?? [],
  };
  const state = history?.text ?? (exists === false ? ABSENT : UNKNOWN);
  const range = declaredRange(report.spec);
  return {
    file: report.file,
    range: report.range,
    package: report.package,
    spec: report.spec,
    ...(report.version !== undefined && { version: report.version }),
    signal: 'typosquat',
    severity,
    message: `${how(report.package, match)}, a high-impact package. ${state} Did you mean ${match.intended}?`,
    evidence,
    fix: {
      pin: range,
      replaceWith: match.intended,
      reason: `Depend on ${match.intended}${range ? `@${range}` : ''} instead of ${report.package}: ${match.intended} is among npm's most depended-upon and downloaded packages, and ${report.package} only looks like it.`,
    },
  };
}

const ABSENT = 'It does not exist on the registry, so installing it fails today, and anyone can publish it tomorrow.';
const UNKNOWN = 'The registry could not say what it is.';

function how(name: string, { intended, technique, distance }: NameMatch): string {
  const texts: Record<Technique, string> = {
    separators: `${name} is spelled like ${intended} except for case or separators (- _ . or none)`,
    scope: `${name} is ${intended} with its scope ${name.startsWith('@') ? 'invented' : 'folded into the name'}`,
    homoglyph: `${name} is ${intended} written with look-alike digits (0 for o, 1 for l)`,
    affix: `${name} is ${intended} with a js/node prefix or suffix added`,
    'missing-scope': `${name} is the bare name of ${intended} without its scope (the 2022 @azure campaign registered such names)`,
    'scope-name': `${name} puts ${intended} under a scope named after it that owns no high-impact package`,
    'scope-typo': `${name}'s scope is ${distance === 1 ? 'one edit' : `${distance} edits`} away from that of ${intended}`,
    edit: `${name} is ${distance === 1 ? 'one typo' : `${distance} typos`} (a changed, missing, extra or swapped letter) away from ${intended}`,
  };
  return texts[technique];
}

interface History {
  severity: Severity;
  text: string;
  created: string | null;
  ageDays: number | null;
  versions: number;
  publishers: string[];
}

function describeHistory(summary: PackageSummary, now: Date): History {
  const created = createdAt(summary);
  const ageDays = created === undefined ? null : elapsedSince(now, created).whole(DAY_MS);
  const versions = Object.values(summary.versions);
  const publishers = [...new Set(versions.flatMap((v) => (v.publisher ? [v.publisher.name] : [])))].sort();
  const since = created === undefined ? 'an unknown date' : day(new Date(created).toISOString());
  const base = { created: created === undefined ? null : new Date(created).toISOString(), ageDays, versions: versions.length, publishers };
  const releases = `${versions.length} release${versions.length === 1 ? '' : 's'}`;
  if (ageDays !== null && ageDays < YOUNG_DAYS) {
    return { ...base, severity: 'error', text: `It was created ${ageDays === 0 ? 'today' : `${ageDays} day${ageDays === 1 ? '' : 's'} ago`} (${since}): squats appear shortly before they are used.` };
  }
  if (publishers.length === 1 && versions.length <= NO_HISTORY_RELEASES) {
    return { ...base, severity: 'error', text: `It has no history of its own: ${releases}, all by ${publishers[0] as string}, since ${since}.` };
  }
  if (ageDays !== null && ageDays >= ESTABLISHED_DAYS && versions.length >= ESTABLISHED_RELEASES) {
    return {
      ...base,
      severity: 'information',
      text: `It has been published since ${since} with ${releases}, so it is probably a separate project with a similar name; make sure it is the one you meant.`,
    };
  }
  return { ...base, severity: 'warning', text: `It was created on ${since} and has ${releases}.` };
}

/** The range as declared (the part after the target name for an `npm:` alias): kept when switching packages. */
function declaredRange(spec: string): string {
  if (!spec.startsWith('npm:')) return spec;
  const target = spec.slice(4);
  const at = target.indexOf('@', target.startsWith('@') ? 1 : 0);
  return at === -1 ? '' : target.slice(at + 1);
}
