/**
 * Minimal edits to a JSON (or JSONC) document that follow the file's own formatting: its indentation
 * unit (tab, 2 or 4 spaces), its line ending, its `"key": value` spacing, and one-line objects stay on one
 * line. Only the bytes that must change are touched.
 *
 * jsonc-parser's `modify` is not used for the writes: with formatting options it re-formats the member
 * before an insertion (a one-line suppression object is spread over five lines) and rewrites a one-line
 * package.json whole; without them the insertion is unformatted. Its parser and scanner are used for
 * every read, so offsets are the parser's own.
 */
import { applyEdits as applyJsoncEdits, createScanner, parseTree, SyntaxKind, type Node, type ParseError } from 'jsonc-parser';
import { applyEdits, replace, sortEdits, withoutNoOps, type TextEdit } from './textEdit';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JsonStyle {
  /** One level of indentation: '\t' or some spaces. */
  unit: string;
  eol: string;
  /** Between a key and its value, as the file writes it: ': ' or ':'. */
  colon: string;
}

/** How members sit inside an object or array that is written on one line. */
export interface InlineStyle {
  /** After `{` and before `}`: ' ' or ''. */
  pad: string;
  /** Between members: ', ' or ','. */
  comma: string;
}

export interface JsonDocument {
  text: string;
  root: Node;
  style: JsonStyle;
  jsonc: boolean;
}

export type ParsedDocument = { ok: true; doc: JsonDocument } | { ok: false; reason: 'syntax' | 'not-object' };

/** A document whose root is an object and that parses without a single error; anything else is not edited. */
export function parseDocument(text: string, jsonc: boolean): ParsedDocument {
  const root = parseStrictly(text, jsonc);
  if (root === 'syntax') return { ok: false, reason: 'syntax' };
  if (!root || root.type !== 'object') return { ok: false, reason: 'not-object' };
  return { ok: true, doc: { text, root, style: detectStyle(text, root), jsonc } };
}

function parseStrictly(text: string, jsonc: boolean): Node | undefined | 'syntax' {
  const errors: ParseError[] = [];
  // A byte-order mark becomes a space of the same length, so every offset stays where it is (as npm reads it).
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = parseTree(source, errors, { disallowComments: !jsonc, allowTrailingComma: jsonc, allowEmptyContent: false });
  return errors.length > 0 ? 'syntax' : root;
}

/** Whether the edits leave a document that still parses, with an object at the root. */
export function stillParses(text: string, edits: readonly TextEdit[], jsonc: boolean): boolean {
  if (edits.length === 0) return true;
  try {
    const result = applyEdits(text, edits);
    // Cross-check with jsonc-parser's own applier: the two must agree on what the edits mean.
    if (applyJsoncEdits(text, sortEdits(edits).map((e) => ({ offset: e.range.start, length: e.range.end - e.range.start, content: e.newText }))) !== result) return false;
    const root = parseStrictly(result, jsonc);
    return root !== 'syntax' && root?.type === 'object';
  } catch {
    return false;
  }
}

/** The edits, without no-ops, sorted; none at all unless the result still parses. */
export function finish(doc: JsonDocument, edits: readonly TextEdit[]): TextEdit[] | undefined {
  const kept = sortEdits(withoutNoOps(doc.text, edits));
  return stillParses(doc.text, kept, doc.jsonc) ? kept : undefined;
}

export function detectStyle(text: string, root: Node): JsonStyle {
  return { unit: detectUnit(text), eol: text.includes('\r\n') ? '\r\n' : '\n', colon: detectColon(text, root) };
}

