/** Renders an analysis for people (text) or programs (JSON, `version: 1`). */
import type { AnalysisResult } from '../core/analyze';
import { SEVERITY_RANK, type AnalysisNote, type Severity } from '../core/finding';
import type { SuppressedFinding } from '../core/policy';
import { LineIndex, toReportError, toReportFinding, type ReportError, type ReportFinding } from '../core/report';

/** A finding a .vigilrc.json suppression hides: not counted, not failing the run, listed with the reason. */
export type ReportSuppressed = ReportFinding & { suppression: SuppressedFinding['suppression'] };

export interface Report {
  version: 1;
  asOf: string;
  registry: string;
  findings: ReportFinding[];
  /** Hidden by .vigilrc.json suppressions (JSON only): what was hidden and why. */
  suppressed: ReportSuppressed[];
  errors: ReportError[];
  /** About the whole run: advisories skipped (a replay, offline) or unavailable (no endpoint, failures). */
  notes: AnalysisNote[];
  summary: { packages: number; checked: number; bySeverity: Record<Severity, number>; suppressed: number };
}

export function buildReport(result: AnalysisResult, texts: ReadonlyMap<string, string>, registry: string): Report {
  const indexes = new Map<string, LineIndex>();
  const indexFor = (file: string): LineIndex => {
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new LineIndex(texts.get(file) ?? '')));
    return index;
  };
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const finding of result.findings) bySeverity[finding.severity]++;
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

/** One line per finding (file:line:col, 1-based like compilers print), its fix, then a summary. */
export function renderText(report: Report): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const where = `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    const what = f.package ? ` ${f.package}${f.version ? `@${f.version}` : ''}` : '';
    lines.push(`${where} ${f.severity} ${f.signal}${what} — ${f.message}`);
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
  const { packages, checked, bySeverity } = report.summary;
  const counts = (Object.keys(bySeverity) as Severity[])
    .sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])
    .filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}${bySeverity[s] === 1 || s === 'information' ? '' : 's'}`);
  const found = counts.length > 0 ? counts.join(', ') : 'no findings';
  const unchecked = report.errors.length > 0 ? `; ${report.errors.length} could not be checked` : '';
  const hidden = report.summary.suppressed > 0 ? `; ${report.summary.suppressed} suppressed by .vigilrc.json (see --format json)` : '';
  return `vigil: ${found} — ${checked} of ${packages} dependencies checked against ${report.registry} as of ${report.asOf}${unchecked}${hidden}.`;
}
