/**
 * `--format markdown`: a summary fit for a pull-request comment. A heading with counts, a table of the
 * findings that count (package, version, where, signal, severity, what happened, pin), the evidence in
 * collapsed blocks, then what could not be checked and the notes.
 *
 * Registry data ends up in messages (deprecation texts, advisory titles, account names), so every cell is
 * escaped: no table breaks, no HTML, no links or images, and no @mentions that would notify people.
 * GitHub refuses comments over 65,536 characters; the output stays under MAX_CHARS, cutting rows and
 * evidence with an "and N more" line.
 */
import type { Severity } from '../core/finding';
import { SIGNAL_HELP } from './signalHelp';
import { countBySeverity, countedFindings, plural, severityCounts, type Report, type ReportItem } from './output';

/** GitHub's comment limit is 65,536; leave room for a bot's own header and footer. */
export const MAX_CHARS = 60_000;
const EVIDENCE_CHARS = 2_000;
const MESSAGE_CHARS = 600;

const ICON: Record<Severity, string> = { error: '🛑', warning: '⚠️', information: 'ℹ️', hint: '💡' };

export function renderMarkdown(report: Report, maxChars = MAX_CHARS): string {
  const counted = countedFindings(report);
  const head = [heading(report, counted), '', context(report), ''];
  const tail = footer(report);
  const budget = maxChars - length(head) - length(tail) - 200;

  const table = ['| | package | version | where | signal | what happened | pin |', '|---|---|---|---|---|---|---|'];
  let used = length(table);
  let rows = 0;
  for (const f of counted) {
    const row = tableRow(f);
    if (used + row.length + 1 > budget * 0.6) break;
    table.push(row);
    used += row.length + 1;
    rows++;
  }
  if (rows < counted.length) table.push('', `…and ${plural(counted.length - rows, 'more finding')} not shown here: run \`vigil check --format json\` for all of them.`);

  const details: string[] = [];
  let shown = 0;
  for (const f of counted.slice(0, rows)) {
    const block = evidenceBlock(f);
    if (used + length(block) > budget) break;
    details.push(...block);
    used += length(block);
    shown++;
  }
  if (shown < rows) details.push(`…and the evidence of ${plural(rows - shown, 'more finding')}: see \`vigil check --format json\`.`, '');

  const body = counted.length > 0 ? [...table, '', ...details] : [];
  return `${[...head, ...body, ...tail].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function heading(report: Report, counted: readonly ReportItem[]): string {
  const counts = severityCounts(countBySeverity(counted));
  if (!counts) return `### Vigil: no ${report.baseline ? 'new ' : ''}findings`;
  return `### Vigil: ${counts}${report.baseline ? ' (new)' : ''}`;
}

function context(report: Report): string {
  const { packages, checked } = report.summary;
  const parts = [`${checked} of ${packages} dependencies checked against ${code(report.registry)} as of ${report.asOf}`];
  if (report.changedSince) {
    parts.push(`judged on the ${plural(report.changedSince.packages, 'package')} whose version changed since ${code(report.changedSince.ref)} (${code(report.changedSince.commit.slice(0, 12))})`);
  }
  if (report.baseline && report.baseline.unchanged > 0) parts.push(`${plural(report.baseline.unchanged, 'finding')} already in ${code(report.baseline.file)} not shown`);
  if (report.summary.suppressed > 0) parts.push(`${report.summary.suppressed} suppressed by ${code('.vigilrc.json')}`);
  return `${parts.join('; ')}.`;
}

function tableRow(f: ReportItem): string {
  const cells = [
    `${ICON[f.severity]} ${f.severity}`,
    f.package ? code(f.package) : '',
    f.version ? code(f.version) : '',
    code(`${f.file}:${f.range.start.line + 1}`),
    code(f.signal),
    escapeMarkdown(truncate(f.message, MESSAGE_CHARS)),
    pin(f),
  ];
  return `| ${cells.join(' | ')} |`;
}

function pin(f: ReportItem): string {
  if (!f.fix) return '';
  if (f.fix.replaceWith) return `use ${code(`${f.fix.replaceWith}${f.fix.pin ? `@${f.fix.pin}` : ''}`)}`;
  return code(f.fix.pin);
}

function evidenceBlock(f: ReportItem): string[] {
  const title = `${f.package ? `${f.package}${f.version ? `@${f.version}` : ''} — ` : `${f.file} — `}${f.signal}: ${SIGNAL_HELP[f.signal].short}`;
  const lines = [`<details><summary>${escapeHtml(title)}</summary>`, ''];
  if (f.fix) lines.push(`**Pin:** ${pin(f)} — ${escapeMarkdown(truncate(f.fix.reason, MESSAGE_CHARS))}`, '');
  lines.push(...fenced(truncate(JSON.stringify(reviewerEvidence(f.evidence), null, 2), EVIDENCE_CHARS), 'json'), '', '</details>', '');
  return lines;
}

/** The evidence without cache bookkeeping (when the registry answer was fetched), unless the answer was stale. */
function reviewerEvidence(evidence: ReportItem['evidence']): ReportItem['evidence'] {
  if (evidence.dataStale === true) return evidence;
  const { dataFetchedAt: _fetched, dataStale: _stale, ...rest } = evidence;
  return rest;
}

function footer(report: Report): string[] {
  const lines: string[] = [];
  if (report.errors.length > 0) {
    lines.push('', `**Not checked (${report.errors.length}):**`, '');
    for (const e of report.errors.slice(0, 20)) lines.push(`- ${code(e.package)} (${code(`${e.file}:${e.range.start.line + 1}`)}): ${escapeMarkdown(truncate(e.message, MESSAGE_CHARS))}`);
    if (report.errors.length > 20) lines.push(`- …and ${report.errors.length - 20} more`);
  }
  if (report.notes.length > 0) {
    lines.push('', ...report.notes.map((note) => `> **Note:** ${escapeMarkdown(truncate(note.message, MESSAGE_CHARS))}`));
  }
  return lines;
}

/**
 * Text safe in a table cell: HTML-escaped, Markdown punctuation backslash-escaped, on one line, with a
 * zero-width space after any `@` that would start a mention (@user, @org/team).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1')
    .replace(/(^|[^\w`])@(?=\w)/g, '$1@\u200b');
}

/** Text inside an HTML element (a <summary>), where Markdown escapes would show as backslashes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/(^|[^\w])@(?=\w)/g, '$1@\u200b');
}

/** A code span that survives backticks and pipes in its content (pipes still end table cells inside code). */
export function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A fenced block longer than any backtick run inside it. */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function length(lines: readonly string[]): number {
  return lines.reduce((sum, line) => sum + line.length + 1, 0);
}
