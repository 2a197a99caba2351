/**
 * The project's own release cooldown, read from the package manager's and Renovate's files, each key
 * and unit as that tool documents it:
 *
 * - pnpm: `minimumReleaseAge` (minutes) and `minimumReleaseAgeExclude` in pnpm-workspace.yaml
 *   (https://pnpm.io/settings#minimumreleaseage); in .npmrc as `minimum-release-age` and
 *   `minimum-release-age-exclude[]`, as pnpm 10 reads it.
 * - npm: `min-release-age` (days) in .npmrc (npm 11.10, https://docs.npmjs.com/cli/v11/using-npm/config#min-release-age);
 *   npm has no exclude list.
 * - Yarn: `npmMinimalAgeGate` (a duration; a bare number is minutes) and `npmPreapprovedPackages` in
 *   .yarnrc.yml (Yarn 4.10, https://yarnpkg.com/configuration/yarnrc#npmMinimalAgeGate).
 * - Bun: `minimumReleaseAge` (seconds) and `minimumReleaseAgeExcludes` in bunfig.toml's `[install]`
 *   (https://bun.com/docs/runtime/bunfig#install-minimumreleaseage).
 * - Renovate: `minimumReleaseAge` ("3 days") in renovate.json and the other config files it reads
 *   (https://docs.renovatebot.com/configuration-options/#minimumreleaseage), see renovateCooldown.ts.
 *
 * Pure: text in, settings and problems (with offsets) out. A value Vigil cannot read is a problem on the
 * file and is ignored, never guessed at. Messages never quote the file.
 */
import type { OffsetRange } from '../finding';
import { combine, pnpmExcludeTest, yarnPreapprovedTest, type PackageTest } from '../packageMatch';
import { DURATION_MS, parseYarnDuration } from './duration';
import { readIniEntries } from './iniKeys';
import { readRenovateCooldown } from './renovateCooldown';
import { readTableKeys, type TomlValue } from './tomlKeys';
import { readTopLevelKeys, type YamlKey } from './yamlKeys';

export type CooldownTool = 'pnpm' | 'npm' | 'yarn' | 'bun' | 'renovate';

/** Packages a setting treats differently: its tool's exclude list, or Renovate's package rules. */
export interface CooldownRule {
  /** What the file says, for evidence: `minimumReleaseAgeExclude: @corp/*`. */
  text: string;
  test: PackageTest;
  /** The cooldown for matching packages: 0 for an exclusion. */
  ms: number;
}

export interface CooldownSetting {
  /** The file's path as the adapter named it. */
  file: string;
  tool: CooldownTool;
  /** The setting and its value with the unit it means: `minimumReleaseAge 1440 minutes`. */
  label: string;
  /** Undefined: the file sets no cooldown of its own, only for the packages its rules match (Renovate). */
  ms: number | undefined;
  range: OffsetRange;
  /** In order; the last matching rule decides (Renovate's packageRules order; excludes are all 0). */
  rules: CooldownRule[];
}

export interface FileProblem {
  file: string;
  range: OffsetRange;
  message: string;
}

export interface CooldownFileResult {
  settings: CooldownSetting[];
  problems: FileProblem[];
}

/** Renovate reads the first of these that exists (lib/config/app-strings.ts), .json5 files excepted. */
export const RENOVATE_FILES = ['renovate.json', '.github/renovate.json', '.gitlab/renovate.json', '.renovaterc', '.renovaterc.json'];
export const COOLDOWN_FILES = ['pnpm-workspace.yaml', '.npmrc', '.yarnrc.yml', 'bunfig.toml', ...RENOVATE_FILES];

/** Which cooldown file `path` is (by its name), or undefined. */
export function cooldownFileKind(path: string): string | undefined {
  // The longest name that fits: `.github/renovate.json` is not the folder's `renovate.json`.
  const matches = COOLDOWN_FILES.filter((name) => path === name || path.endsWith(`/${name}`));
  return matches.sort((a, b) => b.length - a.length)[0];
}

