/**
 * Registry documents are untrusted: a version or dist-tag named "constructor" or "__proto__" must read
 * as data, never as Object.prototype. Every keyed lookup into a summary goes through `own`, and every
 * key the summariser copies is defined as an own property (a plain `record["__proto__"] = x` would
 * replace the prototype instead).
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export function define<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A JSON object: not null, not an array (JSON from a registry or a cache file, before its shape is checked). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
