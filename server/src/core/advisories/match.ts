/** Which advisories hit a version, which are malware, and the first release that leaves an advisory's range. */
import * as semver from 'semver';
import type { Severity } from '../finding';
import type { PackageSummary } from '../registry/types';
import type { Advisory, AdvisorySeverity } from './types';

/** npm's severities on Vigil's scale: a critical flaw is an error; a low one is a hint, not noise. */
export const VULNERABILITY_SEVERITY: Record<AdvisorySeverity, Severity> = {
  critical: 'error',
  high: 'warning',
  moderate: 'information',
  low: 'hint',
  info: 'hint',
};

const RANK: Record<AdvisorySeverity, number> = { critical: 4, high: 3, moderate: 2, low: 1, info: 0 };

/** Prereleases of an affected version are affected too: npm audit reads ranges the same way. */
const RANGE_OPTIONS = { loose: true, includePrerelease: true } as const;

function validRange(range: string): boolean {
  return range !== '' && semver.validRange(range, RANGE_OPTIONS) !== null;
}

/**
 * True when `advisory` covers `version`. A range the registry left out or that semver cannot read is
 * trusted to cover it: the registry only returns advisories that match a version it was asked about.
 */
export function affects(advisory: Advisory, version: string): boolean {
  if (!validRange(advisory.vulnerable_versions)) return true;
  return semver.satisfies(version, advisory.vulnerable_versions, RANGE_OPTIONS);
}

/**
 * Malware, not a flaw: GitHub titles these "Malware in <name>" and tags them CWE-506 (embedded malicious
 * code); its API also says `type: "malware"`. Hijacked releases such as ua-parser-js 2021 ("Embedded
 * malware in ua-parser-js") carry only the CWE, so every one of the three marks counts.
 */
export function isMalware(advisory: Advisory): boolean {
  return /^malware in\b/i.test(advisory.title) || advisory.cwe.includes('CWE-506') || advisory.type === 'malware';
}

/** "GHSA-xxxx-xxxx-xxxx" from the advisory's URL, else npm's own id, for messages and evidence. */
export function advisoryLabel(advisory: Advisory): string {
  const ghsa = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(advisory.url)?.[0];
  if (ghsa) return `GHSA-${ghsa.slice(5).toLowerCase()}`;
  return advisory.id !== null ? `npm advisory ${advisory.id}` : 'an advisory';
}

/** Identity of an advisory across answers (a registry may list one twice, or in two batches). */
export function advisoryKey(advisory: Advisory): string {
  return JSON.stringify([advisory.id, advisory.url, advisory.title, advisory.vulnerable_versions]);
}

/** Worst first, then by label, so findings come out in the same order on every run. */
export function compareAdvisories(a: Advisory, b: Advisory): number {
  const malware = Number(isMalware(b)) - Number(isMalware(a));
  if (malware !== 0) return malware;
  if (a.severity !== b.severity) return RANK[b.severity] - RANK[a.severity];
  const [la, lb] = [advisoryLabel(a), advisoryLabel(b)];
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/**
 * The lowest published stable release above `resolved` that the advisory's range leaves out: the first
 * fixed version as this registry knows it (the endpoint itself does not say). Undefined when the range is
 * unreadable or nothing qualifies yet; a release that other malware advisories cover does not count.
 */
export function firstFixedVersion(summary: PackageSummary, resolved: string, advisory: Advisory, all: readonly Advisory[] = []): string | undefined {
  if (!validRange(advisory.vulnerable_versions) || semver.valid(resolved, { loose: true }) === null) return undefined;
  const malware = all.filter(isMalware);
  return Object.keys(summary.versions)
    .filter(
      (v) =>
        semver.valid(v, { loose: true }) !== null &&
        semver.prerelease(v, { loose: true }) === null &&
        semver.gt(v, resolved, { loose: true }) &&
        !affects(advisory, v) &&
        !malware.some((other) => affects(other, v)),
    )
    .sort((a, b) => semver.compare(a, b, { loose: true }))[0];
}
