// Deterministic bench data: packuments shaped like the recorded fixtures (renamed, dates shifted by a
// seeded amount), a few giant ones shaped like @types/node (thousands of versions, each with its own
// long readme and file list), and a project package.json that depends on all of them.
//
//   const data = await generate({ root, dir, count: 1500, giants: [20, 40, 60], seed: 1 });
//   → { registryDir, projectDir, packages: [{ name, bytes, giant? }], totalBytes }
import { mkdir, readdir, readFile, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';

const MB = 1024 * 1024;

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function loadTemplates(root) {
  const dirs = [join(root, 'test/fixtures/packuments')];
  const scenarios = join(root, 'test/fixtures/scenarios');
  for (const entry of await readdir(scenarios, { withFileTypes: true })) {
    if (entry.isDirectory()) dirs.push(join(scenarios, entry.name, 'registry'));
  }
  const templates = [];
  for (const dir of dirs) {
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
      templates.push(JSON.parse(await readFile(join(dir, file), 'utf8')));
    }
  }
  return templates;
}

function shiftDate(value, ms) {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? value : new Date(at + ms).toISOString();
}

/** A recorded packument under a new name, its dates moved by up to ±200 days. */
function renamed(template, name, random) {
  const doc = structuredClone(template);
  const shift = Math.round((random() - 0.5) * 400) * 86_400_000;
  doc.name = name;
  doc._id = name;
  for (const [version, info] of Object.entries(doc.versions ?? {})) {
    if (info && typeof info === 'object') {
      info.name = name;
      info._id = `${name}@${version}`;
    }
  }
  if (doc.time && typeof doc.time === 'object') {
    for (const key of Object.keys(doc.time)) doc.time[key] = shiftDate(doc.time[key], shift);
  }
  return doc;
}

function fileName(name) {
  return `${name.replace('/', '__')}.json`;
}

const WORDS = 'the type definitions for node module buffer stream event emitter process global readable writable socket server request response'.split(' ');

function prose(random, bytes) {
  const parts = [];
  let size = 0;
  while (size < bytes) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    const piece = random() < 0.08 ? `${word}.\n\n## ${word} \`${word}()\`\n` : `${word} `;
    parts.push(piece);
    size += piece.length;
  }
  return parts.join('');
}

/**
 * Writes a giant packument of `targetMb` MB, version by version until the size is reached, so
 * generating it never holds it whole either. Each version carries what makes real giants big: a
 * readme, a description, a files list, devDependencies, typesVersions. `dist-tags` comes last because
 * the newest version is known only then (key order means nothing to JSON readers).
 */
async function writeGiant(file, name, targetMb, random) {
  const handle = await open(file, 'w');
  let written = 0;
  const write = async (text) => {
    written += Buffer.byteLength(text);
    await handle.write(text);
  };
  const start = Date.UTC(2016, 0, 1);
  const time = { created: new Date(start).toISOString() };
  await write(`{"_id":${JSON.stringify(name)},"name":${JSON.stringify(name)},"description":"TypeScript definitions for ${name}",`);
  await write(`"readme":${JSON.stringify(prose(random, 12_000))},"versions":{`);
  let version = '';
  for (let i = 0; written < targetMb * MB; i++) {
    version = `${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}`;
    time[version] = new Date(start + i * 3_600_000).toISOString();
    await write(`${i ? ',' : ''}${JSON.stringify(version)}:${JSON.stringify(giantVersion(name, version, i, random))}`);
  }
  time.modified = time[version];
  await write(`},"time":${JSON.stringify(time)},"dist-tags":{"latest":"${version}"},`);
  await write(`"maintainers":[{"name":"types","email":"ts-npm-types@example.com"}],"license":"MIT"}`);
  await handle.close();
  return { latest: version, bytes: written };
}

function giantVersion(name, version, i, random) {
  return {
    name,
    version,
    description: `TypeScript definitions for ${name}`,
    readme: prose(random, 12_000),
    license: 'MIT',
    repository: { type: 'git', url: 'https://github.com/example/giant.git', directory: `types/${name}` },
    scripts: {},
    dependencies: { 'undici-types': `~${Math.floor(i / 100)}.0.0` },
    devDependencies: { typescript: '^5.0.0', tslint: '^6.0.0' },
    typesVersions: { '<=4.8': { '*': ['ts4.8/*'] } },
    files: Array.from({ length: 40 }, (_, k) => `${WORDS[k % WORDS.length]}-${k}.d.ts`),
    _npmUser: { name: 'types', email: 'ts-npm-types@example.com' },
    maintainers: [{ name: 'types', email: 'ts-npm-types@example.com' }],
    dist: {
      integrity: `sha512-${Buffer.from(`${name}@${version}`).toString('base64').padEnd(86, 'A')}==`,
      shasum: 'f'.repeat(40),
      tarball: `https://registry.example/${name}/-/${name.split('/').pop()}-${version}.tgz`,
      fileCount: 40,
      unpackedSize: 4_000_000 + i,
    },
  };
}

export async function generate({ root, dir, count = 1500, giants = [20, 40, 60], seed = 1 }) {
  const random = prng(seed);
  const registryDir = join(dir, 'registry');
  const projectDir = join(dir, 'project');
  await mkdir(registryDir, { recursive: true });
  await mkdir(projectDir, { recursive: true });
  const templates = await loadTemplates(root);
  const dependencies = {};
  const packages = [];
  for (let i = 0; i < count; i++) {
    const name = i % 10 === 0 ? `@bench/pkg-${i}` : `bench-pkg-${i}`;
    const doc = renamed(templates[i % templates.length], name, random);
    const text = JSON.stringify(doc);
    await writeFile(join(registryDir, fileName(name)), text);
    const latest = doc['dist-tags']?.latest;
    dependencies[name] = typeof latest === 'string' ? `^${latest}` : '*';
    packages.push({ name, bytes: Buffer.byteLength(text) });
  }
  for (const [i, targetMb] of giants.entries()) {
    const name = i === 0 ? '@types/giant' : `giant-${i}`;
    const file = join(registryDir, fileName(name));
    const { latest, bytes } = await writeGiant(file, name, targetMb, random);
    dependencies[name] = `^${latest}`;
    packages.push({ name, bytes, giant: true });
  }
  const project = { name: 'bench-project', version: '1.0.0', private: true, dependencies };
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify(project, null, 2)}\n`);
  return { registryDir, projectDir, packages, totalBytes: packages.reduce((sum, p) => sum + p.bytes, 0) };
}