/** Tabs if the first indented line starts with one; else the smallest indentation of a line holding JSON. */
function detectUnit(text: string): string {
  let smallest = Infinity;
  for (const line of text.split('\n')) {
    const match = /^([ \t]+)["{}[\]]/.exec(line);
    if (!match?.[1]) continue;
    if (match[1].startsWith('\t')) {
      if (smallest === Infinity) return '\t';
      continue;
    }
    smallest = Math.min(smallest, match[1].length);
  }
  return smallest === Infinity ? '  ' : ' '.repeat(Math.min(smallest, 8));
}

function detectColon(text: string, root: Node): string {
  const first = findFirstProperty(root);
  const [key, value] = first?.children ?? [];
  if (!key || !value) return ': ';
  const between = text.slice(key.offset + key.length, value.offset);
  return between.trim() === ':' && !between.includes('\n') ? between : ': ';
}

function findFirstProperty(node: Node): Node | undefined {
  for (const property of node.children ?? []) {
    if (property.type === 'property') return property;
  }
  return undefined;
}

/** The last property of an object with this key (the one JSON.parse and npm keep), or undefined. */
export function findProperty(object: Node | undefined, key: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const property of object.children ?? []) {
    if (property.children?.[0]?.value === key) found = property;
  }
  return found;
}

export function propertyValue(object: Node | undefined, key: string): Node | undefined {
  return findProperty(object, key)?.children?.[1];
}

/** Text for a value starting at a line indented by `indent`; with `inline`, all on one line. */
export function serialize(value: JsonValue, style: JsonStyle, indent: string, inline?: InlineStyle): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const isArray = Array.isArray(value);
  const entries: Array<[string | undefined, JsonValue]> = isArray ? value.map((item) => [undefined, item]) : Object.entries(value);
  if (entries.length === 0) return isArray ? '[]' : '{}';
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  const member = ([key, item]: [string | undefined, JsonValue], at: string): string =>
    (key === undefined ? '' : JSON.stringify(key) + style.colon) + serialize(item, style, at, inline);
  if (inline) {
    const pad = isArray ? '' : inline.pad;
    return open + pad + entries.map((entry) => member(entry, '')).join(inline.comma) + pad + close;
  }
  const inner = indent + style.unit;
  return open + style.eol + entries.map((entry) => inner + member(entry, inner)).join(`,${style.eol}`) + style.eol + indent + close;
}

export function property(key: string, value: JsonValue, style: JsonStyle, indent: string, inline?: InlineStyle): string {
  return JSON.stringify(key) + style.colon + serialize(value, style, indent, inline);
}

function isMultiline(text: string, node: Node): boolean {
  return text.slice(node.offset, node.offset + node.length).includes('\n');
}

/** The whitespace a line starts with. */
export function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** The indentation of a member that starts its line; undefined when something precedes it on the line. */
function memberIndent(text: string, member: Node): string | undefined {
  const start = text.lastIndexOf('\n', member.offset - 1) + 1;
  const before = text.slice(start, member.offset);
  return before.trim() === '' ? before : undefined;
}

export function inlineStyle(doc: JsonDocument, container: Node): InlineStyle {
  const { text, style } = doc;
  const children = container.children ?? [];
  const padFrom = children.length > 0 ? container : doc.root;
  const pad = text.charAt(padFrom.offset + 1) === ' ' ? ' ' : '';
  const [first, second] = children;
  const between = first && second ? text.slice(first.offset + first.length, second.offset) : '';
  const comma = between.trim() === ',' && !between.includes('\n') ? between : style.colon.endsWith(' ') ? ', ' : ',';
  return { pad, comma };
}

/**
 * Whether members of this container go on lines of their own: as the container has them; an empty one
 * follows the document, and an empty document (`{}`) is spread out.
 */
export function writesMultiline(doc: JsonDocument, container: Node): boolean {
  if ((container.children?.length ?? 0) > 0) return isMultiline(doc.text, container);
  return container === doc.root || isMultiline(doc.text, doc.root);
}

export type Render = (indent: string, inline: InlineStyle | undefined) => string;

