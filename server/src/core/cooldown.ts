/**
 * The effective cooldown of one package. The project's own setting (its package manager's or Renovate's
 * file) wins over Vigil's default, setting and .vigilrc.json: it is what the project decided to wait, and
 * warning about a release the project's own install would accept is noise. A package on that tool's
 * exclude list is exempt from that file's cooldown, as the tool exempts it. When several files set one,
 * the longest applies (every one of them would hold the release back) and the message says which.
 * Only a cooldown given on the command line wins over the files.
 */
import type { ProjectFile } from './analyze';
import type { AnalysisConfig, CooldownOrigin } from './config';
import { DAY_MS } from './format';
import { cooldownFileKind, readCooldownFile, RENOVATE_FILES, type CooldownSetting, type FileProblem } from './parse/cooldownFiles';
import { describeDuration } from './parse/duration';

export interface ProjectCooldowns {
  settings: CooldownSetting[];
  problems: FileProblem[];
}

/** Every cooldown setting in the project's files. Renovate reads only the first of its files per folder. */
export function readProjectCooldowns(files: readonly ProjectFile[]): ProjectCooldowns {
  const result: ProjectCooldowns = { settings: [], problems: [] };
  const renovateByFolder = new Map<string, ProjectFile>();
  for (const file of files) {
    const kind = cooldownFileKind(file.path);
    if (kind === undefined) continue;
    if (RENOVATE_FILES.includes(kind)) {
      const folder = file.path.slice(0, file.path.length - kind.length);
      const chosen = renovateByFolder.get(folder);
      const rank = (path: string) => RENOVATE_FILES.indexOf(cooldownFileKind(path) ?? '');
      if (!chosen || rank(file.path) < rank(chosen.path)) renovateByFolder.set(folder, file);
      continue;
    }
    add(result, file);
  }
  for (const file of renovateByFolder.values()) add(result, file);
  return result;
}

function add(result: ProjectCooldowns, file: ProjectFile): void {
  const read = readCooldownFile(file.path, file.text);
  result.settings.push(...read.settings);
  result.problems.push(...read.problems);
}

interface Applicable {
  ms: number;
  text: string;
  file: string;
}

/** What one file says for this package; undefined when the file does not govern it. */
function applicable(setting: CooldownSetting, name: string, version: string | undefined): Applicable | undefined {
  const rule = [...setting.rules].reverse().find((candidate) => candidate.test(name, version));
  if (rule) {
    const text = rule.ms === 0 && setting.tool !== 'renovate'
      ? `${setting.file} exempts it from ${setting.label} (${rule.text})`
      : `${setting.file} sets ${rule.text}`;
    return { ms: rule.ms, text, file: setting.file };
  }
  if (setting.ms === undefined) return undefined;
  return { ms: setting.ms, text: `${setting.file} sets ${setting.label}`, file: setting.file };
}

/** The config for one package: the project's cooldown (with its origin) when a file governs it. */
export function cooldownConfig(base: AnalysisConfig, settings: readonly CooldownSetting[], name: string, version: string | undefined): AnalysisConfig {
  if (base.cooldownExplicit || settings.length === 0) return base;
  const found = settings.map((setting) => applicable(setting, name, version)).filter((a): a is Applicable => a !== undefined);
  if (found.length === 0) return base;
  // The longest wait wins; on a tie, the first file (the adapter lists the package's own folder first).
  const ordered = [...found].sort((a, b) => b.ms - a.ms);
  const winner = ordered[0] as Applicable;
  const origin: CooldownOrigin = { file: winner.file, text: winner.text, others: ordered.slice(1).map((a) => a.text) };
  return { ...base, cooldownDays: winner.ms / DAY_MS, cooldownOrigin: origin };
}

/** "1 day (pnpm-workspace.yaml sets minimumReleaseAge 1440 minutes)": for messages. */
export function describeCooldown(config: AnalysisConfig): string {
  const length = describeDuration(Math.max(0, config.cooldownDays) * DAY_MS);
  const origin = config.cooldownOrigin;
  if (!origin) return length;
  const others = origin.others.length > 0 ? `; the longest of ${origin.others.length + 1} project settings, also: ${origin.others.join('; ')}` : '';
  return `${length} (${origin.text}${others})`;
}
