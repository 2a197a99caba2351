/**
 * Packument bytes → PackageSummary without ever holding the document: the body streams through a
 * JsonSelectReader that keeps only the members summarizePackument reads, and the reduced document
 * goes to summarizePackument itself, so the summary is the one the whole document would give.
 *
 * PACKUMENT_SELECTOR mirrors what core/registry/summarize.ts reads. A field added there must be added
 * here too; test/node/packumentStream.test.ts compares both paths on every recorded packument, and a
 * field forgotten here shows up there as a difference.
 */
import { summarizePackument, type SummarizeResult } from '../core/registry/summarize';
import type { BodySink } from './httpGet';
import { JsonSelectReader, type ObjectSelector, type Selector } from './jsonSelect';
import { shareRepeats } from './summaryCodec';

const keys = (entries: Record<string, Selector>, other?: Selector): ObjectSelector =>
  other === undefined ? { keys: new Map(Object.entries(entries)) } : { keys: new Map(Object.entries(entries)), other };

const VERSION = keys({
  scripts: keys({ preinstall: 'capture', install: 'capture', postinstall: 'capture' }),
  gypfile: 'capture',
  dependencies: 'capture',
  optionalDependencies: 'capture',
  deprecated: 'capture',
  // Only whether attestations is an object matters (provenance); its bundles can be large.
  dist: keys({ integrity: 'capture', attestations: 'presence' }),
  bin: 'capture',
  repository: 'capture',
  _npmUser: 'capture',
  maintainers: 'capture',
});

/** Dropped on the way: readmes, per-version descriptions, devDependencies, files lists, users, etc. */
export const PACKUMENT_SELECTOR: ObjectSelector = keys({
  name: 'capture',
  description: 'capture',
  license: 'capture',
  repository: 'capture',
  'dist-tags': 'capture',
  time: 'capture',
  maintainers: 'capture',
  versions: { other: VERSION },
});

function notJson(name: string, why: string): SummarizeResult {
  return { ok: false, error: { kind: 'malformed', message: `The registry's document for ${name} is not valid JSON (${why}).` } };
}

/** A body consumer for httpGet: reduces while bytes arrive, summarises at the end. */
export function packumentSink(name: string): BodySink<SummarizeResult> {
  const reader = new JsonSelectReader(PACKUMENT_SELECTOR);
  return {
    write: (chunk) => reader.write(chunk),
    end: () => {
      const reduced = reader.end();
      if (!reduced.ok) return notJson(name, reduced.error);
      const result = summarizePackument(reduced.value, name);
      // Neighbouring versions mostly repeat each other: hold the repeats once (see summaryCodec.ts).
      return result.ok ? { ok: true, summary: shareRepeats(result.summary) } : result;
    },
  };
}

/** The same over chunks already at hand (tests, the bench, a cached body). */
export function summarizeChunks(chunks: Iterable<Buffer>, name: string): SummarizeResult {
  const sink = packumentSink(name);
  for (const chunk of chunks) if (!sink.write(chunk)) break;
  return sink.end();
}
