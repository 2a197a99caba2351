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
import { buildTables, TableLookup } from './nameTables';
import { affixStems, glyphName, MIN_EDIT_LENGTH, plainName, splitScope } from './names';

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

/**
 * What the rules below ask of the list, by position (a repeated name counts at its first position only).
 * Apart so the tables can be precomputed (nameTables.ts) and checked against plain maps in the tests.
 */
export interface NameLookup {
  /** How many distinct names. */
  readonly size: number;
  /** The position of `name`. */
  idOf(name: string): number | undefined;
  /** Whether a listed name is in this scope. */
  ownsScope(scope: string): boolean;
  /** Names whose glyphName is `key`. */
  withGlyph(key: string): readonly number[];
  /** Scoped names, except @types ones, whose bare name is `key`. */
  withBare(key: string): readonly number[];
  /** Listed scopes whose plainName is within its edit budget of `key`, as scope → distance. */
  nearScopes(key: string): Map<string, number>;
  /** Unscoped names whose plainName is within its edit budget of `key`, as position → distance. */
  nearUnscoped(key: string): Map<number, number>;
  /** plainName of the name at this position. */
  plain(id: number): string;
}

/** A bare name must be this long, and contain a separator, to be distinctive without its scope. */
const MIN_BARE_LENGTH = 8;
const SEPARATORS = /[-_.]/;

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
  private readonly lookup: NameLookup;

  /**
   * `names`: most popular first (npm-high-impact's order); a repeated name keeps its first place.
   * `lookup`: their tables, when precomputed; built from `names` otherwise.
   */
  constructor(
    private readonly names: readonly string[],
    lookup?: NameLookup,
  ) {
    this.lookup = lookup ?? new TableLookup(names, buildTables(names));
  }

  get size(): number {
    return this.lookup.size;
  }

  has(name: string): boolean {
    return this.lookup.idOf(name) !== undefined;
  }

  /** The high-impact package `name` imitates, or undefined when it imitates none (or is one). */
  match(name: string): NameMatch | undefined {
    // A listed name is among those with its glyph form: one search answers both questions.
    const sameGlyph = this.lookup.withGlyph(glyphName(name));
    if (sameGlyph.some((id) => this.names[id] === name)) return undefined;
    const parts = splitScope(name);
    // Only the owner of a scope can publish in it: a scope that owns listed packages cannot be squatted.
    if (parts && this.lookup.ownsScope(parts.scope)) return undefined;
    return (
      this.best(sameGlyph, (id) => ({ technique: this.spelling(name, id), distance: 0 })) ??
      this.affixed(plainName(name)) ??
      (parts ? this.scoped(parts) : (this.unscoped(name) ?? this.edited(name)))
    );
  }

  /** How two names with the same glyph form differ. */
  private spelling(name: string, id: number): Technique {
    const other = this.names[id] as string;
    if (name.startsWith('@') !== other.startsWith('@')) return 'scope';
    return plainName(name) === this.lookup.plain(id) ? 'separators' : 'homoglyph';
  }

  /** The name is a listed one with js/node added (jquery.js, nodemailer-js, mssql-node). */
  private affixed(key: string): NameMatch | undefined {
    const ids = affixStems(key).flatMap((stem) => this.lookup.withGlyph(stem));
    return this.best(ids, () => ({ technique: 'affix', distance: 0 }));
  }

  /** An unscoped name that is a listed scoped package's distinctive bare name (the @azure campaign). */
  private unscoped(name: string): NameMatch | undefined {
    if (name.length < MIN_BARE_LENGTH || !SEPARATORS.test(name)) return undefined;
    return this.best(this.lookup.withBare(name.toLowerCase()), () => ({ technique: 'missing-scope', distance: 0 }));
  }

  /** A scope nobody on the list owns: named after the package itself, or misspelling a listed scope. */
  private scoped({ scope, bare }: { scope: string; bare: string }): NameMatch | undefined {
    const bareId = this.lookup.idOf(bare);
    if (bareId !== undefined && !bare.startsWith('@') && sameStem(plainName(scope), this.lookup.plain(bareId))) {
      return this.best([bareId], () => ({ technique: 'scope-name', distance: 0 }));
    }
    const ids: number[] = [];
    let distance = Number.POSITIVE_INFINITY;
    for (const [listed, d] of this.lookup.nearScopes(plainName(scope))) {
      const id = this.lookup.idOf(`@${listed}/${bare}`);
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
    const near = [...this.lookup.nearUnscoped(key)].filter(([id, distance]) => {
      const other = (this.names[id] as string).toLowerCase();
      const plain = this.lookup.plain(id);
      return !digitsOnly(key, plain) && !extends_(lower, other) && !extends_(other, lower) && typoInWord(lower, other, distance);
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
