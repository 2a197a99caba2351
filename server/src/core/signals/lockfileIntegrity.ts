/**
 * The lockfile integrity signals: what one locked entry says about where its tarball comes from and how
 * it is verified, against the registry it should come from.
 *
 * - lockfile-integrity-mismatch: the lockfile's hash differs from the registry's for the same version.
 * - lockfile-untrusted-host: the tarball URL is on neither the registry nor one the project allows.
 * - lockfile-name-mismatch: a registry tarball URL names another package or version (or hides its path).
 * - lockfile-insecure-url: downloaded over plain http:// or git://.
 * - lockfile-missing-integrity / lockfile-weak-integrity: nothing, or only sha1, to verify the download.
 *
 * A lockfile is trusted input to every install but reviewed as noise: Liran Tal's 2019 lockfile-injection
 * research showed a one-line change of `resolved`/`integrity` installs an attacker's tarball under a
 * familiar name, and lockfile-lint was written to catch it. Messages and evidence carry URLs only as
 * scheme, host and path (never userinfo, query or fragment), names, versions and hashes.
 */
import type { LockedPackage, LockfileKind } from '../lockfile/types';
import type { SignalHit } from './types';
import {
  decodeOnce,
  isHttp,
  isLoopback,
  isNpmDefaultRegistry,
  isUnder,
  origin,
  parseLockUrl,
  printable,
  redactUrls,
  registryBase,
  schemeOf,
  showUrl,
  tarballPath,
  type LockUrl,
  type RegistryBase,
} from './tarballUrl';

export interface IntegrityContext {
  entry: LockedPackage;
  kind: LockfileKind;
  /** The registry the package manager fetches this package from (scoped registries applied), e.g. "https://registry.npmjs.org/". */
  registry: string;
  /** More registries the project allows (.vigilrc.json allowedRegistries), as URLs. */
  allowed: readonly string[];
  /** The registry's dist.integrity for entry.name@entry.version when the registry answered (SRI string, may hold several hashes). */
  registryIntegrity?: string;
}

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';
const STRENGTH: readonly HashAlgorithm[] = ['sha512', 'sha384', 'sha256', 'sha1'];
const SRI_ITEM = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?\S*)?$/i;
const REMOTE = new Set(['registry', 'tarball']);
const INSECURE = new Set(['http', 'git', 'git+http']);

/** Hashes per algorithm from an SRI string (items `alg-base64[?opts]`, space-separated); others ignored. */
export function parseSri(text: string | undefined): Map<HashAlgorithm, string[]> {
  const hashes = new Map<HashAlgorithm, string[]>();
  for (const item of (text ?? '').trim().split(/\s+/)) {
    const match = SRI_ITEM.exec(item);
    if (!match) continue;
    const algorithm = (match[1] ?? '').toLowerCase() as HashAlgorithm;
    hashes.set(algorithm, [...(hashes.get(algorithm) ?? []), match[2] ?? '']);
  }
  return hashes;
}

/** The download URL of an entry: `resolved`, or in a Yarn berry resolution the part after `name@` or `__archiveUrl`. */
function downloadText(entry: LockedPackage, kind: LockfileKind): string | undefined {
  const resolved = entry.resolved?.trim();
  if (!resolved) return undefined;
  if (kind !== 'yarn-berry') return resolved;
  const archive = /::(?:.*&)?__archiveUrl=([^&]*)/.exec(resolved)?.[1];
  if (archive !== undefined) return decodeOnce(archive) ?? archive;
  const after = /^@?[^@]+@(.*)$/.exec(resolved)?.[1];
  return after !== undefined && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(after) ? after : undefined;
}

interface Download {
  /** Lower-case scheme, known even when the URL cannot be read. */
  scheme: string;
  url: LockUrl | undefined;
  shown: string;
}

function download(entry: LockedPackage, kind: LockfileKind): Download | undefined {
  const text = downloadText(entry, kind);
  const scheme = text === undefined ? undefined : schemeOf(text);
  if (text === undefined || scheme === undefined) return undefined;
  const url = parseLockUrl(text);
  return { scheme, url, shown: showUrl(url) };
}

