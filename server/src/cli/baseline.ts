/**
 * Baselines: `vigil baseline` records today's findings; `vigil check --baseline FILE` then reports them as
 * "unchanged" and fails only on new ones. A finding is identified by its fingerprint: a hash of (signal,
 * file, package, version), never of its position, so it survives edits that move lines, and a bump to
 * another version is a new finding. The same fingerprint is SARIF's `partialFingerprints`.
 */
import { createHash } from 'node:crypto';
import type { Report, ReportItem } from './output';

/** The key of the fingerprint in SARIF `partialFingerprints` (versioned: a new recipe gets a new key). */
export const FINGERPRINT_KEY = 'vigilFindingHash/v1';

export const BASELINE_VERSION = 1;

export interface FingerprintFields {
  signal: string;
  file: string;
  package: string;
  version?: string | null | undefined;
}

export function fingerprint(finding: FingerprintFields): string {
  const key = JSON.stringify([finding.signal, finding.file, finding.package, finding.version ?? '']);
  return createHash('sha256').update(key).digest('hex');
}

export interface BaselineEntry {
  signal: string;
  file: string;
  package: string;
  version: string | null;
  fingerprint: string;
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  /** When it was written (the runtime's clock). */
  generatedAt: string;
  /** "vigil 0.1.0": what wrote it. */
  tool: string;
  entries: BaselineEntry[];
}

/** Every finding of the report (suppressed ones stay the policy's business), deduplicated and sorted. */
export function buildBaseline(findings: readonly ReportItem[], now: Date, tool: string): BaselineFile {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const entry = { signal: f.signal, file: f.file, package: f.package, version: f.version ?? null, fingerprint: fingerprint(f) };
    byFingerprint.set(entry.fingerprint, entry);
  }
  const entries = [...byFingerprint.values()].sort(compareEntries);
  return { version: BASELINE_VERSION, generatedAt: now.toISOString(), tool, entries };
}

export function renderBaseline(baseline: BaselineFile): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const key of ['file', 'package', 'version', 'signal', 'fingerprint'] as const) {
    const x = a[key] ?? '';
    const y = b[key] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export type ParsedBaseline = { ok: true; fingerprints: Set<string> } | { ok: false; message: string };

/**
 * The fingerprints a baseline file lists. Entries are matched by their fields (so a hand-edited entry
 * without a fingerprint still works) and by the recorded fingerprint. Errors describe the shape, never
 * quote the file.
 */
export function parseBaseline(text: string): ParsedBaseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, message: 'is not valid JSON' };
  }
  if (!isRecord(doc) || !Array.isArray(doc.entries)) return { ok: false, message: 'is not a Vigil baseline (no "entries" list)' };
  if (doc.version !== BASELINE_VERSION) return { ok: false, message: `has baseline version ${JSON.stringify(doc.version)?.slice(0, 20)}; this Vigil reads version ${BASELINE_VERSION}` };
  const fingerprints = new Set<string>();
  for (const [index, entry] of doc.entries.entries()) {
    if (!isRecord(entry)) return { ok: false, message: `has an entry that is not an object (entry ${index + 1})` };
    const fields = ['signal', 'file', 'package'].every((key) => typeof entry[key] === 'string');
    const version = entry.version === undefined || entry.version === null || typeof entry.version === 'string';
    if (fields && version) {
      fingerprints.add(fingerprint({ signal: entry.signal as string, file: entry.file as string, package: entry.package as string, version: entry.version as string | null | undefined }));
    }
    if (typeof entry.fingerprint === 'string') fingerprints.add(entry.fingerprint);
    else if (!fields || !version) return { ok: false, message: `has an entry with neither a fingerprint nor signal, file and package (entry ${index + 1})` };
  }
  return { ok: true, fingerprints };
}

/** Marks each finding `unchanged` (listed) or `new`; only new ones count for the exit code. */
export function applyBaseline(report: Report, fingerprints: ReadonlySet<string>, file: string): Report {
  const findings = report.findings.map((f): ReportItem => ({ ...f, baselineState: fingerprints.has(fingerprint(f)) ? 'unchanged' : 'new' }));
  const unchanged = findings.filter((f) => f.baselineState === 'unchanged').length;
  return {
    ...report,
    findings,
    summary: { ...report.summary, baselined: unchanged },
    baseline: { file, new: findings.length - unchanged, unchanged },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
