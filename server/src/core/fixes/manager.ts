/**
 * Which package manager a project uses, for the override quick-fix (each has its own section) and the
 * "run install" command the client offers in trusted workspaces.
 */
import { parseTree } from 'jsonc-parser';
import { LOCKFILE_NAMES } from '../lockfile/load';
import { propertyValue } from './jsonText';

export type PackageManager = 'npm' | 'yarn' | 'pnpm';

const BY_LOCKFILE: Record<string, PackageManager> = {
  'npm-shrinkwrap.json': 'npm',
  'package-lock.json': 'npm',
  'pnpm-lock.yaml': 'pnpm',
  'yarn.lock': 'yarn',
};

/**
 * The manager package.json declares (`packageManager`, which Corepack enforces, then npm's
 * `devEngines.packageManager`), else the one whose lockfile is present (paths or bare names; with
 * several, in the order Vigil reads lockfiles: npm's first), else npm.
 */
export function managerOf(lockfileNames: readonly string[], packageJsonText: string): PackageManager {
  const declared = declaredManager(packageJsonText);
  if (declared) return declared;
  const present = new Set(lockfileNames.map((path) => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)));
  const lockfile = LOCKFILE_NAMES.find((name) => present.has(name));
  return (lockfile && BY_LOCKFILE[lockfile]) || 'npm';
}

export function installCommand(manager: PackageManager): string {
  return `${manager} install`;
}

function declaredManager(text: string): PackageManager | undefined {
  const root = parseTree(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text, [], { allowTrailingComma: true });
  if (root?.type !== 'object') return undefined;
  const field = propertyValue(root, 'packageManager');
  const devEngines = propertyValue(propertyValue(propertyValue(root, 'devEngines'), 'packageManager'), 'name');
  for (const node of [field, devEngines]) {
    const match = typeof node?.value === 'string' ? /^(npm|yarn|pnpm)(@|$)/.exec(node.value.trim()) : null;
    if (match?.[1]) return match[1] as PackageManager;
  }
  return undefined;
}