/** Every hash the package manager checks: the SRI `integrity`, plus Yarn 1's `#<sha1 hex>` URL fragment. */
function lockedHashes(entry: LockedPackage, kind: LockfileKind, url: LockUrl | undefined): { hashes: Map<HashAlgorithm, string[]>; fromFragment: boolean } {
  const hashes = parseSri(entry.integrity);
  const fragment = kind === 'yarn-classic' ? url?.fragment : undefined;
  if (fragment === undefined || !/^[0-9a-f]{40}$/i.test(fragment)) return { hashes, fromFragment: false };
  const fromFragment = hashes.size === 0;
  hashes.set('sha1', [...(hashes.get('sha1') ?? []), hexToBase64(fragment)]);
  return { hashes, fromFragment };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function hexToBase64(hex: string): string {
  const bytes = hex.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? [];
  let out = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const [a = 0, b = 0, c = 0] = bytes.slice(index, index + 3);
    const chunk = (a << 16) | (b << 8) | c;
    const count = Math.min(3, bytes.length - index);
    for (let position = 0; position <= count; position++) out += BASE64[(chunk >> (18 - 6 * position)) & 63];
    out += '='.repeat(3 - count);
  }
  return out;
}

const unpadded = (digest: string): string => digest.replace(/=+$/, '');

function installCommand(kind: LockfileKind): string {
  if (kind === 'npm') return 'npm install';
  if (kind === 'pnpm') return 'pnpm install';
  return 'yarn install';
}

/** What to do about an entry that should not be as it is. */
function regenerate(kind: LockfileKind, start = 'Check'): string {
  return `${start} who changed this entry (\`git log -p\` on the lockfile), then delete it and run \`${installCommand(kind)}\` to take it from the registry again.`;
}

function label(entry: LockedPackage): string {
  return printable(`${entry.name}@${entry.version}`);
}

function integrityMismatch({ entry, kind, registryIntegrity }: IntegrityContext, url: Download | undefined): SignalHit | undefined {
  if (entry.source !== 'registry' || !registryIntegrity) return undefined;
  const locked = lockedHashes(entry, kind, url?.url).hashes;
  const published = parseSri(registryIntegrity);
  // The package manager checks the strongest hash it has; compare that one.
  const algorithm = STRENGTH.find((candidate) => locked.has(candidate) && published.has(candidate));
  if (!algorithm) return undefined;
  const lockfileDigests = locked.get(algorithm) ?? [];
  const registryDigests = published.get(algorithm) ?? [];
  if (lockfileDigests.some((digest) => registryDigests.some((other) => unpadded(other) === unpadded(digest)))) return undefined;
  return {
    signal: 'lockfile-integrity-mismatch',
    severity: 'error',
    message:
      `The lockfile's ${algorithm} hash for ${label(entry)} is not the one the registry publishes for that version. ` +
      `npm's registry never lets a version be republished with other contents (a private registry can, if configured to), so ` +
      `most likely the lockfile was edited: together with a tarball URL elsewhere, it installs a file the registry never served; ` +
      `otherwise installs fail with an integrity error. ${regenerate(kind)}`,
    evidence: {
      key: redactUrls(entry.key),
      version: printable(entry.version),
      algorithm,
      lockfileDigests,
      registryDigests,
      resolved: url?.shown ?? null,
    },
  };
}

interface Trust {
  configured: RegistryBase;
  allowed: RegistryBase[];
}

function trustOf(context: IntegrityContext): Trust | undefined {
  const configured = registryBase(context.registry);
  if (!configured) return undefined;
  return { configured, allowed: context.allowed.map(registryBase).filter((base): base is RegistryBase => base !== undefined) };
}

/** The trusted registry a URL lives under, if any (npm's public-registry URLs follow the configured registry). */
function trustedBase(url: LockUrl, trust: Trust, kind: LockfileKind): RegistryBase | undefined {
  const base = [trust.configured, ...trust.allowed].find((candidate) => isUnder(url, candidate));
  if (base) return base;
  return kind === 'npm' && isNpmDefaultRegistry(url) ? registryBase('https://registry.npmjs.org/') : undefined;
}

