/**
 * Which names can exist on a registry: validate-npm-package-name's "valid for old packages" rules, so
 * legacy names with capitals (JSONStream) stay checkable, while nothing that is not a name — a path, a
 * URL, something with spaces — is ever sent to a registry. `.`/`..` parts are refused in both halves of
 * a scoped name so a name can never walk out of the registry's path.
 */
const MAX_LENGTH = 214;
const RESERVED = new Set(['node_modules', 'favicon.ico']);
const SCOPED = /^@([^/]+)\/([^/]+)$/;

function isUrlSafe(part: string): boolean {
  return part.length > 0 && encodeURIComponent(part) === part;
}

export function isValidPackageName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_LENGTH) return false;
  if (name.trim() !== name || name.startsWith('.') || name.startsWith('_')) return false;
  if (RESERVED.has(name.toLowerCase())) return false;
  if (isUrlSafe(name)) return true;
  const match = SCOPED.exec(name);
  if (!match) return false;
  const [, scope = '', pkg = ''] = match;
  return isUrlSafe(scope) && isUrlSafe(pkg) && !scope.startsWith('.') && !pkg.startsWith('.') && !pkg.startsWith('_');
}
