/**
 * One registry dependency from declaration to version: fetched, viewed at the analysis instant, and
 * resolved, by its range or, with a lockfile, to the locked version. Problems become findings or errors;
 * a success joins the checks (checkResolved.ts).
 */
import type { AnalysisDeps, AnalysisResult, DependencyReport } from './analyze';
import type { Resolved } from './checkResolved';
import type { AnalysisConfig } from './config';
import type { Finding } from './finding';
import type { LockedProject } from './locked';
import { viewAsOf } from './registry/asOf';
import { own } from './registry/records';
import type { PackageSummary } from './registry/types';
import { parseRange, parseVersion, resolveVersion } from './resolve';
import { unclaimedNameFinding } from './signals/unclaimedName';
import { requestedUnpublished, unpublishedFinding } from './signals/unpublished';

/** A registry dependency to resolve: by `range`, or to `locked` when the lockfile locks it. */
export interface Pending {
  report: DependencyReport;
  range: string;
  locked?: string;
  /** Locked to a workspace member or local folder: not looked up. */
  local?: boolean;
}

export interface ResolveContext {
  deps: AnalysisDeps;
  now: Date;
  result: AnalysisResult;
  resolved: Resolved[];
  configFor: (name: string, version: string) => AnalysisConfig;
  /** The summary each checked report was resolved against (the lockfile's integrity check reads it). */
  summaries: Map<DependencyReport, PackageSummary>;
}

/**
 * The locked version for a declared dependency when its manifest has a lockfile, and what the lockfile
 * and the manifest disagree on (lockfile-out-of-sync): a dependency the lockfile lacks is resolved by
 * its range, as the next `npm install` would.
 */
export function withLockedVersion(pending: Pending, locked: LockedProject, result: AnalysisResult): Pending {
  const { report } = pending;
  const binding = locked.binding(report.file);
  if (!binding) return pending;
  const at = locked.locate(report);
  const lockfile = binding.lockfile.path;
  if (at && LOCAL.has(at.entry.source)) {
    // A workspace sibling (or a local folder) satisfies it: nothing comes from the registry for it.
    report.status = 'not-registry';
    report.locked = { lockfile, version: at.entry.version, key: at.entry.key };
    return { ...pending, local: true };
  }
  if (!at || at.entry.source !== 'registry' || at.entry.name !== report.package) {
    // A lockfile that breaks off (or has conflicts) lacks entries for that reason: its invalid-lockfile says so.
    if (binding.lockfile.problems.some((problem) => BROKEN.has(problem.code))) return pending;
    result.findings.push(outOfSync(report, lockfile, `${report.name} is not locked in ${lockfile}`, 'the next install adds it at whatever version the range gives then; run the install and review the lockfile change', { locked: null }));
    return pending;
  }
  const version = at.entry.version;
  report.locked = { lockfile, version, key: at.entry.key };
  const parsed = parseVersion(version);
  const matcher = parseRange(pending.range);
  if (parsed && matcher && !matcher.test(parsed) && !isTag(pending.range)) {
    result.findings.push(
      outOfSync(report, lockfile, `${lockfile} locks ${report.name} at ${version}, which "${pending.range}" does not allow`, '`npm ci` refuses a lockfile that disagrees with package.json, and `npm install` would replace the version; checked here is the locked one', { locked: version }),
    );
  }
  return { ...pending, locked: version };
}

/** Lockfile sources that are the project's own folders, not downloads. */
const LOCAL: ReadonlySet<string> = new Set(['link', 'workspace', 'file']);

const BROKEN: ReadonlySet<string> = new Set(['lockfile-syntax', 'lockfile-truncated', 'lockfile-conflict']);

function isTag(range: string): boolean {
  return /^[a-z][\w.-]*$/i.test(range.trim()) && parseRange(range) === null;
}

