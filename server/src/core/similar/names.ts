/**
 * How a package name is read when judging whether it imitates another: the normal forms the typosquat
 * index is keyed on, and the edit budgets by length. Shared by the index's builder and its rules, so a
 * precomputed index and the names it is asked about are always normalised alike.
 */

/** Shortest normalised name edits are judged on: shorter names are too dense to tell typos from words. */
export const MIN_EDIT_LENGTH = 5;
/** From this normalised length on, two edits count as a typo. */
export const TWO_EDIT_LENGTH = 10;
/** What is left after removing a js/node affix must be this long to still name something (d3.js). */
const MIN_AFFIX_STEM = 2;
/** Bare names of @types packages are the typed packages' own names, never a squat on them. */
export const NO_BARE_MATCH_SCOPES = new Set(['types']);

const PREFIXES = ['node', 'js'];
const SUFFIXES = ['js', 'node'];

/** Lower case, with the scope marker and separators dropped: the name as it is read aloud. */
export function plainName(name: string): string {
  // Most names are already plain (lower-case ASCII without separators): return them without a copy.
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 128 || (code >= 65 && code <= 90) || code === 64 || code === 47 || code === 95 || code === 46 || code === 45) {
      return name.toLowerCase().replace(/[@/_.-]/g, '');
    }
  }
  return name;
}

/** plainName with look-alike digits read as letters (0→o, 1→l): the name as it looks. */
export function glyphName(name: string): string {
  const plain = plainName(name);
  return plain.includes('0') || plain.includes('1') ? plain.replace(/0/g, 'o').replace(/1/g, 'l') : plain;
}

/** `key` without a js/node prefix, a js/node suffix, or both (each leaving a stem): the names it decorates. */
export function affixStems(key: string): string[] {
  const prefix = PREFIXES.find((p) => key.startsWith(p) && key.length - p.length >= MIN_AFFIX_STEM);
  const suffix = SUFFIXES.find((s) => key.endsWith(s) && key.length - s.length >= MIN_AFFIX_STEM);
  const stems: string[] = [];
  if (prefix) stems.push(key.slice(prefix.length));
  if (suffix) stems.push(key.slice(0, key.length - suffix.length));
  if (prefix && suffix && key.length - prefix.length - suffix.length >= MIN_AFFIX_STEM) stems.push(key.slice(prefix.length, key.length - suffix.length));
  return stems;
}

/** How many edits away a plain name of this length is still a typo of it. */
export function editBudget(length: number): number {
  return length >= TWO_EDIT_LENGTH ? 2 : length >= MIN_EDIT_LENGTH ? 1 : 0;
}

export function splitScope(name: string): { scope: string; bare: string } | undefined {
  if (!name.startsWith('@')) return undefined;
  const slash = name.indexOf('/');
  return slash > 1 ? { scope: name.slice(1, slash), bare: name.slice(slash + 1) } : undefined;
}

/**
 * glyphName(name) === key, without building glyphName(name): a precomputed table is searched by
 * comparing list names with a key, and normalising every name it lands on would cost what the table
 * saves. Up to the first non-ASCII character the normal form is computed character by character
 * (lower-casing ASCII never depends on context); from there on glyphName itself decides.
 */
export function isGlyph(name: string, key: string): boolean {
  let j = 0;
  for (let i = 0; i < name.length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 128) return glyphName(name) === key;
    if (code === 64 || code === 47 || code === 95 || code === 46 || code === 45) continue; // @ / _ . -
    if (code >= 65 && code <= 90) code += 32;
    else if (code === 48) code = 111; // 0 → o
    else if (code === 49) code = 108; // 1 → l
    if (j === key.length || code !== key.charCodeAt(j++)) return false;
  }
  return j === key.length;
}

/** text.slice(start, end) === key, without slicing. */
export function isSlice(text: string, start: number, end: number, key: string): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (text.charCodeAt(start + i) !== key.charCodeAt(i)) return false;
  return true;
}
