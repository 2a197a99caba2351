/**
 * The hover's findings: one line each (severity, signal, the message's first sentence, the few facts it
 * rests on), then the known-good pin once. Evidence is read field by field with known meanings, never
 * dumped: a hover is read at a glance, and every value in it came from a registry.
 */
import { SEVERITY_RANK, SIGNAL_IDS, type Evidence, type Finding, type Severity } from '../finding';
import { day, list } from '../format';
import { bold, text } from './markdown';

/** Findings shown; the rest are counted. */
const MAX_FINDINGS = 6;
/** Facts shown per finding. */
const MAX_FACTS = 4;

export const SEVERITY_ICONS: Record<Severity, string> = { error: '⛔', warning: '⚠️', information: 'ℹ️', hint: '💡' };

/** The first sentence of a message: up to the first `.`/`!`/`?` followed by a space and a capital. */
export function firstSentence(message: string): string {
  const end = /[.!?](?=\s+[A-Z(])/.exec(message);
  return end === null ? message : message.slice(0, end.index + 1);
}

type Fact = (evidence: Evidence) => string | undefined;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

/** Names (or other short values) as a safe, bounded list. */
function names(values: string[], max = 3): string {
  return list(values.map((value) => text(value, 40)), max);
}

function isoDay(value: unknown): string | undefined {
  const iso = str(value);
  return iso === undefined ? undefined : text(day(iso), 10);
}

/** When and by whom the release was published: left out for the hovered release (the title says it). */
const published: Fact = (e) => {
  const at = isoDay(e.publishedAt);
  const by = str(e.publisher);
  if (at === undefined && by === undefined) return undefined;
  return `published ${at ?? ''}${at && by ? ' ' : ''}${by ? `by ${text(by, 40)}` : ''}`;
};

/** Each fact a sentence fragment of safe Markdown; the order is the order shown. */
const FACTS: Fact[] = [
  (e) => {
    const previous = str(e.previousVersion);
    if (previous === undefined) return undefined;
    const at = isoDay(e.previousPublishedAt);
    const by = str(e.previousPublisher);
    const details = [at, by === undefined ? undefined : `by ${text(by, 40)}`].filter((d) => d !== undefined);
    return `after ${text(previous, 40)}${details.length > 0 ? ` (${details.join(' ')})` : ''}`;
  },
  (e) => (strings(e.scripts).length > 0 ? `runs ${list(strings(e.scripts).map((s) => text(s, 60)), 2)}` : undefined),
  (e) => {
    const added = records(e.dependencies).map((d) => [str(d.name), str(d.version) ?? str(d.spec)].filter((p) => p !== undefined).join(' '));
    return added.length > 0 ? `adds ${names(added)}` : undefined;
  },
  (e) => (strings(e.added).length > 0 ? `added: ${names(strings(e.added))}` : undefined),
  (e) => (strings(e.versions).length > 1 ? `releases ${names(strings(e.versions), 4)}` : undefined),
  (e) => (typeof e.silentDays === 'number' ? `${e.silentDays} days without a release` : undefined),
  (e) => {
    const before = records(e.previousPublishers).map((p) => `${str(p.name) ?? '?'}${typeof p.versions === 'number' ? ` (${p.versions})` : ''}`);
    return before.length > 0 ? `earlier publishers ${names(before)}` : undefined;
  },
  (e) => (str(e.emailChange) ? `e-mail ${text(str(e.emailChange) as string, 80)}` : undefined),
  (e) => (str(e.attestedSince) ? `attested since ${text(str(e.attestedSince) as string, 40)}` : undefined),
  (e) => (str(e.intended) ? `imitates ${text(str(e.intended) as string, 60)}${str(e.technique) ? ` (${text(str(e.technique) as string, 20)})` : ''}` : undefined),
  (e) => {
    const advisory = str(e.advisory);
    if (advisory === undefined) return undefined;
    const fixed = str(e.firstFixed);
    return `${text(advisory, 40)}${fixed ? `, fixed in ${text(fixed, 40)}` : ''}`;
  },
  (e) => (str(e.changedAt) ? `changed ${isoDay(e.changedAt)}` : undefined),
  (e) => (str(e.repository) && str(e.previousRepository) ? `repository ${text(str(e.repository) as string, 60)} (was ${text(str(e.previousRepository) as string, 60)})` : undefined),
  (e) => (str(e.host) ? `host ${text(str(e.host) as string, 60)}` : undefined),
  (e) => (strings(e.escalatedBy).length > 0 ? `escalated by ${names(strings(e.escalatedBy))}` : undefined),
  (e) => (e.dataStale === true ? `cached data${str(e.dataFetchedAt) ? ` from ${isoDay(e.dataFetchedAt)}` : ''}` : undefined),
];

/**
 * The few facts a finding rests on, as one safe line; '' when none is known. `hovered`: the version the
 * card is about, whose publish date and publisher its title already gives.
 */
export function keyEvidence(evidence: Evidence, hovered?: string): string {
  const facts: string[] = [];
  const about = str(evidence.version);
  for (const fact of about !== undefined && about === hovered ? FACTS : [published, ...FACTS]) {
    if (facts.length >= MAX_FACTS) break;
    const shown = fact(evidence);
    if (shown !== undefined) facts.push(shown);
  }
  return facts.join(' · ');
}

function findingLine(finding: Finding, hovered: string | undefined): string {
  const facts = keyEvidence(finding.evidence, hovered);
  const sentence = text(firstSentence(finding.message), 280);
  return `- ${SEVERITY_ICONS[finding.severity]} ${bold(text(finding.signal, 40))} — ${sentence}${facts === '' ? '' : ` *(${facts})*`}`;
}

/** The pin of the most decisive finding that has one: "Pin 1.2.3 — why", or the package to use instead. */
function pinLine(findings: readonly Finding[]): string | undefined {
  const fix = findings.find((finding) => finding.fix !== undefined)?.fix;
  if (fix === undefined) return undefined;
  const reason = text(fix.reason, 300);
  if (fix.replaceWith !== undefined) return `${bold('Use instead:')} ${text(fix.replaceWith, 80)} ${text(fix.pin, 40)} — ${reason}`;
  return `${bold('Suggested pin:')} ${text(fix.pin, 40)} — ${reason}`;
}

const SIGNAL_ORDER = new Map<string, number>(SIGNAL_IDS.map((id, index) => [id, index]));

/** Most severe first, then the most decisive signal (finding.ts's order); the range does not matter here. */
function byImportance(a: Finding, b: Finding): number {
  if (a.severity !== b.severity) return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
  const signal = (SIGNAL_ORDER.get(a.signal) ?? 0) - (SIGNAL_ORDER.get(b.signal) ?? 0);
  if (signal !== 0) return signal;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** The section's lines, or nothing without findings. */
export function findingsSection(findings: readonly Finding[], hovered?: string): string[] {
  if (findings.length === 0) return [];
  const ordered = [...findings].sort(byImportance);
  const lines = ordered.slice(0, MAX_FINDINGS).map((finding) => findingLine(finding, hovered));
  if (ordered.length > MAX_FINDINGS) lines.push(`- … ${ordered.length - MAX_FINDINGS} more in the Problems panel`);
  const pin = pinLine(ordered);
  return ['**Findings**', '', ...lines, ...(pin === undefined ? [] : ['', pin])];
}
