/**
 * The shape check of an analysis result read back from the result cache (resultCache.ts), like the
 * summary cache's check of its entries: a damaged or foreign file is ignored and the project analysed
 * again, never handed to the report writers or the editor to crash on. Checks every field they read.
 */
import type { AnalysisResult } from '../core/analyze';
import { SEVERITY_RANK, SIGNAL_IDS } from '../core/finding';
import { isObject } from '../core/registry/records';

type Json = Record<string, unknown>;

const SIGNALS = new Set<string>(SIGNAL_IDS);
const STATUSES = new Set(['checked', 'not-registry', 'unresolved', 'error', 'cancelled']);


const isString = (value: unknown): value is string => typeof value === 'string';
const optional = (value: unknown, check: (v: unknown) => boolean): boolean => value === undefined || check(value);

function isRange(value: unknown): boolean {
  return isObject(value) && Number.isInteger(value.start) && Number.isInteger(value.end) && (value.start as number) >= 0 && (value.end as number) >= (value.start as number);
}

function isFix(value: unknown): boolean {
  return isObject(value) && isString(value.pin) && isString(value.reason);
}

function isFinding(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.file) &&
    isRange(value.range) &&
    isString(value.package) &&
    isString(value.spec) &&
    optional(value.version, isString) &&
    isString(value.signal) &&
    SIGNALS.has(value.signal) &&
    isString(value.severity) &&
    Object.hasOwn(SEVERITY_RANK, value.severity) &&
    isString(value.message) &&
    isObject(value.evidence) &&
    optional(value.fix, isFix)
  );
}

function isSuppressed(value: unknown): boolean {
  if (!isFinding(value)) return false;
  const by = (value as Json).suppression;
  return isObject(by) && isString(by.entry) && isString(by.signal) && isString(by.reason) && isString(by.file) && optional(by.expires, isString);
}

function isError(value: unknown): boolean {
  return isObject(value) && isString(value.file) && isRange(value.range) && isString(value.package) && isString(value.kind) && isString(value.message);
}

function isDependency(value: unknown): boolean {
  if (!isObject(value)) return false;
  const source = value.source;
  const locked = value.locked;
  return (
    isString(value.file) &&
    isString(value.name) &&
    isString(value.package) &&
    isString(value.spec) &&
    isString(value.section) &&
    isString(value.kind) &&
    isRange(value.range) &&
    isRange(value.specRange) &&
    isString(value.status) &&
    STATUSES.has(value.status) &&
    optional(value.version, isString) &&
    optional(source, (s) => isObject(s) && optional(s.fetchedAt, isString) && optional(s.stale, (b) => typeof b === 'boolean')) &&
    optional(locked, (l) => isObject(l) && isString(l.lockfile) && isString(l.version) && isString(l.key))
  );
}

function isNote(value: unknown): boolean {
  return isObject(value) && isString(value.code) && isString(value.message);
}

const every = (value: unknown, check: (item: unknown) => boolean): boolean => Array.isArray(value) && value.every(check);

export function isAnalysisResult(value: unknown): value is AnalysisResult {
  return (
    isObject(value) &&
    isString(value.asOf) &&
    every(value.findings, isFinding) &&
    every(value.suppressed, isSuppressed) &&
    every(value.errors, isError) &&
    every(value.dependencies, isDependency) &&
    every(value.notes, isNote)
  );
}
