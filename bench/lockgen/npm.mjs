// Deterministic package-lock.json of N entries, shaped like real ones: scoped names, nested
// node_modules for conflicting versions, dev/optional/devOptional flags, sha512 integrity, resolved
// URLs on https://registry.example/, engines/bin/license/peerDependencies/funding fields.
//
//   import { generate } from './bench/lockgen/npm.mjs';
//   const text = generate(5000, 1);                        // lockfileVersion 3
//   const v1 = generate(5000, 1, { lockfileVersion: 1 });  // 1 (nested "dependencies"), 2 (both)
//
// `graph(count, seed)` is the format-free package graph pnpm.mjs serialises too.
import { prng } from '../generate.mjs';

const WORDS = [
  'react', 'lodash', 'babel', 'core', 'utils', 'parser', 'plugin', 'loader', 'webpack', 'eslint', 'config',
  'types', 'node', 'string', 'array', 'object', 'is', 'get', 'set', 'path', 'fs', 'stream', 'buffer', 'color',
  'chalk', 'debug', 'ms', 'semver', 'glob', 'match', 'yargs', 'commander', 'json', 'schema', 'validator', 'http',
  'proxy', 'agent', 'cache', 'map', 'tree', 'walk', 'sync', 'async', 'promise', 'retry', 'queue', 'event',
  'emitter', 'define', 'property', 'has', 'symbols', 'regexp', 'escape', 'minify', 'source', 'postcss', 'vue',
  'jest', 'runtime', 'helper', 'compat', 'polyfill', 'define', 'inherits', 'safe', 'wrap', 'ansi', 'strip',
];
const SCOPES = ['babel', 'types', 'jest', 'eslint', 'vue', 'smithy', 'aws-sdk', 'octokit', 'rollup', 'esbuild'];
const LICENSES = ['MIT', 'MIT', 'MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause'];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Packages with install locations: `path` is the node_modules path npm would use (nested under a
 * parent when its version conflicts with the hoisted one), `deps` are names each one requires.
 */
