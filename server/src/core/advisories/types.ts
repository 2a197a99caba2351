/**
 * Known-vulnerability and malware advisories as the core sees them: npm's bulk advisory endpoint (the
 * one `npm audit` uses) behind an injected source, so the core stays pure and tests pass fakes.
 * Field names follow the endpoint's wire format, so an advisory can be shown as the registry sent it.
 */
import type { AbortSignalLike } from '../registry/types';

/** npm's levels. `info` exists in old data; anything unknown is read as `info`. */
export type AdvisorySeverity = 'critical' | 'high' | 'moderate' | 'low' | 'info';

export interface Advisory {
  /** npm's numeric advisory id (internal to npm; the GHSA id in `url` is the one people search for). */
  id: number | string | null;
  /** Usually https://github.com/advisories/GHSA-…; empty when the registry sent none. */
  url: string;
  title: string;
  severity: AdvisorySeverity;
  /** The affected semver range, e.g. "<3.13.1"; empty when the registry sent none. */
  vulnerable_versions: string;
  /** CWE ids, e.g. ["CWE-506"] (embedded malicious code). */
  cwe: string[];
  /** GitHub's advisory type ("malware", "reviewed") when a registry passes it on. */
  type?: string;
}

/** Package name → the versions resolved for it in this analysis. */
export type AdvisoryQuery = Record<string, string[]>;

export type AdvisoryErrorKind =
  | 'unsupported' // the registry has no bulk advisory endpoint (404, 405, 501): a private registry, a mirror
  | 'offline' // offline mode: the network is never asked
  | 'network'
  | 'timeout'
  | 'http' // any other non-success status
  | 'malformed'
  | 'too-large'
  | 'cancelled';

export interface AdvisoryError {
  kind: AdvisoryErrorKind;
  /** A sentence for people. Never contains tokens or response bodies. */
  message: string;
  status?: number;
}

export type AdvisoryResult =
  | {
      ok: true;
      /** Package name → advisories the registry says affect at least one of the versions asked about. */
      advisories: Record<string, Advisory[]>;
      /** Some batches failed: these packages were not checked, for this reason. */
      failed?: { names: string[]; error: AdvisoryError };
    }
  | { ok: false; error: AdvisoryError };

export interface AdvisorySource {
  /** One call per analysis; the implementation splits the query into batches as the endpoint needs. */
  bulk(query: AdvisoryQuery, signal?: AbortSignalLike): Promise<AdvisoryResult>;
}
