/**
 * An in-memory Registry over recorded packument files, for core tests that need no HTTP. Registry
 * behaviour over the network is tested in test/node against a real loopback server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { Registry, RegistryResult } from '../../server/src/core/registry/types';

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

export function scenarioDir(name: string): string {
  return join(FIXTURES, 'scenarios', name);
}

export function loadPackuments(...dirs: string[]): Map<string, unknown> {
  const docs = new Map<string, unknown>();
  for (const dir of dirs) {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { name?: string };
      if (typeof doc.name === 'string') docs.set(doc.name, doc);
    }
  }
  return docs;
}

export class FileRegistry implements Registry {
  readonly asked: string[] = [];
  /** `url`: the registry's address as a real client reports it in errors (unclaimed-name names it). */
  constructor(
    private readonly docs: Map<string, unknown>,
    private readonly url?: string,
  ) {}

  static fromDirs(...dirs: string[]): FileRegistry {
    return new FileRegistry(loadPackuments(...dirs));
  }

  async getPackument(name: string): Promise<RegistryResult> {
    this.asked.push(name);
    const doc = this.docs.get(name);
    if (doc === undefined) {
      const error = { kind: 'not-found' as const, message: `${name} is not on the registry (404).`, status: 404 };
      return { ok: false, error: this.url === undefined ? error : { ...error, registry: this.url } };
    }
    return summarizePackument(doc, name);
  }
}
