/**
 * The links a hover offers, each built by us from validated parts: the npm page and the npmdiff.dev diff
 * (public registry only: on a private registry the same name on npmjs.com is someone else's package, or
 * a squatter's), and the repository the version names, as an http(s) URL without credentials, query or
 * fragment. Anything that does not parse as such is shown as no link at all.
 */
import { isHttp, origin, parseLockUrl, registryBase } from '../signals/tarballUrl';

/** The public registry (registry.npmjs.org, also reached as registry.npmjs.com / registry.yarnpkg.com). */
export function isPublicRegistry(registryUrl: string | undefined): boolean {
  if (registryUrl === undefined) return false;
  const base = registryBase(registryUrl);
  return base !== undefined && base.hosts.has('registry.npmjs.org') && base.path === '/';
}

/** A package name as path segments of a URL ("@scope/name" keeps its slash). */
function namePath(name: string): string {
  return name.split('/').map((part) => (part.startsWith('@') ? `@${encodeURIComponent(part.slice(1))}` : encodeURIComponent(part))).join('/');
}

export function npmPageUrl(name: string): string {
  return `https://www.npmjs.com/package/${namePath(name)}`;
}

export function npmDiffUrl(name: string, from: string, to: string): string {
  return `https://npmdiff.dev/${namePath(name)}/${encodeURIComponent(from)}/${encodeURIComponent(to)}/`;
}

/** Hosts whose git URLs (git://, ssh, scp-like, shorthands) have a web page at https://host/owner/repo. */
const FORGES: Record<string, string> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' };
const FORGE_HOSTS = new Set(Object.values(FORGES));

export interface WebLink {
  /** The link target: http(s), no credentials, query or fragment, safe inside `(…)`. */
  url: string;
  /** host/path, for the label (untrusted: escape it). */
  shown: string;
}

/**
 * The web page of a `repository` as npm records it: https/http URLs (also `git+https:`), GitHub / GitLab /
 * Bitbucket shorthands (`github:owner/repo`, `owner/repo`) and their git:// / ssh / scp-like URLs. A
 * trailing `.git` is dropped. Undefined for anything else.
 */
export function repositoryWebLink(repository: string): WebLink | undefined {
  const raw = repository.trim();
  if (raw.length > 1000) return undefined;
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)$/.exec(raw);
  if (shorthand) return webLink(`https://${FORGES[shorthand[1] ?? 'github']}/${shorthand[2]}`);
  const scpLike = /^(?:[^@/:\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(?!\d+\/)([^\s]+)$/.exec(raw);
  if (scpLike && FORGE_HOSTS.has((scpLike[1] as string).toLowerCase())) return webLink(`https://${scpLike[1]}/${scpLike[2]}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'git+https' || scheme === 'git+http') return webLink(raw.slice(4));
  if (scheme === 'git' || scheme === 'ssh' || scheme === 'git+ssh') {
    const url = parseLockUrl(raw);
    if (!url || !FORGE_HOSTS.has(url.host) || url.port !== '') return undefined;
    return webLink(`https://${url.host}${url.path}`);
  }
  return webLink(raw);
}

function webLink(candidate: string): WebLink | undefined {
  const url = parseLockUrl(candidate);
  if (!url || !isHttp(url.scheme)) return undefined;
  const path = url.path.replace(/\.git\/?$/i, '').replace(/\/+$/, '');
  // Dots in the host are fine, but a host has to be a name or an address to link to.
  if (url.host === '' || !/[a-z0-9]/.test(url.host)) return undefined;
  const safePath = encodePath(path);
  if (safePath === undefined) return undefined;
  const host = origin(url);
  return { url: `${url.scheme}://${host}${safePath}`, shown: `${host}${safePath}` };
}

/** The path with everything outside RFC 3986's path characters (and parentheses) percent-encoded. */
function encodePath(path: string): string | undefined {
  let out = '';
  for (const char of path) {
    if (/^[A-Za-z0-9\-._~!$&'*+,;=:@/%]$/.test(char)) out += char;
    // A lone surrogate cannot be encoded; such a path is not one to link to.
    else if (/[\ud800-\udfff]/.test(char) && char.length === 1) return undefined;
    // encodeURIComponent leaves ( and ) alone, and they end a Markdown link destination.
    else out += encodeURIComponent(char).replace('(', '%28').replace(')', '%29');
  }
  // A stray '%' not starting an escape would make the URL invalid: encode it.
  out = out.replace(/%(?![0-9A-Fa-f]{2})/g, '%25');
  return out.length > 500 ? undefined : out;
}
