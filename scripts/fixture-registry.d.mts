// Types for scripts/fixture-registry.mjs, so TypeScript tests can `await import()` it.

export interface FixtureRequest {
  method: string | undefined;
  /** Path and query as sent, e.g. "/@scope%2fname". */
  url: string | undefined;
  /** Lower-case header names, as Node received them. */
  headers: Record<string, string | string[] | undefined>;
  /** For a bulk advisory request: the decoded query ({name: [versions]}), set before the answer is sent. */
  body?: Record<string, string[]>;
}

export interface FixtureRegistryOptions {
  /** Folders of `*.json` packuments; a later folder overrides an earlier one for the same package. */
  dirs: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /**
   * JSON files of advisories, {name: [advisory]} in the bulk endpoint's shape, served at
   * POST /-/npm/v1/security/advisories/bulk. None: that endpoint is a 404.
   */
  advisories?: string[];
}

export interface FixtureRegistry {
  /** The server's origin, e.g. "http://127.0.0.1:40123" (no trailing slash). */
  url: string;
  /** Every request received, oldest first (live: the array grows). */
  requests: FixtureRequest[];
  close(): Promise<void>;
}

export function startFixtureRegistry(options: FixtureRegistryOptions): Promise<FixtureRegistry>;
