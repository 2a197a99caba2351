/**
 * `--format sarif`: the report as one SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.
 *
 * - One rule per signal (ruleId = signal id) with descriptions and help from signalHelp.ts.
 * - Locations relative to the checked folder (or --sarif-base) with uriBaseId %SRCROOT%; regions are
 *   1-based lines and columns counted in UTF-16 code units (run.columnKind), as the report's positions are.
 * - partialFingerprints[vigilFindingHash/v1]: a hash of (signal, file, package, version), not of lines,
 *   so an alert survives edits that move it; the same hash identifies baseline entries.
 * - Findings a .vigilrc.json suppression hides are results with an "external" suppression: the decision
 *   lives in a separate policy file, not inside the artifact the result is in (SARIF's "inSource" means a
 *   comment or attribute in that very file), and viewers show them as dismissed, with the reason.
 * - With --baseline, results carry baselineState new / unchanged.
 * - Unchecked packages and notes are toolExecutionNotifications of the one invocation.
 */
import { posix } from 'node:path';
import { SIGNAL_IDS, type Severity, type SignalId } from '../core/finding';
import type { PositionRange } from '../core/report';
import { fingerprint, FINGERPRINT_KEY } from './baseline';
import type { Report, ReportItem, ReportSuppressed } from './output';
import { SIGNAL_HELP, type SignalHelp } from './signalHelp';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** GitHub code scanning's `security-severity` (CVSS-like, 0–10) per default severity: critical ≥ 9, high ≥ 7, medium ≥ 4. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', information: '2.0', hint: '1.0' };

export interface SarifOptions {
  toolVersion: string;
  /** Posix path from the SARIF base folder to the checked folder ('' when they are the same). */
  pathPrefix?: string;
  /** The exit code the run ends with (invocation.exitCode). */
  exitCode: number;
  /** False when packages could not be checked (the run's result is incomplete). */
  executionSuccessful: boolean;
}

type Json = Record<string, unknown>;

export function renderSarif(report: Report, options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}

export function buildSarif(report: Report, options: SarifOptions): Json {
  const ruleIndex = new Map<string, number>(SIGNAL_IDS.map((id, index) => [id, index]));
  const uri = (file: string): string => toUri(posix.normalize(posix.join(options.pathPrefix ?? '', file)));
  const results = [
    ...report.findings.map((f) => result(f, ruleIndex, uri)),
    ...report.suppressed.map((f) => ({ ...result(f, ruleIndex, uri), suppressions: [suppression(f, uri)] })),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Vigil',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules: SIGNAL_IDS.map((id) => rule(id, SIGNAL_HELP[id])),
          },
        },
        invocations: [invocation(report, options, uri)],
        columnKind: 'utf16CodeUnits',
        results,
        properties: runProperties(report),
      },
    ],
  };
}

function rule(id: SignalId, help: SignalHelp): Json {
  const level = SARIF_LEVEL[help.severity];
  const where = help.anchor ? ` See "${help.anchor}" in Vigil's docs/signals.md.` : '';
  return {
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: help.short },
    fullDescription: { text: help.full },
    help: {
      text: `${help.full}\n\nWhat to do: ${help.action}${where}`,
      markdown: `**${id}**: ${help.short}\n\n${help.full}\n\n**What to do:** ${help.action}${where}`,
    },
    defaultConfiguration: { level },
    properties: {
      tags: ['security', 'supply-chain', 'npm', help.kind],
      precision: help.kind === 'project' ? 'very-high' : 'high',
      'problem.severity': help.severity === 'information' || help.severity === 'hint' ? 'recommendation' : help.severity,
      'security-severity': id === 'known-malware' ? '9.8' : SECURITY_SEVERITY[help.severity],
    },
  };
}

function result(f: ReportItem | ReportSuppressed, ruleIndex: ReadonlyMap<string, number>, uri: (file: string) => string): Json {
  return {
    ruleId: f.signal,
    ruleIndex: ruleIndex.get(f.signal) ?? -1,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: SRCROOT }, region: region(f.range) } }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    ...('baselineState' in f && f.baselineState && { baselineState: f.baselineState }),
    properties: {
      severity: f.severity,
      ...(f.package && { package: f.package }),
      ...(f.version && { version: f.version }),
      ...(f.spec && { spec: f.spec }),
      ...(f.fix && { fix: f.fix }),
      evidence: f.evidence,
    },
  };
}

function suppression(f: ReportSuppressed, uri: (file: string) => string): Json {
  const { entry, reason, expires, file } = f.suppression;
  return {
    kind: 'external',
    status: 'accepted',
    justification: reason,
    location: { physicalLocation: { artifactLocation: { uri: uri(file), uriBaseId: SRCROOT } } },
    properties: { entry, ...(expires && { expires }) },
  };
}

function invocation(report: Report, options: SarifOptions, uri: (file: string) => string): Json {
  const notifications = [
    ...report.errors.map((e) => ({
      level: 'error',
      message: { text: `${e.package} was not checked: ${e.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(e.file), uriBaseId: SRCROOT }, region: region(e.range) } }],
      descriptor: { id: `not-checked/${e.kind}` },
    })),
    ...report.notes.map((note) => ({ level: 'note', message: { text: note.message }, descriptor: { id: note.code } })),
  ];
  return {
    executionSuccessful: options.executionSuccessful,
    exitCode: options.exitCode,
    ...(notifications.length > 0 && { toolExecutionNotifications: notifications }),
  };
}

function runProperties(report: Report): Json {
  return {
    asOf: report.asOf,
    registry: report.registry,
    summary: report.summary,
    ...(report.baseline && { baseline: report.baseline }),
    ...(report.changedSince && { changedSince: report.changedSince }),
  };
}

/** SARIF regions: 1-based lines and columns; endColumn is the column just past the range. */
export function region(range: PositionRange): Json {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** A relative path as a URI reference: each segment percent-encoded, `/` kept (and `@`, common in scoped folders). */
export function toUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%40/g, '@'))
    .join('/');
}
