/**
 * npm package-name rules (as validate-npm-package-name applies them to new packages), so that nothing
 * that is not a package name is ever sent to a registry or shown as one.
 */
const MAX_LENGTH = 214;
const SCOPED = /^@([^/]+)\/([^/]+)$/;
const URL_SAFE = /^[a-z0-9-._~]+$/;
const BLOCKED = new Set(['node_modules', 'favicon.ico']);

export function isValidPackageName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_LENGTH) return false;
  if (name.trim() !== name || name !== name.toLowerCase()) return false;
  if (BLOCKED.has(name)) return false;
  const scoped = SCOPED.exec(name);
  const parts = scoped ? [scoped[1] ?? '', scoped[2] ?? ''] : [name];
  if (!scoped && name.includes('/')) return false;
  return parts.every((part) => part.length > 0 && !part.startsWith('.') && !part.startsWith('_') && URL_SAFE.test(part));
}
