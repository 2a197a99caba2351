/**
 * Registry credentials as npm applies them (npm-registry-fetch's getAuth): a credential is configured
 * for a "nerf dart" — `//host[:port]/path/` with no scheme — and a request to URL u gets the credential
 * of the longest such key that u's `//host[:port]/path` starts with, walking up one path segment (or one
 * slash) at a time. So a token set for `//a.test/npm/` is sent to `https://a.test/npm/pkg`, never to
 * `a.test/other/`, `b.test`, or `a.test:8443`.
 *
 * Client certificates (`:certfile` + `:keyfile`, see clientCert.ts) take part in the same walk, as in
 * npm: the walk stops at the first key with a token, `_auth`, username/password or a certfile/keyfile
 * pair, and whatever that key has is used (a token and a certificate together, or either alone).
 *
 * Stricter than npm in one respect: npm falls back to the registry's credential for any URL on the same
 * host (for tarballs served elsewhere on it). Vigil only fetches packuments under the registry URL, so it
 * never needs that fallback, and without it a same-host redirect outside the registry path carries nothing.
 * Likewise the deprecated top-level `cert`/`key`, which npm presents to every host, are presented to the
 * configured default registry only.
 *
 * Secrets stay inside Secret objects; notes name keys and files, never values.
 */
import { createHash } from 'node:crypto';
import { inlineCertificate, readCertificateFiles, type ClientCertificate } from './clientCert';
import { Secret } from './secret';

export type AuthField = '_authToken' | '_auth' | 'username' | '_password';
const FIELDS: readonly AuthField[] = ['_authToken', '_auth', 'username', '_password'];
type CertField = 'certfile' | 'keyfile';
type Field = AuthField | CertField;
const CERT_FIELDS: readonly CertField[] = ['certfile', 'keyfile'];

/** What npm would use for one nerf dart; the walk-up stops at the first dart that has one. */
interface Credential {
  /** The Authorization header; undefined: none (none configured here, or one that cannot be sent). */
  header: Secret | undefined;
  /** The client certificate configured here (npm's `:certfile` + `:keyfile`), or why it cannot be used. */
  certificate?: ClientCertificate;
}

/** The top-level `cert`/`key`, for URLs under `dart` whose own credential has no certificate. */
interface LegacyCertificate {
  dart: string;
  certificate: ClientCertificate;
}

/** `//host[:port]/dir/` for a URL, as npm computes it (@npmcli/config's nerf-dart.js): the last path segment dropped. */
export function nerfDart(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const dir = new URL('.', `${parsed.protocol}//${parsed.host}${parsed.pathname}`);
    return `//${dir.host}${dir.pathname}`;
  } catch {
    return undefined;
  }
}

export class RegistryCredentials {
  readonly #byKey: ReadonlyMap<string, Credential>;
  readonly #legacyCertificate: LegacyCertificate | undefined;

  constructor(byKey: ReadonlyMap<string, Credential> = new Map(), legacyCertificate?: LegacyCertificate) {
    this.#byKey = byKey;
    this.#legacyCertificate = legacyCertificate;
  }

  /** The Authorization header value for a request to `url`, or undefined: send none. */
  authorizationFor(url: URL): string | undefined {
    return this.#find(url)?.header?.reveal();
  }

  /**
   * The client certificate to present on the TLS connection for `url` (asked on every hop, like the
   * header), its problem when the configured one cannot be used, or undefined: present none.
   */
  clientCertificateFor(url: URL): ClientCertificate | undefined {
    const own = this.#find(url)?.certificate;
    if (own) return own;
    const legacy = this.#legacyCertificate;
    return legacy && `//${url.host}${url.pathname}`.startsWith(legacy.dart) ? legacy.certificate : undefined;
  }

