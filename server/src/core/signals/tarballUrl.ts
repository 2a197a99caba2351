/**
 * Reading the download URLs lockfiles record without trusting them. The core has no WHATWG `URL` (no DOM
 * or Node types), and the integrity signals need two things it would not give them anyway: where a
 * fetcher really goes (the last `@` ends the userinfo, `\` is `/` in http(s), `https:evil.com` is
 * https://evil.com/, `%2e%2e` walks up, `127.1` is 127.0.0.1), and a form that is safe to print (no
 * userinfo, query or fragment, bounded, printable). A URL this cannot read with certainty is `undefined`
 * and is only ever shown as "an unparsable URL".
 */

export interface LockUrl {
  /** Lower-case scheme without the colon: https, http, git, git+ssh… */
  scheme: string;
  /** Lower-case host: IPv4 in dotted decimal, IPv6 in brackets (compressed), names without a trailing dot. */
  host: string;
  /** Port without leading zeros; '' when absent or the scheme's default. */
  port: string;
  /** The path as written (escapes and backslashes kept), without query or fragment: '' or starting with / or \. */
  rawPath: string;
  /** The path the server is asked for: `\` read as `/` in http(s), dot segments resolved. */
  path: string;
  /** Whether the URL carried a user name or password (never what they were). */
  credentials: boolean;
  /** The fragment, for Yarn 1's `#<sha1>`; undefined when absent. Never printed. */
  fragment: string | undefined;
}

