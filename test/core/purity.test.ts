/**
 * The core is pure: no Node or editor modules, no ambient I/O, no clock of its own, no randomness. This
 * reads every .ts file under server/src/core with the TypeScript parser (so comments and strings that
 * merely mention `fetch(` do not count) and fails on the first violation, naming file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');
const CORE = join(ROOT, 'server', 'src', 'core');

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function forbiddenModule(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || specifier === 'vscode' || specifier.startsWith('vscode-languageserver') || specifier.startsWith('vscode-languageclient') || specifier === 'vscode-jsonrpc';
}

const FORBIDDEN_CALLS = new Set(['require', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'Date']);
const FORBIDDEN_GLOBALS = new Set(['process', 'globalThis', 'performance']);

/** Every violation in one source text, as "line: what". */
function violations(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node, what: string): void => {
    found.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (forbiddenModule(node.moduleSpecifier.text)) report(node, `imports ${node.moduleSpecifier.text}`);
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) report(node, 'uses import = require()');
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal) && forbiddenModule(node.argument.literal.text)) {
      report(node, `imports type from ${node.argument.literal.text}`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) report(node, 'uses dynamic import()');
      if (ts.isIdentifier(callee) && FORBIDDEN_CALLS.has(callee.text)) report(node, `calls ${callee.text}(`);
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
        const call = `${callee.expression.text}.${callee.name.text}`;
        if (call === 'Date.now' || call === 'Math.random' || call === 'crypto.randomUUID') report(node, `calls ${call}(`);
      }
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date' && (node.arguments?.length ?? 0) === 0) {
      report(node, 'reads the clock with new Date()');
    }
    if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isMemberName = parent && ((ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node) || (ts.isPropertySignature(parent) && parent.name === node));
      if (!isMemberName) report(node, `uses ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function coreFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return coreFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const FILES = coreFiles(CORE);

test('the core has the files this test is meant to guard', () => {
  const names = FILES.map((f) => relative(CORE, f).split('\\').join('/'));
  for (const expected of ['analyze.ts', 'check.ts', 'pin.ts', 'resolve.ts', 'spec.ts', 'parse/packageJson.ts', 'registry/asOf.ts', 'registry/summarize.ts', 'signals/index.ts']) {
    assert.ok(names.includes(expected), `${expected} is scanned`);
  }
});

for (const file of FILES) {
  test(`pure: server/src/core/${relative(CORE, file).split('\\').join('/')}`, () => {
    assert.deepEqual(violations(file, readFileSync(file, 'utf8')), []);
  });
}

/** The scanner itself: each snippet must be caught (or, for the clean ones, not). */
const SNIPPETS: Array<[string, string[]]> = [
  [`import { readFileSync } from 'node:fs';`, ['1: imports node:fs']],
  [`import * as fs from 'fs';`, ['1: imports fs']],
  [`import { join } from 'path';`, ['1: imports path']],
  [`import type { Agent } from 'https';`, ['1: imports https']],
  [`import http from 'http';`, ['1: imports http']],
  [`import { connect } from 'net';`, ['1: imports net']],
  [`import { spawn } from 'child_process';`, ['1: imports child_process']],
  [`import os from 'os';`, ['1: imports os']],
  [`import * as vscode from 'vscode';`, ['1: imports vscode']],
  [`import { Connection } from 'vscode-languageserver/node';`, ['1: imports vscode-languageserver/node']],
  [`export { x } from 'node:path';`, ['1: imports node:path']],
  [`type T = import('node:fs').Stats;`, ['1: imports type from node:fs']],
  [`import fs = require('fs');`, ['1: uses import = require()']],
  [`const fs = require('fs');`, ['1: calls require(']],
  [`const m = await import('fs');`, ['1: uses dynamic import()']],
  [`const r = await fetch(url);`, ['1: calls fetch(']],
  [`setTimeout(() => {}, 10);`, ['1: calls setTimeout(']],
  [`const t = Date.now();`, ['1: calls Date.now(']],
  [`const t = new Date();`, ['1: reads the clock with new Date()']],
  [`const t = new Date;`, ['1: reads the clock with new Date()']],
  [`const s = Date();`, ['1: calls Date(']],
  [`const v = process.env.HOME;`, ['1: uses process']],
  [`const n = Math.random();`, ['1: calls Math.random(']],
  [`\n\nconst home = process.cwd();`, ['3: uses process']],
  [`// fetch(url), process.env, new Date(), require('fs')\n/* setTimeout( */ const s = 'process.exit(1) fetch( Date.now(';`, []],
  [`const d = new Date(ms); const p = Date.parse(iso); const o = { process: 1 }; o.process;`, []],
  [`import * as semver from 'semver'; import { parseTree } from 'jsonc-parser'; import { x } from './local';`, []],
];

for (const [snippet, expected] of SNIPPETS) {
  test(`purity scanner on ${JSON.stringify(snippet.slice(0, 60))}`, () => {
    assert.deepEqual(violations('snippet.ts', snippet), expected);
  });
}
