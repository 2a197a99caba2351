/**
 * Which high-impact package a name imitates, if any. The list (npm-high-impact: the most depended-upon
 * and most downloaded packages, most popular first) is injected by the adapters; the core only indexes it.
 *
 * The tricks recorded in typosquatting campaigns, strongest evidence first:
 * - the same name once case, separators (`-` `_` `.` or none), the scope marker and look-alike digits
 *   (0/o, 1/l) are ignored: crossenv, babelcli, types-node (@types/node), l0dash;
 * - a `js`/`node` prefix or suffix added: jquery.js, nodemailer-js, node-sqlite, mssql-node;
 * - the bare name of a scoped package without its scope: the 2022 @azure campaign (core-tracing);
 * - a scope that copies the package's name, or misspells a high-impact scope: @lodash/lodash,
 *   @typescript_eslinter/eslint-plugin;
 * - one edit (insert, delete, substitute, swap two neighbours) for names of 5+ characters, two for
 *   names of 10+, keeping the first character: raect, lodahs, mongose, electorn. Between unscoped names
 *   only (scoped names are judged by their scope), and not when the names differ only in digits
 *   (mkdirp2, passport-oauth1) or the name extends the other with a separator (zustand-x): those are
 *   deliberate names, not slips.
 *
 * Never flagged: a name on the list itself (so two high-impact names are never flagged against each
 * other: preact is not a typo of react), and a scoped name whose scope already owns a package on the list.
 * Only that scope's owner can publish under it, so nobody else can squat there (@types/nodee is not a
 * trap anyone could set).
 */
import { FuzzyIndex } from './fuzzyIndex';

export type Technique = 'separators' | 'scope' | 'homoglyph' | 'affix' | 'missing-scope' | 'scope-name' | 'scope-typo' | 'edit';

export interface NameMatch {
  /** The high-impact package the name most likely meant. */
  intended: string;
  technique: Technique;
  /** Edit distance between the normalised names (0: they differ only in case, separators, scope or digits). */
  distance: number;
  /** Position of `intended` in the high-impact list (0 = the most popular). */
  rank: number;
}

/** Shortest normalised name edits are judged on: shorter names are too dense to tell typos from words. */
export const MIN_EDIT_LENGTH = 5;
/** From this normalised length on, two edits count as a typo. */
export const TWO_EDIT_LENGTH = 10;
/** What is left after removing a js/node affix must be this long to still name something (d3.js). */
const MIN_AFFIX_STEM = 2;
/** A bare name must be this long, and contain a separator, to be distinctive without its scope. */
const MIN_BARE_LENGTH = 8;
/** Bare names of @types packages are the typed packages' own names, never a squat on them. */
const NO_BARE_MATCH_SCOPES = new Set(['types']);

const PREFIXES = ['node', 'js'];
const SUFFIXES = ['js', 'node'];
const SEPARATORS = /[-_.]/;

/** Lower case, with the scope marker and separators dropped: the name as it is read aloud. */
export function plainName(name: string): string {
  return name.toLowerCase().replace(/[@/_.-]/g, '');
}

