/**
 * Registry URLs and package names, checked before anything is sent anywhere: a bad name must never reach
 * a registry (it could address another endpoint), and a URL with credentials in it must never be shown.
 */

/** The registry npm uses when nothing configures another one. */
export const NPM_DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/**
 * `raw` as a registry base URL: http(s) only, credentials, query and fragment dropped, path ending in "/"
 * (so names resolve under it: `https://host/npm/` + `pkg`). Undefined when it is not usable.
 */
export function normalizeRegistryUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

const RESERVED_NAMES = new Set(['node_modules', 'favicon.ico']);

function isUrlSafe(part: string): boolean {
  return part.length > 0 && encodeURIComponent(part) === part;
}

/**
 * npm's rules for names that can exist on a registry (validate-npm-package-name's "valid for old
 * packages": legacy names with capitals such as `JSONStream` are real and must be checkable). The
 * path-like parts `.`/`..` are refused in both halves so a name can never walk out of the registry path.
 */
export function isValidPackageName(name: string): boolean {
  if (name.length === 0 || name.length > 214) return false;
  if (name.trim() !== name) return false;
  if (name.startsWith('.') || name.startsWith('_')) return false;
  if (RESERVED_NAMES.has(name.toLowerCase())) return false;
  if (isUrlSafe(name)) return true;
  const match = /^@([^/]+)\/([^/]+)$/.exec(name);
  if (!match) return false;
  const [, scope = '', pkg = ''] = match;
  return isUrlSafe(scope) && isUrlSafe(pkg) && !scope.startsWith('.') && !pkg.startsWith('.') && !pkg.startsWith('_');
}

/** The path segment npm requests for a (valid) name: the scope's slash is escaped, `@scope%2fname`. */
export function escapePackageName(name: string): string {
  return name.replace('/', '%2f');
}

/** `registry` (normalized, ends in "/") + the escaped name. */
export function packumentUrl(registry: string, name: string): URL {
  return new URL(escapePackageName(name), registry);
}