export function readCooldownFile(path: string, text: string): CooldownFileResult {
  const kind = cooldownFileKind(path);
  const out: CooldownFileResult = { settings: [], problems: [] };
  if (kind === 'pnpm-workspace.yaml') readPnpmWorkspace(path, text, out);
  else if (kind === '.npmrc') readNpmrc(path, text, out);
  else if (kind === '.yarnrc.yml') readYarnrc(path, text, out);
  else if (kind === 'bunfig.toml') readBunfig(path, text, out);
  else if (kind !== undefined) readRenovateCooldown(path, text, out);
  return out;
}

function problem(out: CooldownFileResult, file: string, range: OffsetRange, message: string): void {
  out.problems.push({ file, range, message });
}

/** The last of each wanted key; an earlier duplicate is a problem (the YAML tools reject or override it). */
function lastOf(path: string, keys: YamlKey[], out: CooldownFileResult): Map<string, YamlKey> {
  const byKey = new Map<string, YamlKey>();
  for (const key of keys) {
    const earlier = byKey.get(key.key);
    if (earlier) problem(out, path, earlier.keyRange, `${key.key} is set twice in this file; Vigil uses the last one.`);
    byKey.set(key.key, key);
  }
  return byKey;
}

function readPnpmWorkspace(path: string, text: string, out: CooldownFileResult): void {
  const keys = lastOf(path, readTopLevelKeys(text, ['minimumReleaseAge', 'minimumReleaseAgeExclude']), out);
  const age = keys.get('minimumReleaseAge');
  if (!age?.value) return;
  const scalar = age.value.kind === 'scalar' ? age.value : undefined;
  const minutes = scalar && !scalar.quoted ? nonNegativeNumber(scalar.text) : undefined;
  if (minutes === undefined) {
    problem(out, path, age.value.range, 'minimumReleaseAge must be a number of minutes (e.g. 1440 for one day); Vigil ignores this value.');
    return;
  }
  const exclude = keys.get('minimumReleaseAgeExclude');
  const rules = exclude?.value ? excludeRules(path, 'minimumReleaseAgeExclude', yamlList(path, exclude, out), pnpmExcludeTest, out) : [];
  out.settings.push(setting(path, 'pnpm', `minimumReleaseAge ${minutes} minutes`, minutes * DURATION_MS.minute, age.value.range, rules));
}

function readYarnrc(path: string, text: string, out: CooldownFileResult): void {
  const keys = lastOf(path, readTopLevelKeys(text, ['npmMinimalAgeGate', 'npmPreapprovedPackages']), out);
  const gate = keys.get('npmMinimalAgeGate');
  if (!gate?.value) return;
  const scalar = gate.value.kind === 'scalar' ? gate.value : undefined;
  const ms = scalar ? parseYarnDuration(scalar.text, DURATION_MS.minute) : undefined;
  if (!scalar || ms === undefined) {
    problem(out, path, gate.value.range, 'npmMinimalAgeGate must be a duration such as "3d", "12h" or a number of minutes; Vigil ignores this value.');
    return;
  }
  const approved = keys.get('npmPreapprovedPackages');
  const rules = approved?.value ? excludeRules(path, 'npmPreapprovedPackages', yamlList(path, approved, out), yarnPreapprovedTest, out) : [];
  const unit = /^\d+(\.\d+)?$/.test(scalar.text.trim()) ? ' minutes' : '';
  out.settings.push(setting(path, 'yarn', `npmMinimalAgeGate ${scalar.text.trim()}${unit}`, ms, scalar.range, rules));
}

function readBunfig(path: string, text: string, out: CooldownFileResult): void {
  const keys = new Map(readTableKeys(text, 'install').map((key) => [key.key, key]));
  const age = keys.get('minimumReleaseAge');
  if (!age) return;
  if (age.value.kind !== 'number' || age.value.value < 0) {
    problem(out, path, age.value.range, 'minimumReleaseAge in [install] must be a number of seconds (e.g. 259200 for three days); Vigil ignores this value.');
    return;
  }
  const seconds = age.value.value;
  const excludes = keys.get('minimumReleaseAgeExcludes');
  const names = excludes ? tomlList(path, excludes.value, out) : [];
  // Bun matches exact names only: a glob here exempts nothing, so it is read as the literal name it is.
  const rules = names.map((entry) => ({ text: `minimumReleaseAgeExcludes: ${entry.text}`, test: (name: string) => name === entry.text, ms: 0 }));
  out.settings.push(setting(path, 'bun', `minimumReleaseAge ${seconds} seconds`, seconds * DURATION_MS.second, age.value.range, rules));
}