export function graph(count, seed) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const used = new Set();
  const newName = () => {
    for (;;) {
      const parts = [pick(WORDS), pick(WORDS)];
      if (random() < 0.3) parts.push(pick(WORDS));
      let name = parts.join('-');
      if (random() < 0.2) name = `@${pick(SCOPES)}/${name}`;
      if (used.has(name)) name = `${name}-${used.size}`;
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
  const version = () => `${Math.floor(random() * 12)}.${Math.floor(random() * 30)}.${Math.floor(random() * 20)}${random() < 0.03 ? '-beta.1' : ''}`;
  const integrity = () => {
    let s = 'sha512-';
    for (let i = 0; i < 86; i++) s += B64[Math.floor(random() * 64)];
    return `${s}==`;
  };
  const flags = () => {
    const r = random();
    return r < 0.3 ? { dev: true } : r < 0.34 ? { optional: true } : r < 0.36 ? { devOptional: true } : {};
  };
  const packages = [];
  const topCount = Math.max(1, Math.round(count * 0.85));
  for (let i = 0; i < topCount; i++) {
    const name = newName();
    packages.push({ path: `node_modules/${name}`, name, version: version(), integrity: integrity(), deps: [], ...flags() });
  }
  const top = packages.slice();
  const paths = new Set(packages.map((p) => p.path));
  for (const pkg of top) {
    const n = Math.floor(random() * random() * 8);
    for (let k = 0; k < n; k++) {
      const dep = pick(top);
      if (dep !== pkg && !pkg.deps.includes(dep.name)) pkg.deps.push(dep.name);
    }
  }
  // Conflicting versions nest under the package that needs them, sometimes two levels deep.
  while (packages.length < count) {
    const parent = random() < 0.8 || packages.length === top.length ? pick(top) : pick(packages.slice(top.length));
    const of = pick(top);
    const path = `${parent.path}/node_modules/${of.name}`;
    if (of === parent || paths.has(path)) continue;
    paths.add(path);
    packages.push({ path, name: of.name, version: version(), integrity: integrity(), deps: [], ...(parent.dev ? { dev: true } : {}) });
    if (!parent.deps.includes(of.name)) parent.deps.push(of.name);
  }
  packages.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const rootDeps = top.filter(() => random() < 0.15).map((p) => p.name);
  return { packages, rootDeps, random };
}

function basename(name) {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
}

function entryV3(pkg, byPath, random) {
  const entry = {
    version: pkg.version,
    resolved: `https://registry.example/${pkg.name}/-/${basename(pkg.name)}-${pkg.version}.tgz`,
    integrity: pkg.integrity,
  };
  if (pkg.dev) entry.dev = true;
  if (pkg.optional) entry.optional = true;
  if (pkg.devOptional) entry.devOptional = true;
  entry.license = LICENSES[Math.floor(random() * LICENSES.length)];
  if (pkg.deps.length > 0) {
    entry.dependencies = Object.fromEntries(pkg.deps.map((d) => [d, `^${byPath.get(`node_modules/${d}`)?.version ?? '1.0.0'}`]));
  }
  if (random() < 0.1) entry.peerDependencies = { react: '>=16.8.0' };
  if (random() < 0.08) entry.bin = { [basename(pkg.name)]: 'bin/cli.js' };
  if (random() < 0.4) entry.engines = { node: random() < 0.5 ? '>=12' : '^14.17.0 || ^16.13.0 || >=18.0.0' };
  if (random() < 0.1) entry.funding = { url: `https://github.com/sponsors/${basename(pkg.name)}` };
  return entry;
}

function rootEntry(rootDeps, byPath) {
  const spec = (name) => `^${byPath.get(`node_modules/${name}`)?.version ?? '1.0.0'}`;
  const dev = rootDeps.filter((n) => byPath.get(`node_modules/${n}`)?.dev);
  const prod = rootDeps.filter((n) => !byPath.get(`node_modules/${n}`)?.dev);
  return {
    name: 'generated-app',
    version: '1.0.0',
    license: 'MIT',
    dependencies: Object.fromEntries(prod.map((n) => [n, spec(n)])),
    devDependencies: Object.fromEntries(dev.map((n) => [n, spec(n)])),
  };
}

/** v1: each package under its parent's `dependencies`, with `requires` naming what it needs. */
function legacyTree(packages, byPath, random) {
  const root = {};
  const holder = new Map([['', root]]);
  for (const pkg of packages) {
    const cut = pkg.path.lastIndexOf('/node_modules/');
    const parentPath = cut === -1 ? '' : pkg.path.slice(0, cut);
    const parent = holder.get(parentPath);
    const entry = {
      version: pkg.version,
      resolved: `https://registry.example/${pkg.name}/-/${basename(pkg.name)}-${pkg.version}.tgz`,
      integrity: pkg.integrity,
    };
    if (pkg.dev) entry.dev = true;
    if (pkg.optional || pkg.devOptional) entry.optional = true;
    if (pkg.deps.length > 0) entry.requires = Object.fromEntries(pkg.deps.map((d) => [d, `^${byPath.get(`node_modules/${d}`)?.version ?? '1.0.0'}`]));
    if (!parent) continue;
    parent[pkg.name] = entry;
    const children = {};
    holder.set(pkg.path, children);
    entry.dependencies = children;
  }
  // Drop empty nested maps, as npm does.
  const prune = (deps) => {
    for (const entry of Object.values(deps)) {
      if (Object.keys(entry.dependencies).length === 0) delete entry.dependencies;
      else prune(entry.dependencies);
    }
  };
  prune(root);
  return root;
}

export function generate(count, seed, options = {}) {
  const lockfileVersion = options.lockfileVersion ?? 3;
  const { packages, rootDeps, random } = graph(count, seed);
  const byPath = new Map(packages.map((p) => [p.path, p]));
  const doc = { name: 'generated-app', version: '1.0.0', lockfileVersion, requires: true };
  if (lockfileVersion >= 2) {
    doc.packages = { '': rootEntry(rootDeps, byPath) };
    for (const pkg of packages) doc.packages[pkg.path] = entryV3(pkg, byPath, random);
  }
  if (lockfileVersion <= 2) doc.dependencies = legacyTree(packages, byPath, random);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
