/**
 * Renovate's `minimumReleaseAge` (https://docs.renovatebot.com/configuration-options/#minimumreleaseage):
 * a time string ("3 days") at the top level, and per package in `packageRules`. Only rules whose
 * conditions Vigil can decide are read: `matchPackageNames` (names, globs, `/regex/`, `!` negation), and
 * `matchDatasources`/`matchManagers` when they include npm. A rule with any other condition (update type,
 * dependency type, …) depends on the update, not the package, and is left out. Later rules win, as in
 * Renovate. `extends` presets are not resolved.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { OffsetRange } from '../finding';
import { combine, renovateNameTest, type PackageTest } from '../packageMatch';
import type { CooldownFileResult, CooldownRule } from './cooldownFiles';
import { parseRenovateDuration } from './duration';

const DECIDABLE = new Set(['matchPackageNames', 'matchDatasources', 'matchManagers']);

export function readRenovateCooldown(path: string, text: string, out: CooldownFileResult): void {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  // A broken file stops Renovate too; it is only worth a word when it was meant to set a cooldown.
  if (!root || root.type !== 'object' || errors.length > 0) {
    if (text.includes('minimumReleaseAge')) {
      const at = errors[0]?.offset ?? 0;
      const length = Math.max(1, errors[0]?.length ?? 1);
      out.problems.push({ file: path, range: { start: at, end: Math.min(text.length, at + length) }, message: 'This Renovate file is not valid JSON, so neither Renovate nor Vigil can read its minimumReleaseAge.' });
    }
    return;
  }
  const top = property(root, 'minimumReleaseAge');
  const topMs = top ? age(path, top, out) : undefined;
  const rules = packageRules(path, property(root, 'packageRules'), out);
  if (topMs === undefined && rules.length === 0) return;
  out.settings.push({
    file: path,
    tool: 'renovate',
    label: topMs === undefined ? 'minimumReleaseAge in packageRules' : `minimumReleaseAge "${String(top?.value)}"`,
    ms: topMs,
    range: top ? range(top) : { start: root.offset, end: root.offset + 1 },
    rules,
  });
}

function packageRules(path: string, node: Node | undefined, out: CooldownFileResult): CooldownRule[] {
  if (node?.type !== 'array') return [];
  const rules: CooldownRule[] = [];
  (node.children ?? []).forEach((rule, index) => {
    const value = property(rule, 'minimumReleaseAge');
    if (rule.type !== 'object' || !value || !decidable(rule)) return;
    const ms = age(path, value, out);
    const test = nameTest(path, property(rule, 'matchPackageNames'), out);
    if (ms === undefined || !test) return;
    rules.push({ text: `packageRules[${index}] minimumReleaseAge ${value.type === 'null' ? 'null' : `"${String(value.value)}"`}`, test, ms });
  });
  return rules;
}

/** Whether the rule's conditions are all about the package (and npm), so Vigil can evaluate them. */
function decidable(rule: Node): boolean {
  for (const entry of rule.children ?? []) {
    const key = entry.children?.[0]?.value;
    if (typeof key !== 'string' || !/^(match|exclude)/.test(key)) continue;
    if (!DECIDABLE.has(key)) return false;
    if (key === 'matchPackageNames') continue;
    const values = (entry.children?.[1]?.children ?? []).map((child) => child.value);
    if (!values.includes('npm')) return false;
  }
  return true;
}

/** The time string in milliseconds; null means "no wait" (0); anything else is a problem. */
function age(path: string, node: Node, out: CooldownFileResult): number | undefined {
  if (node.type === 'null') return 0;
  const ms = node.type === 'string' ? parseRenovateDuration(String(node.value)) : undefined;
  if (ms === undefined || ms < 0) {
    out.problems.push({ file: path, range: range(node), message: 'minimumReleaseAge must be a time string such as "3 days"; Vigil ignores this value.' });
    return undefined;
  }
  return ms;
}

function nameTest(path: string, node: Node | undefined, out: CooldownFileResult): PackageTest | undefined {
  if (!node) return () => true;
  const positive: PackageTest[] = [];
  const negative: PackageTest[] = [];
  for (const child of node.type === 'array' ? node.children ?? [] : []) {
    const pattern = typeof child.value === 'string' ? child.value : '';
    const negated = pattern.startsWith('!');
    const test = pattern === '' ? undefined : renovateNameTest(negated ? pattern.slice(1) : pattern);
    if (!test) {
      out.problems.push({ file: path, range: range(child), message: 'This matchPackageNames entry is not a name, glob or regular expression Vigil can read; its rule is ignored.' });
      return undefined;
    }
    (negated ? negative : positive).push((name) => test(name));
  }
  if (positive.length === 0 && negative.length === 0) return undefined;
  return combine(positive, negative);
}

function property(node: Node, key: string): Node | undefined {
  for (const entry of node.children ?? []) {
    if (entry.children?.[0]?.value === key) return entry.children[1];
  }
  return undefined;
}

function range(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}
