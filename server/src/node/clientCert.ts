/**
 * Client certificates for mutual TLS, as npm configures them: `//host[:port]/path/:certfile=` and
 * `:keyfile=` (paths, per nerf dart, like tokens), and the deprecated top-level `cert` / `key` (inline
 * PEM). npm-registry-fetch reads the two files on each request and silently presents no certificate when
 * either is missing; here they are read once with the rest of the configuration, and a pair that cannot
 * be used becomes a problem that fails the requests it was meant for, naming the file: a registry that
 * wants a certificate would only answer with an opaque handshake failure or a 403.
 *
 * Problems name keys, paths and where they were set, never contents: a key file is a secret.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { Secret } from './secret';

/** A certificate chain and its private key, ready for tls.connect; or why the configured pair cannot be used. */
export type ClientCertificate = { ok: true; cert: string; key: Secret } | { ok: false; problem: string };

/** A certificate chain with a few intermediates is a few KB; anything this size is the wrong file. */
const MAX_PEM_BYTES = 1024 * 1024;

export interface CertificateFiles {
  /** The nerf dart the pair is configured for, `//host[:port]/path/`. */
  dart: string;
  certfile: string;
  keyfile: string;
  /** Where each was set (a file path, an environment variable), for messages. */
  where: Record<'certfile' | 'keyfile', string>;
  /** What a relative path is relative to: the folder npm would run in (the project). */
  baseDir: string;
}

/** Reads and checks `certfile` and `keyfile`. Never throws. */
export function readCertificateFiles(files: CertificateFiles): ClientCertificate {
  const read = (field: 'certfile' | 'keyfile'): { text: string } | { problem: string } => {
    const path = files[field];
    const absolute = isAbsolute(path) ? path : resolve(files.baseDir, path);
    const shown = absolute === path ? path : `${path} (${absolute})`;
    const origin = `, set as ${files.dart}:${field} in ${files.where[field]}`;
    try {
      // Checked first: a FIFO or a device (/dev/zero) would block or never end.
      const stat = statSync(absolute);
      if (!stat.isFile()) return { problem: `${field} ${shown} ${stat.isDirectory() ? 'is a folder' : 'is not a regular file'}${origin}` };
      if (stat.size > MAX_PEM_BYTES) return { problem: `${field} ${shown} is larger than ${MAX_PEM_BYTES / 1024} KB, which no certificate or key is${origin}` };
      const text = readFileSync(absolute, 'utf8');
      return text.trim() === '' ? { problem: `${field} ${shown} is empty${origin}` } : { text };
    } catch (error) {
      const hint = path.startsWith('~') ? ' (~ is not expanded there, as in npm)' : '';
      return { problem: `${field} ${shown} ${readProblem(error)}${origin}${hint}` };
    }
  };
  const cert = read('certfile');
  if ('problem' in cert) return { ok: false, problem: cert.problem };
  const key = read('keyfile');
  if ('problem' in key) return { ok: false, problem: key.problem };
  return checked(cert.text, key.text, () => `certfile ${files.certfile} and keyfile ${files.keyfile}, set for ${files.dart} in ${files.where.certfile},`);
}

/** The deprecated top-level `cert` and `key`: PEM text itself, not paths. Never throws. */
export function inlineCertificate(cert: string, key: string, where: string): ClientCertificate {
  return checked(cert, key, () => `the top-level cert and key in ${where}`);
}

/** A pair Node's TLS accepts, or a problem that names `what` and the reason, never the PEM. */
function checked(cert: string, key: string, what: () => string): ClientCertificate {
  try {
    createSecureContext({ cert, key });
    return { ok: true, cert, key: new Secret(key) };
  } catch (error) {
    return { ok: false, problem: `${what()} are not a usable client certificate: ${pemProblem(error)}` };
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function readProblem(error: unknown): string {
  const code = codeOf(error);
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
}

/** OpenSSL's codes, in words; its messages are not quoted (they are safe today, but nothing says they stay so). */
function pemProblem(error: unknown): string {
  const code = codeOf(error);
  switch (code) {
    case 'ERR_OSSL_X509_KEY_VALUES_MISMATCH':
      return 'the key does not belong to the certificate';
    case 'ERR_OSSL_PEM_NO_START_LINE':
      return 'the certificate is not a PEM certificate';
    case 'ERR_OSSL_UNSUPPORTED':
      return 'the key is not a PEM private key';
    case 'ERR_OSSL_BAD_DECRYPT':
    case 'ERR_OSSL_EVP_BAD_DECRYPT':
      return 'the key is encrypted (npm has no passphrase setting either)';
    default:
      return code ?? 'rejected by TLS';
  }
}
