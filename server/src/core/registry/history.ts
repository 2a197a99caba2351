/** A package's publish history ordered by time: what signals compare a version against. */
import type { PackageSummary, VersionSummary } from './types';

// Summaries are never mutated once made (every caller shares them), so a history can be kept with its
// summary: the analysis asks for it, and for the instants in it, many times per package (once per signal,
// and again per candidate while looking for a known-good pin). Instants are parsed once per history.
interface Dated {
  history: readonly VersionSummary[];
  /** `Date.parse(history[i].publishedAt)`. */
  times: Float64Array;
}
const bySummary = new WeakMap<PackageSummary, Dated>();
/** The arrays publishHistory handed out, so publishedBefore can find their instants. */
const handedOut = new WeakMap<readonly VersionSummary[], Dated>();

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of `length` decimal digits at `from`, or -1 if one of them is not a digit. */
function digits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The instant of `text` when it is a valid date-time in the canonical form `toISOString()` writes
 * ("2024-05-01T12:00:00.000Z", years 1000-9999), as Date.parse would read it; undefined otherwise.
 * Registry times are in this form, and reading it by hand is several times cheaper than Date.parse.
 */
export function canonicalIsoMs(text: string): number | undefined {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(23) !== 90 // Z
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return undefined;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** `Date.parse(text)`, without the general parser for the canonical form registries use. */
export function parseIsoMs(text: string): number {
  return canonicalIsoMs(text) ?? Date.parse(text);
}

/** Dated versions, oldest first. Undated versions cannot be placed in time and are left out. */
export function publishHistory(summary: PackageSummary): VersionSummary[] {
  let dated = bySummary.get(summary);
  if (dated === undefined) {
    const versions = Object.values(summary.versions).filter((v) => v.publishedAt !== undefined);
    const times = new Float64Array(versions.length);
    let ordered = true;
    for (let i = 0; i < versions.length; i++) {
      const at = parseIsoMs((versions[i] as VersionSummary).publishedAt as string);
      times[i] = at;
      // NaN compares as "equal" in a sort, which no shortcut below can reproduce: sort those for real.
      if (Number.isNaN(at) || (i > 0 && at < (times[i - 1] as number))) ordered = false;
    }
    if (ordered) {
      // Registries list versions in publish order, and a stable sort of an already ordered list is that list.
      dated = { history: versions, times };
    } else {
      // Sorting positions by the same comparison sorts the versions into the same order.
      const order = versions.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number));
      dated = { history: order.map((i) => versions[i] as VersionSummary), times: Float64Array.from(order, (i) => times[i] as number) };
    }
    bySummary.set(summary, dated);
  }
  // A copy: callers own what they are given.
  const history = dated.history.slice();
  handedOut.set(history, dated);
  return history;
}

/** `Date.parse(history[i].publishedAt)` for every i: remembered for a history publishHistory gave out, unchanged since. */
export function publishTimes(history: readonly VersionSummary[]): Float64Array {
  const dated = handedOut.get(history);
  if (dated !== undefined && sameItems(dated.history, history)) return dated.times;
  return Float64Array.from(history, (v) => parseIsoMs(v.publishedAt as string));
}

function sameItems(a: readonly VersionSummary[], b: readonly VersionSummary[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Versions published strictly before `version`, newest first. Empty when `version` is undated. */
export function publishedBefore(history: VersionSummary[], version: VersionSummary): VersionSummary[] {
  if (version.publishedAt === undefined) return [];
  const at = parseIsoMs(version.publishedAt);
  const times = publishTimes(history);
  const before: VersionSummary[] = [];
  for (let i = history.length - 1; i >= 0; i--) if ((times[i] as number) < at) before.push(history[i] as VersionSummary);
  return before;
}

export function runsAtInstall(version: VersionSummary): boolean {
  return version.gypfile || Object.keys(version.installScripts).length > 0;
}

/** "preinstall", "install (node-gyp rebuild)", ... for messages. */
export function installHooks(version: VersionSummary): string[] {
  const hooks = Object.keys(version.installScripts);
  if (version.gypfile && !version.installScripts.install) hooks.push('install (implicit node-gyp rebuild)');
  return hooks;
}

export function publisherLabel(version: VersionSummary): string {
  const who = version.publisher;
  if (!who) return 'an unrecorded account';
  return who.trustedPublisher ? `${who.name} (trusted publishing)` : who.name;
}
