/**
 * Pieces the npm and pnpm lockfile parsers share: a capped problem list, merge-conflict markers, and
 * what kind of source a resolved URL names. Pure; never throws; messages never quote the file.
 */
import type { OffsetRange } from '../finding';
import type { LockfileProblem, LockfileProblemCode, LockSource } from '../lockfile/types';

/** One problem says where a file breaks; a handful of bad entries say how widespread it is. */
export const MAX_ENTRY_PROBLEMS = 10;

/**
 * Problems in the order found: at most one that says where the file breaks (syntax, truncation,
 * conflict) and a few bad entries. Once the file is broken, bad entries are not reported: most are
 * the break's own consequences (a shifted structure, a cut entry), and the break is what to fix first.
 */
export class ProblemList {
  private readonly found: LockfileProblem[] = [];
  private entries = 0;
  private brokenAt: number | undefined;

  get items(): LockfileProblem[] {
    return this.brokenAt === undefined ? this.found : this.found.filter((p) => p.code !== 'lockfile-invalid-entry');
  }

  /** A problem with the file as a whole (syntax, truncation, conflict): only the first is kept. */
  broken(code: LockfileProblemCode, message: string, range: OffsetRange): void {
    if (this.brokenAt !== undefined) return;
    this.brokenAt = range.start;
    this.found.push({ code, severity: 'error', message, range });
  }

  get isBroken(): boolean {
    return this.brokenAt !== undefined;
  }

  /** A problem with one entry or one field, kept up to the cap. */
  entry(message: string, range: OffsetRange): void {
    if (this.entries >= MAX_ENTRY_PROBLEMS || this.brokenAt !== undefined) return;
    this.entries++;
    this.found.push({ code: 'lockfile-invalid-entry', severity: 'error', message, range });
  }

  version(message: string, range: OffsetRange): void {
    this.found.push({ code: 'lockfile-unsupported-version', severity: 'warning', message, range });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Clamp a range to the text: problems must always point inside it. */
export function clampRange(start: number, end: number, length: number): OffsetRange {
  const s = Math.max(0, Math.min(start, length));
  return { start: s, end: Math.max(s, Math.min(end, length)) };
}

const MARKER = /^(<{7}|={7}|>{7}|\|{7})(?=[ \t\r\n]|$)/gm;

export interface ConflictScan {
  /** The first marker line (without its line break). */
  first: OffsetRange;
  /**
   * The text with the markers and "their" side blanked out (every character but line breaks turned
   * into a space), so every offset of "our" side stays where it was.
   */
  ours: string;
}

/**
 * Git's merge markers at the start of a line. Like npm (which parses "our" side of a conflicted
 * package-lock.json), the caller can still read one side; pnpm resolves conflicts the same way.
 */
export function scanConflict(text: string): ConflictScan | undefined {
  MARKER.lastIndex = 0;
  const firstMatch = MARKER.exec(text);
  if (!firstMatch) return undefined;
  const first = { start: firstMatch.index, end: lineEnd(text, firstMatch.index) };
  const chars = text.split('');
  // 0: outside a conflict, 1: ours, 2: base (diff3), 3: theirs.
  let state = 0;
  MARKER.lastIndex = 0;
  let cursor = 0;
  for (let match = MARKER.exec(text); match; match = MARKER.exec(text)) {
    const at = match.index;
    if (state >= 2) blank(chars, cursor, at);
    const kind = match[1]?.charAt(0);
    if (kind === '<') state = 1;
    else if (kind === '|') state = state === 1 ? 2 : state;
    else if (kind === '=') state = state === 0 ? 0 : 3;
    else state = 0;
    const end = lineEnd(text, at);
    blank(chars, at, end);
    cursor = end;
  }
  if (state >= 2) blank(chars, cursor, text.length);
  return { first, ours: chars.join('') };
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

function blank(chars: string[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = chars[i];
    if (c !== '\n' && c !== '\r') chars[i] = ' ';
  }
}

/** A byte-order mark becomes a space of the same length, so offsets stay put (npm strips it). */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function isSemverVersion(version: string): boolean {
  return SEMVER.test(version);
}

const GIT_RESOLVED = /^(git\+[a-z+]+:|git:|git@|github:|gitlab:|bitbucket:|gist:)/i;
const CODELOAD = /^https?:\/\/codeload\.github\.com\//i;

/**
 * What a resolved URL (npm `resolved`, pnpm `resolution.tarball`) names. A tarball URL is a registry's
 * when its path has the registry layout for this package (`…/<name>/-/<unscoped>-<version>.tgz`, the
 * scope's slash possibly encoded), whatever the host: private registries and mirrors use it too.
 */
export function sourceOfResolved(resolved: string, name: string): LockSource {
  // The common case first, without a regular expression: the registry's own tarball URL.
  if (resolved.startsWith('https://') && hasRegistryLayout(resolved, name)) return 'registry';
  if (GIT_RESOLVED.test(resolved) || CODELOAD.test(resolved)) return 'git';
  if (/^file:/i.test(resolved)) return 'file';
  if (/^https?:\/\//i.test(resolved)) return hasRegistryLayout(resolved, name) ? 'registry' : 'tarball';
  return 'unknown';
}

export function hasRegistryLayout(url: string, name: string): boolean {
  return hasExactLayout(url, name) || hasLooseLayout(url, name);
}

/**
 * The usual spelling, `…/<name>/-/<unscoped>-<version>.tgz` with nothing after the file name. It runs
 * once per locked package, so the separators are found character by character rather than with
 * `lastIndexOf`: the file name starts after the last `/`, so that `/` must be the end of `/-/`.
 */
function hasExactLayout(url: string, name: string): boolean {
  const n = url.length;
  if (n < 4 || url.charCodeAt(n - 4) !== 46 || url.charCodeAt(n - 3) !== 116 || url.charCodeAt(n - 2) !== 103 || url.charCodeAt(n - 1) !== 122) return false;
  let slash = n - 5;
  while (slash >= 0 && url.charCodeAt(slash) !== 47) slash--;
  const dash = slash - 2;
  if (dash < 1 || url.charCodeAt(dash) !== 47 || url.charCodeAt(dash + 1) !== 45) return false;
  const nameAt = dash - name.length;
  const unscopedAt = name.charCodeAt(0) === 64 ? name.indexOf('/') + 1 : 0;
  return (
    nameAt > 0 &&
    url.charCodeAt(nameAt - 1) === 47 &&
    url.startsWith(name, nameAt) &&
    url.startsWith(unscopedAt === 0 ? name : name.slice(unscopedAt), slash + 1) &&
    url.charCodeAt(slash + 1 + name.length - unscopedAt) === 45
  );
}

/** Another case, an encoded scope (`@scope%2fname`), or a query or fragment. */
function hasLooseLayout(url: string, name: string): boolean {
  const unscopedAt = name.charCodeAt(0) === 64 ? name.indexOf('/') + 1 : 0;
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  const at = path.lastIndexOf('/-/');
  if (at === -1 || !path.toLowerCase().endsWith('.tgz')) return false;
  const before = path.slice(0, at).toLowerCase();
  const file = path.slice(at + 3).toLowerCase();
  const lower = name.toLowerCase();
  const named = before.endsWith(`/${lower}`) || before.endsWith(`/${lower.replace('/', '%2f')}`);
  return named && file.startsWith(`${lower.slice(unscopedAt)}-`) && !file.includes('/');
}