  /** npm's walk: the credential of the longest configured key that `url` is under. */
  #find(url: URL): Credential | undefined {
    for (let key = `//${url.host}${url.pathname}`; key.length > '//'.length; key = key.replace(/([^/]+|\/)$/, '')) {
      const credential = this.#byKey.get(key);
      if (credential) return credential;
    }
    return undefined;
  }

  /**
   * A digest of every credential configured for `url`'s host: two configurations with equal digests send
   * the same headers and show the same client certificates to that host, so they can share one client.
   * Never the secrets themselves.
   */
  fingerprint(url: URL): string {
    const hash = createHash('sha256');
    for (const [key, credential] of [...this.#byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (hostOf(key) !== url.host) continue;
      hash.update(`${key}\u0000${credential.header?.reveal() ?? ''}\u0000${certificateText(credential.certificate)}\u0000`);
    }
    const legacy = this.#legacyCertificate;
    if (legacy && hostOf(legacy.dart) === url.host) hash.update(`cert ${legacy.dart}\u0000${certificateText(legacy.certificate)}`);
    return hash.digest('hex');
  }

  /** The nerf darts that have a credential (not secret): what a log or a test may show. */
  get registries(): string[] {
    return [...this.#byKey.keys()].sort();
  }

  toJSON(): { registries: string[] } {
    return { registries: this.registries };
  }
}

/** For fingerprints only: what decides the bytes of a handshake (or the failure) for a certificate. */
function certificateText(certificate: ClientCertificate | undefined): string {
  if (certificate === undefined) return '';
  return certificate.ok ? `${certificate.cert}\u0000${certificate.key.reveal()}` : `unusable\u0000${certificate.problem}`;
}

function hostOf(key: string): string {
  const end = key.indexOf('/', 2);
  return end === -1 ? key.slice(2) : key.slice(2, end);
}

export interface CredentialInput {
  /** npm's flattened options: `//host/path/:_authToken` and friends are copied there verbatim; top-level `cert`, `key`. */
  flat: Readonly<Record<string, unknown>>;
  /**
   * Top-level `_authToken`, `_auth`, `username`/`_password`: npm 9+ refuses them and `npm config fix`
   * moves them to the nerf dart of the configured default registry, so that is the only registry they
   * are used for here (never a scoped one, never one given by --registry or vigil.registry). The
   * deprecated top-level `cert`/`key` are confined to that registry the same way.
   */
  legacy: { registry: string; values: Partial<Record<AuthField, unknown>> };
  /** Where a key was set (a file path, an environment variable), for notes. */
  describe(key: string): string;
  /** What relative `certfile`/`keyfile` paths are relative to: the folder npm would run in. */
  baseDir: string;
}

type FieldSet = Partial<Record<Field, string>>;

export function readCredentials(input: CredentialInput): { credentials: RegistryCredentials; notes: string[] } {
  const notes: string[] = [];
  const fields = new Map<string, FieldSet>();
  const origin = new Map<string, string>();
  for (const [key, value] of Object.entries(input.flat)) {
    if (!key.startsWith('//') || typeof value !== 'string' || value === '') continue;
    const colon = key.lastIndexOf(':');
    const field = key.slice(colon + 1) as Field;
    const isAuth = (FIELDS as readonly string[]).includes(field);
    if (colon < 2 || !(isAuth || (CERT_FIELDS as readonly string[]).includes(field))) continue;
    const dart = key.slice(0, colon);
    fields.set(dart, { ...fields.get(dart), [field]: value });
    if (isAuth) origin.set(dart, input.describe(key));
  }
  const legacyDart = nerfDart(input.legacy.registry);
  if (legacyDart) useLegacyAuth(legacyDart, fields, origin, input, notes);
  const byKey = new Map<string, Credential>();
  for (const [dart, set] of fields) {
    const header = toHeader(set);
    const certificate = certificateAt(dart, set, input, notes);
    if (header === undefined && certificate === undefined) continue;
    if (header === null) notes.push(`the credential for ${dart} in ${origin.get(dart) ?? 'npm config'} cannot be sent in an HTTP header; nothing is sent to ${dart}`);
    byKey.set(dart, { header: header ?? undefined, ...(certificate && { certificate }) });
  }
  const legacyCertificate = legacyDart ? topLevelCertificate(legacyDart, input, notes) : undefined;
  return { credentials: new RegistryCredentials(byKey, legacyCertificate), notes };
}

/** Top-level `_authToken` and friends, moved to the default registry's dart unless it has a credential of its own. */
function useLegacyAuth(legacyDart: string, fields: Map<string, FieldSet>, origin: Map<string, string>, input: CredentialInput, notes: string[]): void {
  const legacy = stringFields(input.legacy.values);
  if (Object.keys(legacy).length === 0) return;
  const own = fields.get(legacyDart) ?? {};
  const used = toHeader(own) === undefined && toHeader(legacy) !== undefined;
  const keys = Object.keys(legacy).join(', ');
  const where = input.describe(Object.keys(legacy)[0] ?? '_authToken');
  if (used) {
    // The token fields are replaced, not merged (a half-configured username must not pair with a legacy password).
    fields.set(legacyDart, { certfile: own.certfile, keyfile: own.keyfile, ...legacy });
    origin.set(legacyDart, where);
    notes.push(`${where}: top-level ${keys} is used for ${legacyDart} only (npm itself asks for \`npm config fix\`)`);
  } else {
    notes.push(`${where}: top-level ${keys} is ignored (incomplete, or ${legacyDart} has its own credential)`);
  }
}

/** `:certfile` + `:keyfile` at one dart, read; a lone half is ignored, as npm ignores it. */
function certificateAt(dart: string, set: FieldSet, input: CredentialInput, notes: string[]): ClientCertificate | undefined {
  const { certfile, keyfile } = set;
  if (!certfile && !keyfile) return undefined;
  if (!certfile || !keyfile) {
    const [has, lacks] = certfile ? ['certfile', 'keyfile'] : ['keyfile', 'certfile'];
    notes.push(`${dart}:${has} in ${input.describe(`${dart}:${has}`)} has no ${dart}:${lacks}; npm ignores it, and so does Vigil`);
    return undefined;
  }
  const where = { certfile: input.describe(`${dart}:certfile`), keyfile: input.describe(`${dart}:keyfile`) };
  const certificate = readCertificateFiles({ dart, certfile, keyfile, where, baseDir: input.baseDir });
  if (!certificate.ok) notes.push(`${certificate.problem}; requests to ${dart} fail until it is fixed`);
  return certificate;
}

/** The deprecated top-level `cert`/`key` (inline PEM): npm presents them everywhere, Vigil to the default registry only. */
function topLevelCertificate(legacyDart: string, input: CredentialInput, notes: string[]): LegacyCertificate | undefined {
  const text = (key: string): string | undefined => {
    const value = input.flat[key];
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const [cert, key] = [text('cert'), text('key')];
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    const [has, lacks] = cert ? ['cert', 'key'] : ['key', 'cert'];
    notes.push(`the top-level ${has} in ${input.describe(has)} has no ${lacks}; it is ignored`);
    return undefined;
  }
  const certificate = inlineCertificate(cert, key, input.describe('cert'));
  notes.push(
    certificate.ok
      ? `${input.describe('cert')}: the top-level cert and key (deprecated in npm) are presented to ${legacyDart} only; npm recommends ${legacyDart}:certfile and :keyfile`
      : `${certificate.problem}; requests to ${legacyDart} fail until it is fixed`,
  );
  return { dart: legacyDart, certificate };
}

function stringFields(values: Partial<Record<AuthField, unknown>>): Partial<Record<AuthField, string>> {
  const out: Partial<Record<AuthField, string>> = {};
  for (const field of FIELDS) {
    const value = values[field];
    if (typeof value === 'string' && value !== '') out[field] = value;
  }
  return out;
}

/**
 * npm's precedence for one key: a token, else `_auth`, else username with a base64 `_password`.
 * undefined: none configured; null: configured, but not sendable (http.request throws on it), and a
 * value that cannot be sent must not fall back to a parent path's token.
 */
function toHeader(set: FieldSet): Secret | null | undefined {
  let value: string;
  if (set._authToken) value = `Bearer ${set._authToken}`;
  else if (set._auth) value = `Basic ${set._auth}`;
  else if (set.username && set._password) {
    const password = Buffer.from(set._password, 'base64').toString('utf8');
    value = `Basic ${Buffer.from(`${set.username}:${password}`, 'utf8').toString('base64')}`;
  } else return undefined;
  return /^[\x20-\x7e\t]+$/.test(value) ? new Secret(value) : null;
}