function outOfSync(report: DependencyReport, lockfile: string, what: string, why: string, evidence: Record<string, string | null>): Finding {
  return {
    file: report.file,
    range: report.specRange,
    package: report.package,
    spec: report.spec,
    signal: 'lockfile-out-of-sync',
    severity: 'information',
    message: `${what}: ${why}.`,
    evidence: { lockfile, ...evidence },
  };
}

export async function resolveOne(item: Pending, context: ResolveContext): Promise<void> {
  const { report, range } = item;
  const { deps, result } = context;
  if (deps.signal?.aborted) {
    report.status = 'cancelled';
    return;
  }
  const answer = await deps.registry.getPackument(report.package, deps.signal);
  if (!answer.ok && answer.error.kind === 'not-found') {
    // The registry says the name is free: that is a finding about the project, not a failure to check it.
    report.status = 'unresolved';
    result.findings.push(unclaimedNameFinding(report, answer.error));
    return;
  }
  if (!answer.ok) {
    report.status = answer.error.kind === 'cancelled' ? 'cancelled' : 'error';
    if (report.status === 'error') {
      result.errors.push({ file: report.file, range: report.range, package: report.package, kind: answer.error.kind, message: answer.error.message });
    }
    return;
  }
  if (answer.source) report.source = answer.source;
  const summary: PackageSummary | undefined = deps.asOf ? viewAsOf(answer.summary, deps.asOf) : answer.summary;
  if (!summary) {
    report.status = 'error';
    result.errors.push({
      file: report.file,
      range: report.range,
      package: report.package,
      kind: 'not-found',
      message: `${report.package} did not exist yet on ${context.now.toISOString()} (first published later).`,
    });
    return;
  }
  const version = item.locked === undefined ? resolveByRange(report, range, summary, context) : resolveLocked(report, item.locked, summary, context);
  if (version === undefined) return;
  report.status = 'checked';
  report.version = version;
  context.summaries.set(report, summary);
  context.resolved.push({ report, summary, version, source: answer.source });
}

function resolveByRange(report: DependencyReport, range: string, summary: PackageSummary, context: ResolveContext): string | undefined {
  const resolution = resolveVersion(summary, range);
  // A removed release fails resolution too, but "no version satisfies" would hide why: say it first.
  const gone = requestedUnpublished(summary, range, !resolution.ok);
  if (gone.length > 0) {
    report.status = 'unresolved';
    context.result.findings.push(unpublishedFinding(report, summary, range, gone, context.now, context.configFor(report.package, gone[0] as string)));
    return undefined;
  }
  if (!resolution.ok) {
    report.status = 'unresolved';
    context.result.findings.push({
      file: report.file,
      range: report.specRange,
      package: report.package,
      spec: report.spec,
      signal: 'unresolved-version',
      severity: 'warning',
      message: resolution.message,
      evidence: { range, latest: summary.distTags.latest ?? null },
    });
    return undefined;
  }
  return resolution.version;
}

/** The locked version itself: it is what installs, whatever the range would give today. */
function resolveLocked(report: DependencyReport, version: string, summary: PackageSummary, context: ResolveContext): string | undefined {
  if (own(summary.versions, version)) return version;
  report.status = 'unresolved';
  const gone = requestedUnpublished(summary, version, true);
  if (gone.length > 0) {
    context.result.findings.push(unpublishedFinding(report, summary, version, gone, context.now, context.configFor(report.package, version)));
    return undefined;
  }
  const where = report.locked?.lockfile ?? report.file;
  context.result.findings.push({
    file: report.file,
    range: report.section === 'lockfile' ? report.range : report.specRange,
    package: report.package,
    spec: report.spec,
    signal: 'unresolved-version',
    severity: 'warning',
    message:
      `${where} installs ${report.package}@${version}, which ${summary.name}'s registry does not list (at the analysis instant). ` +
      `The install will fail, or fetch it from somewhere else than this registry: regenerate the lockfile and review the change.`,
    evidence: { locked: version, latest: summary.distTags.latest ?? null },
  });
  return undefined;
}
