/**
 * unpublished: the version the project asks for was published and is gone: the packument's `time` still
 * lists it, `versions` no longer has it. npm cannot install it any more, and registries remove releases
 * mostly because they were malicious or broken (the hijacked ua-parser-js and chalk/debug releases were
 * pulled within hours). Checked before resolution, which would only say "no version satisfies".
 *
 * A replay cannot tell when a release was removed (the registry does not date it), so a view as of an
 * earlier instant lists nothing as unpublished and this signal stays silent there.
 */
import * as semver from 'semver';
import type { DependencyReport } from '../analyze';
import type { AnalysisConfig } from '../config';
import type { Finding } from '../finding';
import { day, list } from '../format';
import { knownGoodPin } from '../pin';
import { publishHistory } from '../registry/history';
import { own } from '../registry/records';
import type { PackageSummary } from '../registry/types';

/**
 * The removed versions a spec asks for: the exact version it names, or, when `rangeFailed` (nothing
 * published satisfies it), every removed version that would have. Highest first; empty when none.
 */
export function requestedUnpublished(summary: PackageSummary, spec: string, rangeFailed: boolean): string[] {
  const wanted = spec.trim();
  const exact = semver.valid(wanted, { loose: true });
  const gone = summary.unpublished.filter((v) => own(summary.versions, v) === undefined);
  if (exact !== null) return gone.filter((v) => v === wanted || semver.valid(v, { loose: true }) === exact);
  if (!rangeFailed || semver.validRange(wanted, { loose: true }) === null) return [];
  return gone
    .filter((v) => semver.valid(v, { loose: true }) !== null && semver.satisfies(v, wanted, { loose: true }))
    .sort((a, b) => semver.rcompare(a, b, { loose: true }));
}

export function unpublishedFinding(
  report: DependencyReport,
  summary: PackageSummary,
  range: string,
  versions: string[],
  now: Date,
  config: AnalysisConfig,
): Finding {
  const version = versions[0] as string;
  const pin = knownGoodPin(summary, publishHistory(summary), range, version, now, config);
  const which = versions.length === 1 ? `${summary.name}@${version} was` : `Every release of ${summary.name} that "${range}" allows (${list(versions)}) was`;
  const advice = pin
    ? ` Pin ${pin.pin} (published ${day(own(summary.versions, pin.pin)?.publishedAt)}) instead.`
    : ' No other release qualifies as a known-good pin.';
  const finding: Finding = {
    file: report.file,
    range: report.range,
    package: summary.name,
    spec: report.spec,
    version,
    signal: 'unpublished',
    severity: 'error',
    message:
      `${which} published and has since been removed from the registry: its publish time is still listed, its contents are ` +
      `gone, and npm can no longer install it. Registries remove releases mostly because they were malicious or broken ` +
      `(the hijacked ua-parser-js and chalk/debug releases were pulled within hours): if a machine installed it, check that ` +
      `machine.${advice}`,
    evidence: {
      version,
      requested: range,
      unpublished: versions.slice(0, 20),
      latest: own(summary.distTags, 'latest') ?? null,
      modified: summary.modified ?? null,
    },
  };
  if (pin) finding.fix = pin;
  return finding;
}
