/**
 * Quick-fixes on one declared dependency in package.json: pin it to an exact version, or replace a
 * typosquat with the package it imitates. Each edit is checked against the text first: a report whose
 * ranges no longer hold what it says (the document changed since the analysis) gives no edit, never a
 * wrong one.
 */
import * as semver from 'semver';
import { createScanner, ScanError, SyntaxKind } from 'jsonc-parser';
import type { DependencyReport } from '../analyze';
import type { OffsetRange } from '../finding';
import { isValidPackageName } from '../names';
import { DEPENDENCY_SECTIONS, type DependencySection } from '../parse/packageJson';
import { classifySpec } from '../spec';
import { finish, findProperty, parseDocument, propertyValue, removeProperty } from './jsonText';
import { replace, sortEdits, type TextEdit } from './textEdit';

/**
 * Replaces the spec at `report.specRange` with the exact `version`; an `npm:` alias keeps its target
 * (`npm:real@1.2.3`). No edit for a spec that is not a registry range, a version that is not an exact
 * semver version, or a report that no longer matches the text.
 */
export function pinEdit(text: string, report: DependencyReport, version: string): TextEdit[] {
  if (typeof version !== 'string' || !isDependencySection(report.section)) return [];
  const exact = semver.valid(version.trim());
  const literal = readString(text, report.specRange);
  if (exact === null || literal !== report.spec) return [];
  const spec = classifySpec(report.name, literal);
  if (spec.kind !== 'registry') return [];
  const pinned = spec.alias ? `npm:${spec.packageName}@${exact}` : exact;
  if (pinned === literal) return [];
  // JSON has one quote style: a package.json string literal is always double-quoted.
  return [replace(report.specRange.start, report.specRange.end, JSON.stringify(pinned))];
}

/** Several pins as one edit list: one edit per spec (the first item for a range wins), none overlapping. */
export function pinAllEdits(text: string, items: ReadonlyArray<{ report: DependencyReport; version: string }>): TextEdit[] {
  const kept: TextEdit[] = [];
  for (const { report, version } of items) {
    for (const edit of pinEdit(text, report, version)) {
      if (kept.some((other) => overlaps(other.range, edit.range))) continue;
      kept.push(edit);
    }
  }
  return sortEdits(kept);
}

/**
 * The typosquat fix: the dependency becomes `intended` at `range` (the declared range, kept). The key is
 * renamed; an `npm:` alias keeps its key and gets the new target. When `intended` is already declared in
 * the same section, the typosquat entry is removed instead (with its comma).
 */
export function replaceTyposquatEdits(text: string, report: DependencyReport, intended: string, range: string): TextEdit[] {
  if (typeof intended !== 'string' || typeof range !== 'string') return [];
  const section = report.section;
  const keep = range.trim();
  if (!isDependencySection(section) || !isValidPackageName(intended) || hasControlCharacters(keep)) return [];
  const parsed = parseDocument(text, false);
  if (!parsed.ok) return [];
  const { doc } = parsed;
  const object = propertyValue(doc.root, section);
  const entry = (object?.children ?? []).find((p) => p.children?.[0]?.offset === report.range.start);
  const [key, value] = entry?.children ?? [];
  if (!entry || !key || !value || key.value !== report.name || value.offset !== report.specRange.start || value.value !== report.spec) return [];
  const spec = classifySpec(report.name, report.spec);
  let edits: TextEdit[];
  if (spec.alias) {
    if (spec.kind !== 'registry') return [];
    const target = keep === '' ? `npm:${intended}` : `npm:${intended}@${keep}`;
    edits = [replace(value.offset, value.offset + value.length, JSON.stringify(target))];
  } else if (intended !== report.name && findProperty(object, intended)) {
    const removal = removeProperty(entry);
    edits = removal ? [removal] : [];
  } else {
    edits = [replace(key.offset, key.offset + key.length, JSON.stringify(intended)), replace(value.offset, value.offset + value.length, JSON.stringify(keep))];
  }
  return finish(doc, edits) ?? [];
}

function isDependencySection(section: string): section is DependencySection {
  return (DEPENDENCY_SECTIONS as readonly string[]).includes(section);
}

/** The value of the JSON string literal that is exactly `range` of the text; undefined for anything else. */
export function readString(text: string, range: OffsetRange): string | undefined {
  if (range.start < 0 || range.end > text.length || range.end <= range.start) return undefined;
  const literal = text.slice(range.start, range.end);
  const scanner = createScanner(literal, false);
  const token = scanner.scan();
  const whole = scanner.getTokenOffset() === 0 && scanner.getTokenLength() === literal.length;
  if (token !== SyntaxKind.StringLiteral || scanner.getTokenError() !== ScanError.None || !whole) return undefined;
  return scanner.getTokenValue();
}

function overlaps(a: OffsetRange, b: OffsetRange): boolean {
  return a.start < b.end && b.start < a.end;
}

function hasControlCharacters(value: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(value);
}