function untrustedHost(context: IntegrityContext, url: Download | undefined, trust: Trust | undefined): SignalHit | undefined {
  const { entry, kind } = context;
  if (!REMOTE.has(entry.source) || !url || !trust || !isHttp(url.scheme)) return undefined;
  if (url.url && trustedBase(url.url, trust, kind)) return undefined;
  const allowed = trust.allowed.map((base) => base.shown);
  const message =
    entry.source === 'tarball'
      ? `${label(entry)} is a tarball downloaded from ${url.shown}, outside your registry (${trust.configured.shown}) and the ones the project allows: ` +
        `it has no publish history to check, and changes whenever that server sends something else. If you trust that host, add it to ` +
        `"allowedRegistries" in .vigilrc.json; otherwise depend on a registry release instead.`
      : `${label(entry)} is downloaded from ${url.shown}, which is neither the registry it comes from (${trust.configured.shown}) nor one the ` +
        `project allows. The package manager fetches what the lockfile says, and a changed host in a long lockfile diff is how ` +
        `lockfile injection (Liran Tal, 2019) gets another tarball past review. If this host is yours, add it to "allowedRegistries" ` +
        `in .vigilrc.json; otherwise ${regenerate(kind, 'check')}`;
  return {
    signal: 'lockfile-untrusted-host',
    severity: 'warning',
    message,
    evidence: {
      key: redactUrls(entry.key),
      version: printable(entry.version),
      source: entry.source,
      resolved: url.shown,
      host: url.url ? origin(url.url) : null,
      registry: trust.configured.shown,
      allowedRegistries: allowed,
      credentials: url.url?.credentials ?? false,
    },
  };
}

