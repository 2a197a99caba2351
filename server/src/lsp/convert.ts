/**
 * Findings → LSP diagnostics, offset edits → LSP edits, a cursor → an offset. The only file in the server
 * that turns offsets into positions (and back), and it does so through core/report.ts, the same code the
 * CLI's JSON uses, so both report identical ranges.
 */
import {
  CreateFile,
  DiagnosticSeverity,
  DiagnosticTag,
  OptionalVersionedTextDocumentIdentifier,
  TextDocumentEdit,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { AnalysisError, Finding, OffsetRange, Severity } from '../core/finding';
import type { TextEdit } from '../core/fixes';
import { LineIndex, toReportError, toReportFinding, type ReportError, type ReportFinding } from '../core/report';
import type { RegistryErrorKind } from '../core/registry/types';
import type { RegistryDiagnosticCode, VigilDiagnosticData } from '../protocol';

export const DIAGNOSTIC_SOURCE = 'vigil';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Registry errors that are about one package, so they belong on its line. Every other kind (network,
 * timeout, server errors, offline) is about the whole system and goes to the status item instead: one
 * unreachable registry must not paint every dependency.
 */
const PACKAGE_ERRORS: Partial<Record<RegistryErrorKind, { code: RegistryDiagnosticCode; severity: Severity }>> = {
  // A 404 today is the core's unclaimed-name finding; only a replay still reports not-found, for a package
  // first published after the replayed instant ("did not exist yet").
  'not-found': { code: 'package-not-found', severity: 'warning' },
  'invalid-name': { code: 'invalid-package-name', severity: 'warning' },
};

const ADVISORY_SIGNALS: ReadonlySet<string> = new Set(['known-malware', 'vulnerability']);

export function isPackageError(error: AnalysisError): boolean {
  return PACKAGE_ERRORS[error.kind as RegistryErrorKind] !== undefined;
}

/** Diagnostics for one file's text; the caller passes only that file's findings and errors. */
export function toDiagnostics(text: string, findings: readonly Finding[], errors: readonly AnalysisError[]): Diagnostic[] {
  const index = new LineIndex(text);
  const diagnostics = findings.map((finding) => findingDiagnostic(toReportFinding(finding, index)));
  for (const error of errors) {
    if (isPackageError(error)) diagnostics.push(errorDiagnostic(toReportError(error, index)));
  }
  return diagnostics;
}

function findingDiagnostic(finding: ReportFinding): Diagnostic {
  const data: VigilDiagnosticData = { package: finding.package, spec: finding.spec, evidence: finding.evidence };
  if (finding.version !== undefined) data.version = finding.version;
  if (finding.fix) data.fix = finding.fix;
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.signal,
    message: finding.message,
    data,
  };
  // Editors render Deprecated-tagged ranges struck through, the convention for deprecated APIs.
  if (finding.signal === 'deprecated') diagnostic.tags = [DiagnosticTag.Deprecated];
  // Editors turn the code into a link: the advisory itself is one click away.
  const url = finding.evidence.url;
  if (ADVISORY_SIGNALS.has(finding.signal) && typeof url === 'string' && /^https?:\/\//.test(url)) diagnostic.codeDescription = { href: url };
  return diagnostic;
}

function errorDiagnostic(error: ReportError): Diagnostic {
  const mapped = PACKAGE_ERRORS[error.kind as RegistryErrorKind] ?? { code: 'registry-error', severity: 'warning' };
  const data: VigilDiagnosticData = { package: error.package, spec: '', evidence: { kind: error.kind } };
  return {
    range: error.range,
    severity: SEVERITY[mapped.severity],
    source: DIAGNOSTIC_SOURCE,
    code: mapped.code,
    message: error.message,
    data,
  };
}

export function severityOf(diagnostic: Diagnostic): Severity {
  switch (diagnostic.severity) {
    case DiagnosticSeverity.Error:
      return 'error';
    case DiagnosticSeverity.Information:
      return 'information';
    case DiagnosticSeverity.Hint:
      return 'hint';
    default:
      return 'warning';
  }
}

/**
 * The offset of an LSP position in `text` (UTF-16 code units, like offsets): a line past the end is the
 * end of the text; a character past the end of its line is the end of that line (as LSP asks).
 */
export function offsetAt(text: string, position: Position): number {
  let lineStart = 0;
  for (let line = 0; line < position.line; line++) {
    const next = nextLineStart(text, lineStart);
    if (next === undefined) return text.length;
    lineStart = next;
  }
  const lineEnd = lineEndOf(text, lineStart);
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

function nextLineStart(text: string, from: number): number | undefined {
  for (let i = from; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    if (ch === 10 /* \n */) return i + 1;
  }
  return undefined;
}

function lineEndOf(text: string, lineStart: number): number {
  for (let i = lineStart; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 || ch === 10) return i;
  }
  return text.length;
}

export function toRange(text: string, range: OffsetRange): Range {
  return new LineIndex(text).rangeAt(range);
}

export function toTextEdits(text: string, edits: readonly TextEdit[]): LspTextEdit[] {
  const index = new LineIndex(text);
  return edits.map((edit) => ({ range: index.rangeAt(edit.range), newText: edit.newText }));
}

/** Offset edits for one document, against the text they were computed from. */
export interface DocumentEdits {
  uri: string;
  /** The version of the document the edits were computed against; null: the file on disk (not open). */
  version: number | null;
  text: string;
  edits: readonly TextEdit[];
  /** The file does not exist yet: create it first (text is ''). */
  create?: boolean;
}

/**
 * A workspace edit; with `documentChanges` (the client says it supports them) each document's edits are
 * versioned, so the client rejects them once the document moved on (vscode-eslint's rule for fixes).
 */
export function toWorkspaceEdit(documents: readonly DocumentEdits[], documentChanges: boolean): WorkspaceEdit {
  if (!documentChanges) {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const document of documents) changes[document.uri] = [...(changes[document.uri] ?? []), ...toTextEdits(document.text, document.edits)];
    return { changes };
  }
  return {
    documentChanges: documents.flatMap((document) => [
      ...(document.create ? [CreateFile.create(document.uri, { ignoreIfExists: true })] : []),
      TextDocumentEdit.create(OptionalVersionedTextDocumentIdentifier.create(document.uri, document.version), toTextEdits(document.text, document.edits)),
    ]),
  };
}
