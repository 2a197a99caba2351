/**
 * The bulk advisory endpoint's answer → validated advisories. Pure and defensive like the packument
 * summariser: the answer is untrusted input, so the shape is checked (a wrong shape is an error, not
 * data), every kept text is bounded and stripped of control characters (titles end up in diagnostics),
 * and only the packages that were asked about are kept.
 */
import { define, isObject, own } from '../registry/records';
import type { Advisory, AdvisoryQuery, AdvisorySeverity } from './types';

const SEVERITIES: readonly AdvisorySeverity[] = ['critical', 'high', 'moderate', 'low', 'info'];
/** More than any real package has (lodash, the worst, has a dozen); bounds memory and diagnostics. */
const MAX_PER_PACKAGE = 100;

type Json = Record<string, unknown>;

export type BulkReadResult = { ok: true; advisories: Record<string, Advisory[]> } | { ok: false; reason: string };


/** Bounded, single-line, printable: registry text is shown to people and must not forge extra lines. */
export function cleanText(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function httpUrl(value: unknown): string {
  const text = cleanText(value, 500);
  return /^https?:\/\/[^\s]+$/i.test(text) ? text : '';
}

function cweList(value: unknown): string[] {
  // Old npm answers carried one "CWE-79" string; the current endpoint sends an array.
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return raw
    .filter((item): item is string => typeof item === 'string' && /^CWE-\d{1,6}$/i.test(item.trim()))
    .map((item) => item.trim().toUpperCase())
    .slice(0, 20);
}

export function readAdvisory(value: Json): Advisory {
  const severity = cleanText(value.severity, 20).toLowerCase();
  const id = value.id;
  const advisory: Advisory = {
    id: typeof id === 'number' && Number.isFinite(id) ? id : typeof id === 'string' ? cleanText(id, 100) : null,
    url: httpUrl(value.url),
    title: cleanText(value.title, 300) || 'an untitled advisory',
    severity: (SEVERITIES as readonly string[]).includes(severity) ? (severity as AdvisorySeverity) : 'info',
    vulnerable_versions: cleanText(value.vulnerable_versions, 500),
    cwe: cweList(value.cwe),
  };
  const type = cleanText(value.type, 40).toLowerCase();
  if (type) advisory.type = type;
  return advisory;
}

export function readBulkResponse(doc: unknown, asked: AdvisoryQuery): BulkReadResult {
  if (!isObject(doc)) return { ok: false, reason: 'the answer is not a JSON object' };
  const advisories: Record<string, Advisory[]> = {};
  for (const name of Object.keys(asked)) {
    const entries = own(doc, name);
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) return { ok: false, reason: `the entry for ${name} is not a list` };
    const list: Advisory[] = [];
    for (const entry of entries.slice(0, MAX_PER_PACKAGE)) {
      if (!isObject(entry)) return { ok: false, reason: `an advisory for ${name} is not an object` };
      list.push(readAdvisory(entry));
    }
    define(advisories, name, list);
  }
  return { ok: true, advisories };
}