function readNpmrc(path: string, text: string, out: CooldownFileResult): void {
  const entries = readIniEntries(text);
  const last = (key: string) => entries.filter((entry) => entry.key === key && !entry.list).at(-1);
  const npm = last('min-release-age');
  const npmDays = npm && readNpmrcNumber(path, npm, 'min-release-age must be a number of days', out);
  if (npm && npmDays !== undefined) out.settings.push(setting(path, 'npm', `min-release-age ${npmDays} days`, npmDays * DURATION_MS.day, npm.valueRange, []));
  const pnpm = last('minimum-release-age');
  const minutes = pnpm && readNpmrcNumber(path, pnpm, 'minimum-release-age must be a number of minutes', out);
  if (!pnpm || minutes === undefined) return;
  const items = entries
    .filter((entry) => entry.key === 'minimum-release-age-exclude')
    .flatMap((entry) => entry.value.split(',').map((part) => ({ text: part.trim(), range: entry.valueRange })))
    .filter((item) => item.text !== '');
  const rules = excludeRules(path, 'minimum-release-age-exclude', items, pnpmExcludeTest, out);
  out.settings.push(setting(path, 'pnpm', `minimum-release-age ${minutes} minutes`, minutes * DURATION_MS.minute, pnpm.valueRange, rules));
}

function readNpmrcNumber(path: string, entry: { value: string; valueRange: OffsetRange }, what: string, out: CooldownFileResult): number | undefined {
  if (entry.value.includes('${')) {
    problem(out, path, entry.valueRange, `${what.split(' ')[0]} uses an environment variable Vigil cannot see; Vigil ignores it.`);
    return undefined;
  }
  const value = nonNegativeNumber(entry.value);
  if (value === undefined) problem(out, path, entry.valueRange, `${what}; Vigil ignores this value.`);
  return value;
}

function setting(file: string, tool: CooldownTool, label: string, ms: number, range: OffsetRange, rules: CooldownRule[]): CooldownSetting {
  return { file, tool, label, ms, range, rules };
}

interface ListItem {
  text: string;
  range: OffsetRange;
}

function yamlList(path: string, key: YamlKey, out: CooldownFileResult): ListItem[] {
  const value = key.value;
  // An item Vigil cannot read keeps its place with no text: excludeRules reports it where it is.
  if (value?.kind === 'sequence') return value.items.map((item) => ({ text: item.kind === 'scalar' ? item.text : '', range: item.range }));
  if (value) problem(out, path, value.range, `${key.key} must be a list of package names or patterns; Vigil ignores it.`);
  return [];
}

function tomlList(path: string, value: TomlValue, out: CooldownFileResult): ListItem[] {
  if (value.kind === 'array') {
    return value.items.filter((item) => item.kind === 'string').map((item) => ({ text: String(item.value), range: item.range }));
  }
  problem(out, path, value.range, 'minimumReleaseAgeExcludes must be a list of package names; Vigil ignores it.');
  return [];
}

/** One rule for the whole list (negations need the whole list); entries Vigil cannot read are problems. */
function excludeRules(
  path: string,
  key: string,
  items: ListItem[],
  build: (entry: string) => PackageTest | undefined,
  out: CooldownFileResult,
): CooldownRule[] {
  const positive: PackageTest[] = [];
  const negative: PackageTest[] = [];
  const texts: string[] = [];
  for (const item of items) {
    const negated = item.text.startsWith('!');
    const test = item.text === '' ? undefined : build(negated ? item.text.slice(1) : item.text);
    if (!test) {
      problem(out, path, item.range, `This ${key} entry is not a package name, pattern, or name@version Vigil can read; it is ignored.`);
      continue;
    }
    (negated ? negative : positive).push(test);
    texts.push(item.text);
  }
  if (texts.length === 0) return [];
  // Without negations each entry stands alone, so the evidence can name the one that matched.
  if (negative.length === 0) return positive.map((test, i) => ({ text: `${key}: ${texts[i]}`, test, ms: 0 }));
  return [{ text: `${key}: ${texts.join(', ')}`, test: combine(positive, negative), ms: 0 }];
}

function nonNegativeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}
