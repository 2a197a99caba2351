/** Renders an analysis for people (text) or programs (JSON, `version: 1`); sarif.ts and markdown.ts read the same Report. */
import type { AnalysisResult } from '../core/analyze';
import { SEVERITY_RANK, type AnalysisNote, type Severity } from '../core/finding';
import type { SuppressedFinding } from '../core/policy';
import { LineIndex, toReportError, toReportFinding, type ReportError, type ReportFinding } from '../core/report';

/** With --baseline: whether the baseline lists the finding (`unchanged`: reported, not counted) or not (`new`). */
export type BaselineState = 'new' | 'unchanged';

export type ReportItem = ReportFinding & { baselineState?: BaselineState };

/** A finding a .vigilrc.json suppression hides: not counted, not failing the run, listed with the reason. */
export type ReportSuppressed = ReportFinding & { suppression: SuppressedFinding['suppression'] };

export interface Report {
  version: 1;
  asOf: string;
  registry: string;
  findings: ReportItem[];
  /** Hidden by .vigilrc.json suppressions (JSON only): what was hidden and why. */
  suppressed: ReportSuppressed[];
  errors: ReportError[];
  /** About the whole run: advisories skipped (a replay, offline) or unavailable (no endpoint, failures). */
  notes: AnalysisNote[];
  summary: { packages: number; checked: number; bySeverity: Record<Severity, number>; suppressed: number; baselined?: number };
  /** With --baseline: the file (as given) and how many findings it already lists. */
  baseline?: { file: string; new: number; unchanged: number };
  /** With --changed-since: the ref, its commit, how many packages changed and how many findings were left out. */
  changedSince?: { ref: string; commit: string; packages: number; omitted: number };
}

/** Findings that count: all of them, except those a baseline lists. */
export function countedFindings(report: Report): ReportItem[] {
  return report.findings.filter((f) => f.baselineState !== 'unchanged');
}

export function countBySeverity(findings: readonly { severity: Severity }[]): Record<Severity, number> {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const finding of findings) bySeverity[finding.severity]++;
  return bySeverity;
}

/** "1 error, 2 warnings", most severe first; "" for none. */
export function severityCounts(bySeverity: Record<Severity, number>): string {
  return (Object.keys(bySeverity) as Severity[])
    .sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])
    .filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}${bySeverity[s] === 1 || s === 'information' ? '' : 's'}`)
    .join(', ');
}

export function buildReport(result: AnalysisResult, texts: ReadonlyMap<string, string>, registry: string): Report {
  const indexes = new Map<string, LineIndex>();
  const indexFor = (file: string): LineIndex => {
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new LineIndex(texts.get(file) ?? '')));
    return index;
  };
  const bySeverity = countBySeverity(result.findings);
  return {
    version: 1,
    asOf: result.asOf,
    registry,
    findings: result.findings.map((f) => toReportFinding(f, indexFor(f.file))),
    suppressed: result.suppressed.map((f) => ({ ...toReportFinding(f, indexFor(f.file)), suppression: f.suppression })),
    errors: result.errors.map((e) => toReportError(e, indexFor(e.file))),
    notes: result.notes,
    summary: {
      packages: result.dependencies.length,
      checked: result.dependencies.filter((d) => d.status === 'checked').length,
      bySeverity,
      suppressed: result.suppressed.length,
    },
  };
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface TextOptions {
  /** ANSI colours for severities (stdout is a terminal and NO_COLOR is unset). */
  color?: boolean;
}

const STYLE: Record<Severity, string> = { error: '31;1', warning: '33', information: '36', hint: '2' };

/**
 * One line per counted finding (file:line:col, 1-based like compilers print), its fix, then a summary.
 * Findings a baseline lists are counted in the summary only.
 */
export function renderText(report: Report, options: TextOptions = {}): string {
  const lines: string[] = [];
  const paint = (severity: Severity): string => (options.color ? `\x1b[${STYLE[severity]}m${severity}\x1b[0m` : severity);
  for (const f of countedFindings(report)) {
    const where = `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    const what = f.package ? ` ${f.package}${f.version ? `@${f.version}` : ''}` : '';
    lines.push(`${where} ${paint(f.severity)} ${f.signal}${what} — ${f.message}`);
    if (f.fix?.replaceWith) lines.push(`    fix: use ${f.fix.replaceWith}${f.fix.pin ? `@${f.fix.pin}` : ''}: ${f.fix.reason}`);
    else if (f.fix) lines.push(`    fix: pin ${f.fix.pin}: ${f.fix.reason}`);
    if ((f.signal === 'known-malware' || f.signal === 'vulnerability') && typeof f.evidence.url === 'string') lines.push(`    see: ${f.evidence.url}`);
  }
  for (const e of report.errors) {
    lines.push(`${e.file}:${e.range.start.line + 1}:${e.range.start.character + 1} not checked ${e.package} — ${e.message}`);
  }
  for (const note of report.notes) lines.push(`note: ${note.message}`);
  if (lines.length > 0) lines.push('');
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: Report): string {
  const { packages, checked } = report.summary;
  const counted = severityCounts(countBySeverity(countedFindings(report)));
  const found = counted ? `${counted}${report.baseline ? ' (new)' : ''}` : report.baseline ? 'no new findings' : 'no findings';
  const unchecked = report.errors.length > 0 ? `; ${report.errors.length} could not be checked` : '';
  const hidden = report.summary.suppressed > 0 ? `; ${report.summary.suppressed} suppressed by .vigilrc.json (see --format json)` : '';
  const known = report.baseline && report.baseline.unchanged > 0 ? `; ${report.baseline.unchanged} already in ${report.baseline.file} (not shown)` : '';
  const since = report.changedSince ? `; judged on the ${plural(report.changedSince.packages, 'package')} changed since ${report.changedSince.ref}` : '';
  return `vigil: ${found} — ${checked} of ${packages} dependencies checked against ${report.registry} as of ${report.asOf}${since}${unchecked}${hidden}${known}.`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
