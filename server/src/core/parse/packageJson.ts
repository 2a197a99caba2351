/**
 * package.json → declared dependencies with exact offsets. jsonc-parser keeps going after errors, so a
 * half-typed or broken file still yields every dependency it can read, plus problems at the places it
 * broke. Never throws on user input; messages never quote the file.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { jsonSyntaxHint } from './jsonSyntax';
import type { OffsetRange, Severity } from '../finding';

export const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
export type DependencySection = (typeof DEPENDENCY_SECTIONS)[number];

export interface DeclaredDependency {
  name: string;
  spec: string;
  section: DependencySection;
  /** Range of the key, quotes included: where squiggles go. */
  nameRange: OffsetRange;
  /** Range of the spec string, quotes included: what a pin replaces. */
  specRange: OffsetRange;
}

export interface ParseProblem {
  code: 'invalid-json' | 'invalid-dependency';
  severity: Severity;
  message: string;
  range: OffsetRange;
}

export interface ParsedPackageJson {
  value: { name?: string; dependencies: DeclaredDependency[] };
  problems: ParseProblem[];
}

/** Enough to show where a file breaks without flooding the Problems view. */
const MAX_SYNTAX_PROBLEMS = 5;

export function parsePackageJson(text: string): ParsedPackageJson {
  const errors: ParseError[] = [];
  // npm strips a byte-order mark; a space of the same length keeps every offset where it was.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = parseTree(source, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const problems: ParseProblem[] = errors.slice(0, MAX_SYNTAX_PROBLEMS).map((error) => syntaxProblem(error, text.length));
  const value: ParsedPackageJson['value'] = { dependencies: [] };
  if (!root || root.type !== 'object') {
    if (root && errors.length === 0) {
      problems.push({
        code: 'invalid-json',
        severity: 'error',
        message: 'package.json must contain a JSON object; npm cannot read this file, so no dependency was checked.',
        range: { start: root.offset, end: root.offset + root.length },
      });
    }
    return { value, problems };
  }
  for (const property of root.children ?? []) {
    const [key, node] = property.children ?? [];
    if (!key || typeof key.value !== 'string') continue;
    if (key.value === 'name' && node?.type === 'string') value.name = String(node.value);
    if (!(DEPENDENCY_SECTIONS as readonly string[]).includes(key.value)) continue;
    readSection(key.value as DependencySection, key, node, value.dependencies, problems);
  }
  return { value, problems };
}

function syntaxProblem(error: ParseError, textLength: number): ParseProblem {
  const hint = jsonSyntaxHint(error, 'package.json');
  const start = Math.min(error.offset, textLength);
  return {
    code: 'invalid-json',
    severity: 'error',
    message: `package.json is not valid JSON: ${hint}. npm will refuse to install until this is fixed; Vigil checks the dependencies it can still read.`,
    range: { start, end: Math.min(start + Math.max(error.length, 1), textLength) },
  };
}

function readSection(
  section: DependencySection,
  key: Node,
  node: Node | undefined,
  out: DeclaredDependency[],
  problems: ParseProblem[],
): void {
  if (!node) return;
  if (node.type !== 'object') {
    problems.push({
      code: 'invalid-dependency',
      severity: 'error',
      message: `"${section}" must be an object mapping package names to version ranges; npm ignores or rejects it as written.`,
      range: range(key),
    });
    return;
  }
  for (const entry of node.children ?? []) {
    const [nameNode, specNode] = entry.children ?? [];
    if (!nameNode || typeof nameNode.value !== 'string') continue;
    if (!specNode || specNode.type !== 'string') {
      problems.push({
        code: 'invalid-dependency',
        severity: 'error',
        message: `The version of this dependency in "${section}" must be a string (a range, tag, or URL).`,
        range: range(specNode ?? nameNode),
      });
      continue;
    }
    out.push({
      name: nameNode.value,
      spec: String(specNode.value),
      section,
      nameRange: range(nameNode),
      specRange: range(specNode),
    });
  }
}

function range(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}
