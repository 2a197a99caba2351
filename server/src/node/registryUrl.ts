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

// One definition of what a package name is, shared with the pure core.
export { isValidPackageName } from '../core/names';

/** The path segment npm requests for a (valid) name: the scope's slash is escaped, `@scope%2fname`. */
export function escapePackageName(name: string): string {
  return name.replace('/', '%2f');
}

/** `registry` (normalized, ends in "/") + the escaped name. */
export function packumentUrl(registry: string, name: string): URL {
  return new URL(escapePackageName(name), registry);
}
