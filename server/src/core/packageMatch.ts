/**
 * Package patterns as each tool writes them in its exclude list. They differ, and reading one tool's list
 * with another's rules would exempt packages the project never exempted (or the reverse):
 *
 * - pnpm `minimumReleaseAgeExclude`: names or globs (`@eslint/*`, pnpm 10.17), optionally with exact
 *   versions (`nx@21.6.5`, `webpack@4.47.0 || 5.102.1`, pnpm 10.19); `!` negates (@pnpm/matcher).
 * - Yarn `npmPreapprovedPackages`: package descriptors (`react@^18`) or name globs.
 * - Bun `minimumReleaseAgeExcludes`: exact names only (globs leave the gate in force).
 * - Renovate `matchPackageNames`: exact names, globs, or `/regex/flags`; `!` negates.
 */
import * as semver from 'semver';

export type NameTest = (name: string) => boolean;
export type PackageTest = (name: string, version: string | undefined) => boolean;

/** `*` matches any run of characters (slashes included, as @pnpm/matcher and micromatch's name use do). */
export function globTest(pattern: string): NameTest {
  if (!pattern.includes('*') && !pattern.includes('?')) return (name) => name === pattern;
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('')
    .replace(/(\.\*)+/g, '.*');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

/** `name@rest` with a scoped name's leading `@` kept; no `@` after the name: no version part. */
export function splitNameAndVersion(spec: string): { name: string; version?: string } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at === -1) return { name: spec };
  return { name: spec.slice(0, at), version: spec.slice(at + 1).trim() };
}

/** One pnpm exclude entry; undefined when the versions part is not a `||` list of exact versions. */
export function pnpmExcludeTest(entry: string): PackageTest | undefined {
  const { name, version } = splitNameAndVersion(entry);
  const test = globTest(name);
  if (version === undefined) return (candidate) => test(candidate);
  const versions = version.split('||').map((v) => v.trim());
  if (versions.some((v) => semver.valid(v) === null)) return undefined;
  return (candidate, resolved) => test(candidate) && resolved !== undefined && versions.includes(resolved);
}

/** One Yarn descriptor or glob; undefined when the range part is not a semver range. */
export function yarnPreapprovedTest(entry: string): PackageTest | undefined {
  const { name, version } = splitNameAndVersion(entry);
  const test = globTest(name);
  if (version === undefined) return (candidate) => test(candidate);
  const range = version.startsWith('npm:') ? version.slice(4) : version;
  if (semver.validRange(range, { loose: true }) === null) return undefined;
  return (candidate, resolved) =>
    test(candidate) && resolved !== undefined && semver.satisfies(resolved, range, { loose: true });
}

/** One Renovate pattern (without its `!`); undefined for a regular expression that does not compile. */
export function renovateNameTest(pattern: string): NameTest | undefined {
  const regex = /^\/(.+)\/([dgimsuy]*)$/.exec(pattern);
  if (!regex) return globTest(pattern);
  try {
    const compiled = new RegExp(regex[1] as string, (regex[2] as string).replace('g', ''));
    return (name) => compiled.test(name);
  } catch {
    return undefined;
  }
}

/**
 * A list with negations, as pnpm and Renovate combine them: a name matches when some positive pattern
 * matches (or there is none) and no negated pattern does.
 */
export function combine(positive: PackageTest[], negative: PackageTest[]): PackageTest {
  return (name, version) =>
    (positive.length === 0 || positive.some((test) => test(name, version))) && !negative.some((test) => test(name, version));
}