/** Adds a member (a property, or an array item) after the last one of an object or array. */
export function insertMember(doc: JsonDocument, container: Node, render: Render): TextEdit[] {
  const { text, style } = doc;
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const children = container.children ?? [];
  const last = children[children.length - 1];
  const multiline = writesMultiline(doc, container);
  if (!last) {
    const blank = text.slice(open + 1, close).trim() === '';
    if (!multiline) {
      const inline = inlineStyle(doc, container);
      const member = inline.pad + render('', inline) + inline.pad;
      return [blank ? replace(open + 1, close, member) : replace(open + 1, open + 1, member)];
    }
    const outer = lineIndent(text, open);
    const inner = outer + style.unit;
    const member = style.eol + inner + render(inner, undefined);
    // Comments inside an empty container stay (after the new member).
    return [blank ? replace(open + 1, close, member + style.eol + outer) : replace(open + 1, open + 1, member)];
  }
  const after = afterMember(text, last);
  if (!multiline) {
    const inline = inlineStyle(doc, container);
    const separator = after.comma ? inline.comma.slice(1) : inline.comma;
    return [replace(after.offset, after.offset, separator + render('', inline))];
  }
  const indent = memberIndent(text, last) ?? lineIndent(text, open) + style.unit;
  const member = style.eol + indent + render(indent, undefined);
  const comma = after.comma ? '' : ',';
  // A line comment after the last member stays with it: the new member goes on the next line.
  const lineEnd = text.indexOf('\n', after.offset);
  const rest = lineEnd === -1 ? '' : text.slice(after.offset, lineEnd).replace(/\r$/, '');
  if (!rest.trim().startsWith('//')) return [replace(after.offset, after.offset, comma + member)];
  const at = after.offset + rest.length;
  return comma ? [replace(after.offset, after.offset, comma), replace(at, at, member)] : [replace(at, at, member)];
}

/** Where a member ends, past a trailing comma if the file has one (JSONC). */
function afterMember(text: string, member: Node): { offset: number; comma: boolean } {
  const end = member.offset + member.length;
  const scanner = createScanner(text, false);
  scanner.setPosition(end);
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.CommaToken) return { offset: scanner.getTokenOffset() + 1, comma: true };
    if (token !== SyntaxKind.Trivia && token !== SyntaxKind.LineBreakTrivia && token !== SyntaxKind.LineCommentTrivia && token !== SyntaxKind.BlockCommentTrivia) break;
  }
  return { offset: end, comma: false };
}

/** Replaces a value, written in the style of the container it is in. */
export function replaceValue(doc: JsonDocument, valueNode: Node, value: JsonValue): TextEdit {
  const container = valueNode.parent?.parent ?? doc.root;
  const inline = writesMultiline(doc, container) ? undefined : inlineStyle(doc, container);
  const text = serialize(value, doc.style, lineIndent(doc.text, valueNode.parent?.offset ?? valueNode.offset), inline);
  return replace(valueNode.offset, valueNode.offset + valueNode.length, text);
}

/**
 * Sets `path` (object keys from the root) to `value`: replaces the value there, or adds the missing
 * objects and the property. When something on the way is not an object, `notAnObject` is its path.
 */
export function setPath(doc: JsonDocument, path: readonly string[], value: JsonValue): { edits: TextEdit[] } | { notAnObject: string } {
  let node = doc.root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] ?? '';
    const found = findProperty(node, key);
    const child = found?.children?.[1];
    if (!found || !child) {
      const nested = path.slice(i + 1).reduceRight<JsonValue>((inner, k) => ({ [k]: inner }), value);
      return { edits: insertMember(doc, node, (indent, inline) => property(key, nested, doc.style, indent, inline)) };
    }
    if (i === path.length - 1) return { edits: [replaceValue(doc, child, value)] };
    if (child.type !== 'object') return { notAnObject: path.slice(0, i + 1).join('.') };
    node = child;
  }
  return { notAnObject: '' };
}

/** Removes a property and the comma that separated it, keeping the rest of the object as it was. */
export function removeProperty(target: Node): TextEdit | undefined {
  const object = target.parent;
  const siblings = object?.children ?? [];
  const index = siblings.indexOf(target);
  if (!object || index === -1) return undefined;
  const next = siblings[index + 1];
  if (next) return replace(target.offset, next.offset, '');
  const previous = siblings[index - 1];
  if (previous) return replace(previous.offset + previous.length, target.offset + target.length, '');
  // The only member: the object becomes empty, `{}`.
  return replace(object.offset + 1, object.offset + object.length - 1, '');
}
