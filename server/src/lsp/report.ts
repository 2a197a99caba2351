/**
 * `vigil/report`: every finding of every validated document as one Markdown document, for a preview.
 * Read from the published analyses (nothing is analysed again). Registry text in messages is escaped like
 * the hover's (core/hover/markdown.ts); every link is a file URI of ours with a line fragment.
 */
import { relative, sep } from 'node:path';
import { SEVERITY_RANK, type Finding, type Severity } from '../core/finding';
import { SEVERITY_ICONS } from '../core/hover/findings';
import { text } from '../core/hover/markdown';
import { LineIndex } from '../core/report';
import type { ReportResult } from '../protocol';
import type { Analysis } from './validator';
import { uriToPath } from './workspace';

/** Rows per file before "and N more": a 5,000-entry lockfile must not make a preview that never renders. */
const MAX_ROWS_PER_FILE = 200;
const MESSAGE_CHARS = 300;

interface FileFindings {
  uri: string;
  shown: string;
  text: string;
  findings: Finding[];
}

export function workspaceReport(analyses: ReadonlyArray<readonly [string, Analysis]>, roots: readonly string[]): ReportResult {
  const files: FileFindings[] = [];
  const asOf = new Set<string>();
  for (const [uri, analysis] of analyses) {
    const findings = analysis.result.findings.filter((finding) => finding.file === analysis.file);
    if (analysis.replay) asOf.add(analysis.result.asOf);
    if (findings.length > 0) files.push({ uri, shown: shownPath(uri, roots), text: analysis.source.text, findings });
  }
  files.sort((a, b) => worst(b.findings) - worst(a.findings) || (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const file of files) for (const finding of file.findings) counts[finding.severity]++;
  const total = files.reduce((sum, file) => sum + file.findings.length, 0);

  const lines = ['# Vigil report', '', summaryLine(counts, total, analyses.length)];
  if (asOf.size > 0) lines.push('', `Replaying ${[...asOf].sort().join(', ')} (vigil.asOf): not about today.`);
  for (const file of files) lines.push('', ...fileSection(file));
  return { markdown: `${lines.join('\n')}\n`, findings: total };
}

function summaryLine(counts: Record<Severity, number>, total: number, documents: number): string {
  const checked = `${documents} ${documents === 1 ? 'file' : 'files'} checked`;
  if (total === 0) return `No findings; ${checked}.`;
  const noun: Record<Severity, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], information: ['information', 'information'], hint: ['hint', 'hints'] };
  const parts = (Object.keys(counts) as Severity[])
    .filter((severity) => counts[severity] > 0)
    .map((severity) => `${counts[severity]} ${noun[severity][counts[severity] === 1 ? 0 : 1]}`);
  return `${parts.join(', ')}; ${checked}.`;
}

function fileSection(file: FileFindings): string[] {
  const index = new LineIndex(file.text);
  const rows = file.findings.slice(0, MAX_ROWS_PER_FILE).map((finding) => {
    const line = index.positionAt(finding.range.start).line + 1;
    const what = finding.package === '' ? '' : text(finding.version === undefined ? finding.package : `${finding.package}@${finding.version}`, 100);
    const pin = finding.fix ? text(finding.fix.replaceWith ? `use ${finding.fix.replaceWith}` : finding.fix.pin, 60) : '';
    return `| ${SEVERITY_ICONS[finding.severity]} | [${line}](${lineLink(file.uri, line)}) | ${what || ' '} | ${finding.signal} | ${text(finding.message, MESSAGE_CHARS)} | ${pin || ' '} |`;
  });
  const more = file.findings.length - rows.length;
  return [
    `## ${text(file.shown, 200)}`,
    '',
    '| | line | package | signal | what happened | pin |',
    '|---|---|---|---|---|---|',
    ...rows,
    ...(more > 0 ? ['', `…and ${more} more: see the Problems view.`] : []),
  ];
}

/** A file URI with the line, safe inside `(…)`. */
function lineLink(uri: string, line: number): string {
  return `${uri.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}#L${line}`;
}

/** The path relative to the workspace folder holding it (with the folder's name when there are several). */
function shownPath(uri: string, roots: readonly string[]): string {
  const path = uriToPath(uri);
  if (path === undefined) return uri;
  const root = roots.filter((r) => path === r || path.startsWith(r.endsWith(sep) ? r : r + sep)).sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return path;
  const inside = relative(root, path).split(sep).join('/');
  return roots.length > 1 ? `${root.split(sep).pop() ?? root}/${inside}` : inside;
}

function worst(findings: readonly Finding[]): number {
  return Math.max(...findings.map((finding) => SEVERITY_RANK[finding.severity]));
}