function nameMismatch(context: IntegrityContext, url: Download | undefined, trust: Trust | undefined): SignalHit | undefined {
  const { entry, kind } = context;
  if ((entry.source !== 'registry' && entry.source !== 'tarball') || !url?.url || !isHttp(url.scheme)) return undefined;
  const base = trust ? trustedBase(url.url, trust, kind) : undefined;
  // Parsers call an entry whose registry URL names another package a tarball: on the registry itself that is
  // the swap to catch; a tarball on any other server (allowed ones included) may be called anything.
  if (entry.source === 'tarball' && (!trust || !base || trust.allowed.includes(base))) return undefined;
  const prefix = base ? base.path.split('/').length - 2 : undefined;
  const path = tarballPath(url.url.rawPath, prefix);
  if (!path) return undefined;
  const evidence = { key: redactUrls(entry.key), name: printable(entry.name), version: printable(entry.version), resolved: url.shown };
  if (path.layout === 'unsafe') {
    return nameHit(
      `The lockfile entry for ${label(entry)} downloads ${url.shown}, a registry path with ${path.problem} where a tarball URL has plain ` +
        `segments: servers and proxies resolve such paths to another file than the name says. ${regenerate(kind)}`,
      { ...evidence, problem: 'path', pathProblem: path.problem, tarballName: null, tarballVersion: null },
    );
  }
  const basename = path.file.startsWith('@') ? entry.name : entry.name.replace(/^@[^/]+\//, '');
  const versions = [entry.version, entry.version.replace(/\+.*$/, '')];
  if (path.name === entry.name && versions.some((version) => path.file === `${basename}-${version}.tgz`)) return undefined;
  const fileVersion = path.file.startsWith(`${basename}-`) ? path.file.slice(basename.length + 1, -'.tgz'.length) : undefined;
  if (path.name === entry.name && fileVersion !== undefined) {
    return nameHit(
      `The lockfile entry for ${label(entry)} downloads ${url.shown}, the tarball of version ${printable(fileVersion)}: the lockfile installs ` +
        `another release than the one it names (an older, vulnerable or withdrawn one would look just like this). ${regenerate(kind)}`,
      { ...evidence, problem: 'version', pathProblem: null, tarballName: printable(path.name), tarballVersion: printable(fileVersion) },
    );
  }
  const other = path.name === entry.name ? path.file : path.name;
  return nameHit(
    `The lockfile entry for ${label(entry)} downloads ${url.shown}, the tarball of another package (${printable(other)}): whatever it ` +
      `contains installs under the name ${printable(entry.name)}, the lockfile-injection trick lockfile-lint's --validate-package-names ` +
      `looks for. ${regenerate(kind)}`,
    { ...evidence, problem: 'name', pathProblem: null, tarballName: printable(path.name), tarballVersion: null },
  );
}

function nameHit(message: string, evidence: SignalHit['evidence']): SignalHit {
  return { signal: 'lockfile-name-mismatch', severity: 'error', message, evidence };
}

function insecureUrl({ entry, kind }: IntegrityContext, url: Download | undefined): SignalHit | undefined {
  if (!url || !INSECURE.has(url.scheme) || (url.url && isLoopback(url.url.host))) return undefined;
  const strong = ['sha512', 'sha384', 'sha256'].some((algorithm) => parseSri(entry.integrity).has(algorithm as HashAlgorithm));
  const secure = url.scheme === 'http' ? 'https' : 'git+https or git+ssh';
  return {
    signal: 'lockfile-insecure-url',
    severity: 'warning',
    message:
      `${label(entry)} is downloaded over plain ${url.scheme}:// from ${url.shown}: anyone on the network path (public Wi-Fi, a proxy, ` +
      `a compromised router) can swap what arrives` +
      (strong ? ', and only the lockfile hash stands in the way.' : ', and the lockfile has no strong hash to notice.') +
      (url.url?.credentials ? ' The URL also carries credentials (not shown here), sent in clear text: rotate them.' : '') +
      ` Change the URL to ${secure} and run \`${installCommand(kind)}\`.`,
    evidence: {
      key: redactUrls(entry.key),
      version: printable(entry.version),
      source: entry.source,
      resolved: url.shown,
      scheme: url.scheme,
      host: url.url ? origin(url.url) : null,
      credentials: url.url?.credentials ?? false,
    },
  };
}

function checksIntegrity({ entry, kind }: IntegrityContext): boolean {
  // Yarn berry verifies its own `checksum` (not SRI, left out of `integrity`); local and git sources have no tarball hash.
  return kind !== 'yarn-berry' && REMOTE.has(entry.source);
}

function missingIntegrity(context: IntegrityContext, url: Download | undefined): SignalHit | undefined {
  const { entry, kind } = context;
  if (!checksIntegrity(context) || lockedHashes(entry, kind, url?.url).hashes.size > 0) return undefined;
  const absent = !entry.integrity?.trim();
  return {
    signal: 'lockfile-missing-integrity',
    severity: 'information',
    message:
      `The lockfile records ${absent ? 'no integrity hash' : 'an integrity value that is not a sha1/sha256/sha384/sha512 SRI hash'} for ` +
      `${label(entry)}, so the package manager installs whatever ${url?.url ? origin(url.url) : 'the server'} sends without checking it ` +
      `against what was locked. Delete the entry and run \`${installCommand(kind)}\`: current npm, Yarn and pnpm record a sha512 hash.`,
    evidence: {
      key: redactUrls(entry.key),
      version: printable(entry.version),
      source: entry.source,
      resolved: url?.shown ?? null,
      integrity: absent ? 'absent' : 'unparsable',
    },
  };
}

function weakIntegrity(context: IntegrityContext, url: Download | undefined): SignalHit | undefined {
  const { entry, kind, registryIntegrity } = context;
  if (!checksIntegrity(context)) return undefined;
  const { hashes, fromFragment } = lockedHashes(entry, kind, url?.url);
  if (hashes.size === 0 || STRENGTH.some((algorithm) => algorithm !== 'sha1' && hashes.has(algorithm))) return undefined;
  const registryAlgorithms = registryIntegrity ? STRENGTH.filter((algorithm) => parseSri(registryIntegrity).has(algorithm)) : [];
  const strongAvailable = registryAlgorithms.find((algorithm) => algorithm !== 'sha1');
  return {
    signal: 'lockfile-weak-integrity',
    severity: 'information',
    message:
      `${label(entry)} is locked with only a sha1 hash${fromFragment ? " (in the URL's fragment, as Yarn 1 recorded it before 1.10)" : ''}. ` +
      `SHA-1 collisions can be computed (SHAttered, 2017), so it is weak proof that the file installed is the one locked` +
      (strongAvailable ? `; the registry publishes a ${strongAvailable} hash for this version.` : '.') +
      ` Delete the entry and run \`${installCommand(kind)}\` to record a sha512 hash.`,
    evidence: {
      key: redactUrls(entry.key),
      version: printable(entry.version),
      algorithms: [...hashes.keys()],
      fromUrlFragment: fromFragment,
      registryAlgorithms: registryIntegrity ? registryAlgorithms : null,
    },
  };
}

/** Every integrity finding on one locked entry, most decisive first (the order of SIGNAL_IDS). */
export function lockfileIntegrityHits(context: IntegrityContext): SignalHit[] {
  const url = download(context.entry, context.kind);
  const trust = trustOf(context);
  const hits = [
    integrityMismatch(context, url),
    untrustedHost(context, url, trust),
    nameMismatch(context, url, trust),
    insecureUrl(context, url),
    missingIntegrity(context, url),
    weakIntegrity(context, url),
  ];
  return hits.filter((hit): hit is SignalHit => hit !== undefined);
}