export const UNPARSABLE = 'an unparsable URL';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', 'git+http': '80', 'git+https': '443', git: '9418' };
const HOST_CHARS = /^[a-z0-9._~!$&'()*+,;=-]+$/;
const MAX_URL = 4096;
const MAX_SHOWN = 200;

/** The scheme of something URL-shaped (`https:…`), lower-case, even when the rest cannot be read. */
export function schemeOf(text: string): string | undefined {
  return SCHEME.exec(text)?.[1]?.toLowerCase();
}

export function isHttp(scheme: string | undefined): boolean {
  return scheme === 'http' || scheme === 'https';
}

/** Decodes percent-escapes once; undefined when an escape is malformed. */
export function decodeOnce(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function parseLockUrl(text: string): LockUrl | undefined {
  // WHATWG would strip or skip these; a lockfile value containing them is not one to guess about.
  if (text.length > MAX_URL || /[\u0000-\u0020\u007f]/.test(text)) return undefined;
  const scheme = schemeOf(text);
  if (scheme === undefined) return undefined;
  const special = isHttp(scheme);
  let rest = text.slice(scheme.length + 1);
  if (special) rest = rest.replace(/^[/\\]*/, '');
  else if (rest.startsWith('//')) rest = rest.slice(2);
  else return undefined;
  const authorityEnd = rest.search(special ? /[/\\?#]/ : /[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  const hash = tail.indexOf('#');
  const beforeHash = hash < 0 ? tail : tail.slice(0, hash);
  const query = beforeHash.indexOf('?');
  const rawPath = query < 0 ? beforeHash : beforeHash.slice(0, query);
  const at = authority.lastIndexOf('@');
  const hostPort = splitHostPort(authority.slice(at + 1));
  if (!hostPort) return undefined;
  const host = parseHost(hostPort.host, special);
  const port = parsePort(hostPort.port, scheme);
  if (host === undefined || port === undefined) return undefined;
  const slashed = special ? rawPath.replace(/\\/g, '/') : rawPath;
  return {
    scheme,
    host,
    port,
    rawPath,
    path: resolveDots(special && slashed === '' ? '/' : slashed),
    credentials: at > 0,
    fragment: hash < 0 ? undefined : tail.slice(hash + 1),
  };
}

function splitHostPort(text: string): { host: string; port: string } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    return { host: text.slice(0, close + 1), port: after.slice(1) };
  }
  const colon = text.lastIndexOf(':');
  return colon < 0 ? { host: text, port: '' } : { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

function parsePort(text: string, scheme: string): string | undefined {
  if (text === '') return '';
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) return undefined;
  const port = String(Number(text));
  return DEFAULT_PORTS[scheme] === port ? '' : port;
}

function parseHost(text: string, special: boolean): string | undefined {
  if (text.startsWith('[')) {
    const v6 = ipv6(text.slice(1, -1));
    return v6 === undefined ? undefined : `[${v6}]`;
  }
  const decoded = special && text.includes('%') ? decodeOnce(text) : text;
  if (decoded === undefined) return undefined;
  const host = decoded.toLowerCase();
  // Non-ASCII names would go through IDNA first; refusing them errs towards reporting.
  if (!HOST_CHARS.test(host) || host === '.') return undefined;
  const labels = host.split('.');
  if (labels.length > 1 && labels[labels.length - 1] === '') labels.pop();
  const last = labels[labels.length - 1] ?? '';
  if (/^(\d+|0x[0-9a-f]*)$/.test(last)) return ipv4(labels);
  return labels.join('.');
}

/** WHATWG's IPv4 parser: 1–4 parts, each decimal, 0x-hex or 0-octal; the last fills the remaining bytes. */
function ipv4(parts: string[]): string | undefined {
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = ipv4Number(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop() ?? 0;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  let address = numbers.reduce((sum, n, index) => sum + n * 256 ** (3 - index), 0) + last;
  const bytes: number[] = [];
  for (let index = 0; index < 4; index++) {
    bytes.unshift(address % 256);
    address = Math.floor(address / 256);
  }
  return bytes.join('.');
}

function ipv4Number(part: string): number | undefined {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9]\d*)$/.test(part)) return Number(part);
  return undefined;
}

/** Eight 16-bit groups in RFC 5952 form (lower-case, longest zero run as `::`), or undefined. */
function ipv6(text: string): string | undefined {
  const lower = text.toLowerCase();
  const halves = lower.split('::');
  if (halves.length > 2 || !/^[0-9a-f:.]+$/.test(lower)) return undefined;
  const groups = (half: string | undefined): number[] | undefined => {
    if (!half) return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (piece.includes('.') && index === pieces.length - 1) {
        const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(piece) ? piece.split('.').map(Number) : undefined;
        if (!v4 || v4.some((n) => n > 255)) return undefined;
        out.push((v4[0] ?? 0) * 256 + (v4[1] ?? 0), (v4[2] ?? 0) * 256 + (v4[3] ?? 0));
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const back = groups(halves[1]);
  if (!head || !back) return undefined;
  const missing = 8 - head.length - back.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...back];
  return compressIpv6(all);
}

function compressIpv6(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > best.length) best = { start, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

function dotSegment(segment: string): 0 | 1 | 2 {
  const lower = segment.toLowerCase();
  if (lower === '.' || lower === '%2e') return 1;
  if (lower === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') return 2;
  return 0;
}

/** RFC 3986 / WHATWG dot-segment removal (percent-encoded dots included), on a path starting with '/'. */
function resolveDots(path: string): string {
  if (!path.startsWith('/')) return path;
  const segments = path.split('/').slice(1);
  const out: string[] = [];
  segments.forEach((segment, index) => {
    const dots = dotSegment(segment);
    if (dots === 2) out.pop();
    if (dots === 0) out.push(segment);
    else if (index === segments.length - 1) out.push('');
  });
  return `/${out.join('/')}`;
}

/** Loopback only: 127.0.0.0/8, ::1 (and ::ffff:127.x.x.x), localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '[::1]') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

/** host[:port] as the server is addressed. */
export function origin(url: LockUrl): string {
  return url.port === '' ? url.host : `${url.host}:${url.port}`;
}

/**
 * The URL as it may be printed: scheme, host, port and path only; no userinfo, query or fragment;
 * anything outside printable ASCII percent-encoded (no bidi tricks, no control characters); bounded.
 */
export function showUrl(url: LockUrl | undefined): string {
  if (!url) return UNPARSABLE;
  return printable(`${url.scheme}://${origin(url)}${url.rawPath}`);
}

/** Text from a lockfile made safe to print: printable ASCII (other characters percent-encoded), at most 200 characters. */
export function printable(text: string): string {
  const safe = Array.from(text, (char) => (/^[\u0020-\u007e]$/.test(char) ? char : encodeURIComponent(char))).join('');
  return safe.length > MAX_SHOWN ? `${safe.slice(0, MAX_SHOWN)}…` : safe;
}

/** A configured or URL text shown without credentials, query or fragment. */
export function showUrlText(text: string): string {
  return showUrl(parseLockUrl(text.trim()));
}

/**
 * Every URL inside free text (a lockfile key can be a descriptor list such as
 * `"pkg@https://user:token@host/pkg.tgz"`, or hold Yarn berry's encoded `__archiveUrl=`) replaced by its
 * printable form.
 */
export function redactUrls(text: string): string {
  const archives = text.replace(/__archiveUrl=([^&\s,"']*)/g, (_, url: string) => `__archiveUrl=${showUrlText(decodeOnce(url) ?? '')}`);
  return printable(archives.replace(/[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s,"']*/g, (match) => showUrlText(match)));
}

const PUBLIC_HOSTS = new Set(['registry.npmjs.org', 'registry.npmjs.com', 'registry.yarnpkg.com']);

/** A registry the project trusts: the hosts that serve it and the path its packages live under. */
export interface RegistryBase {
  hosts: ReadonlySet<string>;
  /** The registry's path, ending with '/': '/' or e.g. '/artifactory/api/npm/npm/'. */
  path: string;
  shown: string;
}

/**
 * The public registry is one registry under three names: registry.npmjs.org, registry.npmjs.com
 * (the same service) and registry.yarnpkg.com (Yarn 1's default, proxying it).
 */
export function registryBase(text: string): RegistryBase | undefined {
  const url = parseLockUrl(text.trim());
  if (!url || !isHttp(url.scheme)) return undefined;
  const path = url.path.endsWith('/') ? url.path : `${url.path}/`;
  const isPublic = PUBLIC_HOSTS.has(url.host) && url.port === '' && path === '/';
  return { hosts: isPublic ? PUBLIC_HOSTS : new Set([origin(url)]), path, shown: showUrl(url) };
}

/** Same host and port (scheme aside: plain http is another signal's business) and under the registry's path. */
export function isUnder(url: LockUrl, base: RegistryBase): boolean {
  return isHttp(url.scheme) && base.hosts.has(origin(url)) && url.path.startsWith(base.path);
}

/** npm (v7+) reads registry.npmjs.org in `resolved` as "the configured registry" and fetches from that. */
export function isNpmDefaultRegistry(url: LockUrl): boolean {
  return isHttp(url.scheme) && url.host === 'registry.npmjs.org' && url.port === '';
}

export type TarballPath =
  | { layout: 'tarball'; name: string; file: string }
  | { layout: 'unsafe'; problem: 'a dot segment' | 'a backslash' | 'an encoded slash' };

/**
 * Which package a registry tarball URL names: `<registry>/<name>/-/<basename>-<version>.tgz`, with a scoped
 * name as `@scope/name` or `@scope%2fname` (and Artifactory's `@scope/name/-/@scope/name-<version>.tgz`).
 * Escapes are decoded once and never normalised away: a dot segment or backslash anywhere, or an encoded
 * slash outside the scope separator, is `unsafe`. `prefix` is the number of path segments of the registry
 * the URL was matched to (undefined: unknown, read from the end). Anything else: undefined, not this layout.
 */
export function tarballPath(rawPath: string, prefix: number | undefined): TarballPath | undefined {
  if (rawPath.includes('\\')) return { layout: 'unsafe', problem: 'a backslash' };
  const segments = rawPath.split('/').slice(1);
  const decoded: string[] = [];
  for (const segment of segments) {
    const text = decodeOnce(segment);
    if (text === undefined) return undefined;
    if (text === '.' || text === '..') return { layout: 'unsafe', problem: 'a dot segment' };
    if (text.includes('\\')) return { layout: 'unsafe', problem: 'a backslash' };
    decoded.push(text);
  }
  const dash = decoded.lastIndexOf('-');
  const nameLength = prefix !== undefined ? dash - prefix : (decoded[dash - 2] ?? '').startsWith('@') ? 2 : 1;
  if (dash < 1 || nameLength < 1 || nameLength > 2 || dash - nameLength < 0) return undefined;
  const nameParts = decoded.slice(dash - nameLength, dash);
  const fileParts = decoded.slice(dash + 1);
  if (nameLength === 2 && !(nameParts[0] ?? '').startsWith('@')) return undefined;
  if (fileParts.length > 2 || (fileParts.length === 2 && !(fileParts[0] ?? '').startsWith('@'))) return undefined;
  const name = nameParts.join('/');
  // One encoded slash is allowed: `@scope%2fname` as a single segment. Any other changes the path's shape.
  const encodedScope = nameLength === 1 && /^@[^/]+\/[^/]+$/.test(name);
  if ((!encodedScope && nameParts.some((part) => part.includes('/'))) || fileParts.some((part) => part.includes('/'))) {
    return { layout: 'unsafe', problem: 'an encoded slash' };
  }
  const file = fileParts.join('/');
  if (name === '' || !file.endsWith('.tgz')) return undefined;
  return { layout: 'tarball', name, file };
}
