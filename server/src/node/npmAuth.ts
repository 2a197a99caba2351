/**
 * Registry credentials as npm applies them (npm-registry-fetch's getAuth): a credential is configured
 * for a "nerf dart" — `//host[:port]/path/` with no scheme — and a request to URL u gets the credential
 * of the longest such key that u's `//host[:port]/path` starts with, walking up one path segment (or one
 * slash) at a time. So a token set for `//a.test/npm/` is sent to `https://a.test/npm/pkg`, never to
 * `a.test/other/`, `b.test`, or `a.test:8443`.
 *
 * Stricter than npm in one respect: npm falls back to the registry's credential for any URL on the same
 * host (for tarballs served elsewhere on it). Vigil only fetches packuments under the registry URL, so it
 * never needs that fallback, and without it a same-host redirect outside the registry path carries nothing.
 *
 * Secrets stay inside Secret objects; notes name keys and files, never values.
 */
import { createHash } from 'node:crypto';
import { Secret } from './secret';

export type AuthField = '_authToken' | '_auth' | 'username' | '_password';
const FIELDS: readonly AuthField[] = ['_authToken', '_auth', 'username', '_password'];

/** What npm would send for one nerf dart; `header` undefined: configured, but unusable (stops the walk-up). */
interface Credential {
  header: Secret | undefined;
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

  constructor(byKey: ReadonlyMap<string, Credential> = new Map()) {
    this.#byKey = byKey;
  }

  /** The Authorization header value for a request to `url`, or undefined: send none. */
  authorizationFor(url: URL): string | undefined {
    for (let key = `//${url.host}${url.pathname}`; key.length > '//'.length; key = key.replace(/([^/]+|\/)$/, '')) {
      const credential = this.#byKey.get(key);
      if (credential) return credential.header?.reveal();
    }
    return undefined;
  }

  /**
   * A digest of every credential configured for `url`'s host: two configurations with equal digests send
   * the same headers to that host, so they can share one client. Never the secrets themselves.
   */
  fingerprint(url: URL): string {
    const hash = createHash('sha256');
    for (const [key, credential] of [...this.#byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (hostOf(key) !== url.host) continue;
      hash.update(`${key}\u0000${credential.header?.reveal() ?? ''}\u0000`);
    }
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

function hostOf(key: string): string {
  const end = key.indexOf('/', 2);
  return end === -1 ? key.slice(2) : key.slice(2, end);
}

export interface CredentialInput {
  /** npm's flattened options: `//host/path/:_authToken` and friends are copied there verbatim. */
  flat: Readonly<Record<string, unknown>>;
  /**
   * Top-level `_authToken`, `_auth`, `username`/`_password`: npm 9+ refuses them and `npm config fix`
   * moves them to the nerf dart of the configured default registry, so that is the only registry they
   * are used for here (never a scoped one, never one given by --registry or vigil.registry).
   */
  legacy: { registry: string; values: Partial<Record<AuthField, unknown>> };
  /** Where a key was set (a file path, an environment variable), for notes. */
  describe(key: string): string;
}

export function readCredentials(input: CredentialInput): { credentials: RegistryCredentials; notes: string[] } {
  const notes: string[] = [];
  const fields = new Map<string, Partial<Record<AuthField, string>>>();
  const origin = new Map<string, string>();
  for (const [key, value] of Object.entries(input.flat)) {
    if (!key.startsWith('//') || typeof value !== 'string' || value === '') continue;
    const colon = key.lastIndexOf(':');
    const field = key.slice(colon + 1) as AuthField;
    if (colon < 2 || !FIELDS.includes(field)) continue;
    const dart = key.slice(0, colon);
    fields.set(dart, { ...fields.get(dart), [field]: value });
    origin.set(dart, input.describe(key));
  }
  const legacyDart = nerfDart(input.legacy.registry);
  const legacy = stringFields(input.legacy.values);
  if (legacyDart && Object.keys(legacy).length > 0) {
    const used = !toCredential(fields.get(legacyDart) ?? {}) && toCredential(legacy) !== undefined;
    const keys = Object.keys(legacy).join(', ');
    const where = input.describe(Object.keys(legacy)[0] ?? '_authToken');
    if (used) {
      fields.set(legacyDart, legacy);
      origin.set(legacyDart, where);
      notes.push(`${where}: top-level ${keys} is used for ${legacyDart} only (npm itself asks for \`npm config fix\`)`);
    } else {
      notes.push(`${where}: top-level ${keys} is ignored (incomplete, or ${legacyDart} has its own credential)`);
    }
  }
  const byKey = new Map<string, Credential>();
  for (const [dart, set] of fields) {
    const credential = toCredential(set);
    if (credential === undefined) continue;
    if (credential.header === undefined) notes.push(`the credential for ${dart} in ${origin.get(dart) ?? 'npm config'} cannot be sent in an HTTP header; nothing is sent to ${dart}`);
    byKey.set(dart, credential);
  }
  return { credentials: new RegistryCredentials(byKey), notes };
}

function stringFields(values: Partial<Record<AuthField, unknown>>): Partial<Record<AuthField, string>> {
  const out: Partial<Record<AuthField, string>> = {};
  for (const field of FIELDS) {
    const value = values[field];
    if (typeof value === 'string' && value !== '') out[field] = value;
  }
  return out;
}

/** npm's precedence for one key: a token, else `_auth`, else username with a base64 `_password`. Undefined: no credential. */
function toCredential(set: Partial<Record<AuthField, string>>): Credential | undefined {
  let value: string;
  if (set._authToken) value = `Bearer ${set._authToken}`;
  else if (set._auth) value = `Basic ${set._auth}`;
  else if (set.username && set._password) {
    const password = Buffer.from(set._password, 'base64').toString('utf8');
    value = `Basic ${Buffer.from(`${set.username}:${password}`, 'utf8').toString('base64')}`;
  } else return undefined;
  // http.request throws on anything else; a value that cannot be sent must not fall back to a parent path's token.
  return { header: /^[\x20-\x7e\t]+$/.test(value) ? new Secret(value) : undefined };
}
