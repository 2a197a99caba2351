/**
 * "Suppress in .vigilrc.json": appends a suppression to the project's policy file, or writes the file.
 * The edit is checked the way it will be read: the result must parse back with parsePolicyFile() to a
 * policy that holds the new suppression, or there is no edit.
 *
 * No `$schema` is written: the extension's `jsonValidation` contribution attaches its schema to every
 * .vigilrc.json by file name, with an extension-relative path (./media/vigilrc.schema.json) that a
 * project file could not point to; there is no public URL for it.
 */
import type { SignalId } from '../finding';
import { parsePolicyFile, POLICY_FILE } from '../parse/policyFile';
import { finish, insertMember, parseDocument, property, propertyValue, serialize, type JsonDocument, type JsonStyle, type JsonValue } from './jsonText';
import { applyEdits, replace, type TextEdit } from './textEdit';

export interface SuppressionRequest {
  /** `name` (every version) or `name@range`, as .vigilrc.json's `package`. */
  entry: string;
  signal: SignalId;
  reason: string;
  /** A date (2026-12-31) or a date-time with a zone. */
  expires?: string;
}

const ONE_LINE = { pad: ' ', comma: ', ' };
const NEW_FILE_STYLE: JsonStyle = { unit: '  ', eol: '\n', colon: ': ' };

/**
 * What is wrong with a suppression, in the policy file's own words (the first problem parsePolicyFile
 * reports on it); undefined when it is valid. For the quick-fix to say why it offers nothing.
 */
export function suppressionProblem(suppression: SuppressionRequest): string | undefined {
  // Command arguments arrive from the client as JSON: checked, not trusted to match the type.
  const { entry, signal, reason, expires } = suppression ?? {};
  if (typeof entry !== 'string' || typeof signal !== 'string' || typeof reason !== 'string' || !(expires === undefined || typeof expires === 'string')) {
    return 'A suppression needs a package, a signal and a reason.';
  }
  if (reason.trim() === '') return 'A suppression needs a reason that says why it is safe, for whoever reads it next.';
  const text = newFile(itemOf(suppression), NEW_FILE_STYLE);
  if (contains(text, suppression)) return undefined;
  return parsePolicyFile(text).problems[0]?.message ?? `The suppression cannot be written to ${POLICY_FILE}.`;
}

/**
 * Edits that add `suppression` to `suppressions` (creating the array, or the whole file when
 * `vigilrcText` is undefined or blank). None for an invalid suppression, a file that does not parse, a
 * `suppressions` that is not a list, or one that already holds the same suppression.
 */
export function suppressionEdits(vigilrcText: string | undefined, suppression: SuppressionRequest): TextEdit[] {
  if (suppressionProblem(suppression) !== undefined) return [];
  const item = itemOf(suppression);
  if (vigilrcText === undefined || vigilrcText.trim() === '') {
    const text = vigilrcText ?? '';
    const style = { ...NEW_FILE_STYLE, eol: text.includes('\r\n') ? '\r\n' : '\n' };
    return [replace(0, text.length, newFile(item, style))];
  }
  if (contains(vigilrcText, suppression)) return [];
  const parsed = parseDocument(vigilrcText, true);
  if (!parsed.ok) return [];
  const edits = appendItem(parsed.doc, item);
  const checked = edits && finish(parsed.doc, edits);
  if (!checked || !contains(applyEdits(vigilrcText, checked), suppression)) return [];
  return checked;
}

function itemOf(suppression: SuppressionRequest): { [key: string]: JsonValue } {
  const expires = suppression.expires?.trim();
  return {
    package: suppression.entry.trim(),
    signal: suppression.signal,
    reason: suppression.reason.trim(),
    ...(expires !== undefined && expires !== '' && { expires }),
  };
}

function newFile(item: JsonValue, style: JsonStyle): string {
  const { unit, eol } = style;
  return `{${eol}${unit}"suppressions": [${eol}${unit}${unit}${serialize(item, style, '', ONE_LINE)}${eol}${unit}]${eol}}${eol}`;
}

function appendItem(doc: JsonDocument, item: JsonValue): TextEdit[] | undefined {
  const { style } = doc;
  const list = propertyValue(doc.root, 'suppressions');
  if (!list) {
    return insertMember(doc, doc.root, (indent, inline) => {
      if (inline) return property('suppressions', [item], style, '', inline);
      const inner = indent + style.unit;
      return `"suppressions"${style.colon}[${style.eol}${inner}${serialize(item, style, '', ONE_LINE)}${style.eol}${indent}]`;
    });
  }
  if (list.type !== 'array') return undefined;
  // Items follow the last one: one line each (as the docs write them) unless the file spreads them out.
  const last = list.children?.[list.children.length - 1];
  const spread = last?.type === 'object' && doc.text.slice(last.offset, last.offset + last.length).includes('\n');
  return insertMember(doc, list, (indent, inline) => serialize(item, style, indent, spread ? inline : inline ?? ONE_LINE));
}

/** Whether the text, read as Vigil reads it, holds this suppression. */
function contains(text: string, suppression: SuppressionRequest): boolean {
  const expires = suppression.expires?.trim() || undefined;
  return parsePolicyFile(text).policy.suppressions.some(
    (s) => s.entry === suppression.entry.trim() && s.signal === suppression.signal && s.reason === suppression.reason.trim() && s.expires === expires,
  );
}