/** plainName with look-alike digits read as letters (0→o, 1→l): the name as it looks. */
export function glyphName(name: string): string {
  return plainName(name).replace(/0/g, 'o').replace(/1/g, 'l');
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

function editBudget(length: number): number {
  return length >= TWO_EDIT_LENGTH ? 2 : length >= MIN_EDIT_LENGTH ? 1 : 0;
}

function splitScope(name: string): { scope: string; bare: string } | undefined {
  if (!name.startsWith('@')) return undefined;
  const slash = name.indexOf('/');
  return slash > 1 ? { scope: name.slice(1, slash), bare: name.slice(slash + 1) } : undefined;
}

/** Names that differ only in digits are versions or editions of one another (mkdirp2, oauth1/oauth2). */
function digitsOnly(a: string, b: string): boolean {
  return a.replace(/\d/g, '') === b.replace(/\d/g, '');
}

/** `name` builds on `other` with a separator (zustand-x, x-zustand): a deliberate name, not a slip. */
function extends_(name: string, other: string): boolean {
  const at = name.indexOf(other);
  if (at < 0 || name === other) return false;
  const before = at === 0 || SEPARATORS.test(name[at - 1] as string);
  const after = at + other.length === name.length || SEPARATORS.test(name[at + other.length] as string);
  return before && after;
}

export class HighImpactIndex {
  private readonly names: readonly string[];
  /** Name → its position in the list. */
  private readonly ids = new Map<string, number>();
  private readonly byGlyph = new Map<string, number[]>();
  private readonly plain: string[];
  /** Unscoped names only: edits are judged between unscoped names. */
  private readonly byEdit: FuzzyIndex;
  private readonly byBare = new Map<string, number[]>();
  private readonly scopeIds = new Map<string, number>();
  private readonly scopes: string[] = [];
  private readonly byScope: FuzzyIndex;

  /** `names`: most popular first (npm-high-impact's order); a repeated name keeps its first place. */
  constructor(names: readonly string[]) {
    this.names = names;
    this.plain = names.map(plainName);
    const unscoped: Array<readonly [number, string]> = [];
    names.forEach((name, id) => {
      if (this.ids.has(name)) return;
      this.ids.set(name, id);
      add(this.byGlyph, glyphName(name), id);
      const parts = splitScope(name);
      if (!parts) {
        unscoped.push([id, this.plain[id] as string]);
        return;
      }
      if (!this.scopeIds.has(parts.scope)) {
        this.scopeIds.set(parts.scope, this.scopes.length);
        this.scopes.push(parts.scope);
      }
      if (!NO_BARE_MATCH_SCOPES.has(parts.scope)) add(this.byBare, parts.bare, id);
    });
    this.byEdit = new FuzzyIndex(unscoped, editBudget);
    this.byScope = new FuzzyIndex(
      this.scopes.map((scope, id) => [id, plainName(scope)] as const),
      editBudget,
    );
  }

  get size(): number {
    return this.ids.size;
  }

  has(name: string): boolean {
    return this.ids.has(name);
  }

  /** The high-impact package `name` imitates, or undefined when it imitates none (or is one). */
  match(name: string): NameMatch | undefined {
    if (this.ids.has(name)) return undefined;
    const parts = splitScope(name);
    // Only the owner of a scope can publish in it: a scope that owns listed packages cannot be squatted.
    if (parts && this.scopeIds.has(parts.scope)) return undefined;
    return (
      this.best(this.byGlyph.get(glyphName(name)) ?? [], (id) => ({ technique: this.spelling(name, id), distance: 0 })) ??
      this.affixed(plainName(name)) ??
      (parts ? this.scoped(parts) : (this.unscoped(name) ?? this.edited(name)))
    );
  }

  /** How two names with the same glyph form differ. */
  private spelling(name: string, id: number): Technique {
    const other = this.names[id] as string;
    if (name.startsWith('@') !== other.startsWith('@')) return 'scope';
    return plainName(name) === (this.plain[id] as string) ? 'separators' : 'homoglyph';
  }

  /** The name is a listed one with js/node added (jquery.js, nodemailer-js, mssql-node). */
  private affixed(key: string): NameMatch | undefined {
    const ids = affixStems(key).flatMap((stem) => this.byGlyph.get(stem) ?? []);
    return this.best(ids, () => ({ technique: 'affix', distance: 0 }));
  }

  /** An unscoped name that is a listed scoped package's distinctive bare name (the @azure campaign). */
  private unscoped(name: string): NameMatch | undefined {
    if (name.length < MIN_BARE_LENGTH || !SEPARATORS.test(name)) return undefined;
    return this.best(this.byBare.get(name.toLowerCase()) ?? [], () => ({ technique: 'missing-scope', distance: 0 }));
  }

  /** A scope nobody on the list owns: named after the package itself, or misspelling a listed scope. */
  private scoped({ scope, bare }: { scope: string; bare: string }): NameMatch | undefined {
    const bareId = this.ids.get(bare);
    if (bareId !== undefined && !bare.startsWith('@') && sameStem(plainName(scope), this.plain[bareId] as string)) {
      return this.best([bareId], () => ({ technique: 'scope-name', distance: 0 }));
    }
    const ids: number[] = [];
    let distance = Number.POSITIVE_INFINITY;
    for (const [scopeId, d] of this.byScope.near(plainName(scope), (id) => plainName(this.scopes[id] as string))) {
      const id = this.ids.get(`@${this.scopes[scopeId] as string}/${bare}`);
      if (id === undefined) continue;
      ids.push(id);
      distance = Math.min(distance, d);
    }
    return this.best(ids, () => ({ technique: 'scope-typo', distance }));
  }

  private edited(name: string): NameMatch | undefined {
    const key = plainName(name);
    if (key.length < MIN_EDIT_LENGTH) return undefined;
    const lower = name.toLowerCase();
    const near = [...this.byEdit.near(key, (id) => this.plain[id] as string)].filter(([id, distance]) => {
      const other = (this.names[id] as string).toLowerCase();
      return !digitsOnly(key, this.plain[id] as string) && !extends_(lower, other) && !extends_(other, lower) && typoInWord(lower, other, distance);
    });
    if (near.length === 0) return undefined;
    const closest = Math.min(...near.map(([, d]) => d));
    return this.best(near.filter(([, d]) => d === closest).map(([id]) => id), () => ({ technique: 'edit', distance: closest }));
  }

  /** The most popular of `ids` (lowest rank), described by `how`. */
  private best(ids: readonly number[], how: (id: number) => Pick<NameMatch, 'technique' | 'distance'>): NameMatch | undefined {
    if (ids.length === 0) return undefined;
    const id = Math.min(...ids);
    return { intended: this.names[id] as string, rank: id, ...how(id) };
  }
}

/**
 * Edits are judged on the word they fall in, not the whole name: eslint-config-bod is not two typos
 * away from eslint-config-xo, it is another word. The word of `intended` where the names first differ
 * must be long enough for `distance` edits (3+ characters for one, 5+ for two).
 */
function typoInWord(name: string, intended: string, distance: number): boolean {
  let at = 0;
  while (at < name.length && at < intended.length && name[at] === intended[at]) at++;
  let start = at;
  while (start > 0 && !SEPARATORS.test(intended[start - 1] as string)) start--;
  let end = at;
  while (end < intended.length && !SEPARATORS.test(intended[end] as string)) end++;
  return end - start >= (distance === 1 ? 3 : MIN_EDIT_LENGTH);
}

/** A scope named after the package, give or take js/node: @lodash/lodash, @chalkjs/chalk. */
function sameStem(scopeKey: string, bareKey: string): boolean {
  const stems = (key: string): string[] => [key, ...affixStems(key)];
  return stems(scopeKey).some((a) => stems(bareKey).includes(a));
}

function add(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
