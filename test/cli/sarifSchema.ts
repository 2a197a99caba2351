/**
 * Validates documents against the SARIF 2.1.0 JSON schema shipped in test/fixtures (provenance in
 * test/fixtures/SOURCES.md) with Ajv. The schema's `$schema` names draft 2020-12 (it uses only keywords
 * every draft since 04 shares), hence Ajv's 2020 class. The four formats it uses are checked here rather
 * than with another dependency: uri and uri-reference by WHATWG URL parsing, date-time and uuid by RFC
 * 3339 / RFC 4122 shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import { FIXTURES } from '../helpers/fileRegistry';

export const SARIF_SCHEMA_PATH = join(FIXTURES, 'sarif-schema-2.1.0.json');

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

function isUriReference(value: string): boolean {
  if (/[\s<>"{}|\\^`]/.test(value)) return false;
  try {
    new URL(value, 'http://base.invalid/');
    return true;
  } catch {
    return false;
  }
}

let validate: ((doc: unknown) => string[]) | undefined;

/** Problems with `doc` as SARIF 2.1.0 ([] when valid), each as "path: message". */
export function sarifProblems(doc: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
    ajv.addFormat('uri', isUri);
    ajv.addFormat('uri-reference', isUriReference);
    ajv.addFormat('date-time', (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
    ajv.addFormat('uuid', UUID);
    const check = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object);
    validate = (candidate) => (check(candidate) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`));
  }
  return validate(doc);
}
