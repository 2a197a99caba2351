// Deterministic yarn.lock v1 (classic) generator for parser benchmarks and tests.
//
//   import { generate } from './bench/lockgen/yarn-classic.mjs';
//   const text = generate(5000, 1); // 5,000 entries, same text for the same arguments on every machine
//
// Shaped like the files Yarn 1 writes (see test/fixtures/lockfiles/yarn-classic): header comment,
// entries sorted by key, several descriptors per entry, scoped names, `npm:` aliases, `resolved` URLs on
// https://registry.example/ with the sha1 fragment, sha512 `integrity`, `dependencies` and
// `optionalDependencies` whose ranges are descriptors of other entries (so every edge resolves).
import { prng } from '../generate.mjs';

const WORDS = [
  'ansi', 'array', 'babel', 'buffer', 'chalk', 'color', 'core', 'debug', 'define', 'emit', 'es', 'event', 'fast',
  'file', 'glob', 'graceful', 'has', 'http', 'is', 'json', 'lodash', 'loader', 'map', 'merge', 'mime', 'minimatch',
  'node', 'object', 'parse', 'path', 'plugin', 'proxy', 'react', 'read', 'regex', 'resolve', 'safe', 'semver',
  'source', 'stream', 'string', 'strip', 'supports', 'through', 'to', 'type', 'utils', 'webpack', 'which', 'yargs',
];
const SCOPES = ['@babel', '@types', '@jest', '@eslint', '@smithy', '@aws-sdk', '@octokit', '@rollup', '@esbuild', '@vue'];

const pick = (random, list) => list[Math.floor(random() * list.length)];
const int = (random, below) => Math.floor(random() * below);

function bytes(random, count) {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = int(random, 256);
  return out;
}

const hex = (data) => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (data) => Buffer.from(data).toString('base64');

/**
 * The package model both generators serialise: `count` entries (some names with several versions), each
 * with 1–3 descriptor ranges, hashes, and dependencies on other entries by one of their ranges.
 */
export function packageModel(count, seed) {
  const random = prng(seed);
  const names = [];
  const taken = new Set();
  const entries = [];
  while (entries.length < count) {
    let name;
    if (names.length > 10 && random() < 0.15) {
      name = pick(random, names); // a second or third version of a name already used
    } else {
      const base = `${pick(random, WORDS)}-${pick(random, WORDS)}${random() < 0.5 ? '' : `-${pick(random, WORDS)}`}`;
      name = random() < 0.3 ? `${pick(random, SCOPES)}/${base}` : base;
      if (taken.has(name)) name = `${name}-${entries.length}`;
      taken.add(name);
      names.push(name);
    }
    const major = int(random, 20);
    const minor = int(random, 30);
    const patch = int(random, 15);
    const version = `${major}.${minor}.${patch}${random() < 0.03 ? `-beta.${int(random, 5)}` : ''}`;
    const ranges = new Set([`^${major}.${minor}.${patch}`]);
    if (random() < 0.45) ranges.add(`^${major}.${Math.max(0, minor - int(random, 3))}.0`);
    if (random() < 0.2) ranges.add(`~${major}.${minor}.${patch}`);
    if (random() < 0.05) ranges.add(`>=${major}.0.0 <${major + 1}.0.0`);
    const alias = random() < 0.01 ? `${name.replace(/^@[^/]+\//, '')}-compat` : undefined;
    entries.push({ name, version, ranges: [...ranges], alias, sha1: hex(bytes(random, 20)), sha512: bytes(random, 64), checksum: hex(bytes(random, 64)) });
  }
  // Versions and descriptors are unique, as in a real lockfile: a repeated one gets a suffix or is dropped.
  const seen = new Set();
  const ranges = new Set();
  entries.forEach((entry, i) => {
    if (seen.has(`${entry.name}@${entry.version}`)) entry.version = `${entry.version}-r${i}`;
    seen.add(`${entry.name}@${entry.version}`);
    const own = `${entry.alias ?? ''}|${entry.name}`;
    entry.ranges = entry.ranges.filter((range) => !ranges.has(`${own}@${range}`));
    if (entry.ranges.length === 0) entry.ranges = [entry.version];
    for (const range of entry.ranges) ranges.add(`${own}@${range}`);
  });
  for (const entry of entries) {
    const deps = new Map();
    const wanted = int(random, 9);
    for (let i = 0; i < wanted; i++) {
      const target = pick(random, entries);
      if (target === entry || deps.has(target.alias ?? target.name)) continue;
      const range = pick(random, target.ranges);
      deps.set(target.alias ?? target.name, { target, range, optional: random() < 0.04 });
    }
    entry.dependencies = [...deps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    entry.bin = random() < 0.05 ? `./bin/${entry.name.replace(/^@[^/]+\//, '')}.js` : undefined;
  }
  return entries;
}

/** A dependency's range as written: an aliased target is reached through `npm:real@range`. */
export function dependencyRange(dep) {
  return dep.target.alias ? `npm:${dep.target.name}@${dep.range}` : dep.range;
}

/** The descriptors of an entry: `name@range`, or `alias@npm:name@range` for an aliased entry. */
export function descriptors(entry) {
  return entry.ranges.map((range) => (entry.alias ? `${entry.alias}@npm:${entry.name}@${range}` : `${entry.name}@${range}`));
}

function shouldWrap(value) {
  return value.startsWith('true') || value.startsWith('false') || /[:\s\n\\",[\]]/.test(value) || /^[0-9]/.test(value) || !/^[a-zA-Z]/.test(value);
}

const wrap = (value) => (shouldWrap(value) ? JSON.stringify(value) : value);
const byKey = (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function generate(count, seed) {
  const entries = packageModel(count, seed).map((entry) => ({ entry, key: descriptors(entry).sort()[0] }));
  entries.sort(byKey);
  const blocks = entries.map(({ entry }) => {
    const lines = [`${descriptors(entry).sort().map(wrap).join(', ')}:`];
    lines.push(`  version ${JSON.stringify(entry.version)}`);
    const bare = entry.name.replace(/^@[^/]+\//, '');
    lines.push(`  resolved ${JSON.stringify(`https://registry.example/${entry.name}/-/${bare}-${entry.version}.tgz#${entry.sha1}`)}`);
    lines.push(`  integrity sha512-${base64(entry.sha512)}`);
    for (const [section, optional] of [['dependencies', false], ['optionalDependencies', true]]) {
      const deps = entry.dependencies.filter(([, dep]) => dep.optional === optional);
      if (deps.length === 0) continue;
      lines.push(`  ${section}:`);
      for (const [name, dep] of deps) lines.push(`    ${wrap(name)} ${wrap(dependencyRange(dep))}`);
    }
    return lines.join('\n');
  });
  return `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n${blocks.join('\n\n')}\n`;
}
