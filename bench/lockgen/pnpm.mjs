// Deterministic pnpm-lock.yaml of N entries, written the way pnpm (js-yaml) writes it: the same package
// graph as npm.mjs (scoped names, conflicting versions, dev/optional flags), sha512 integrity, some
// tarball URLs on https://registry.example/, peer-dependency suffixes, engines/os/cpu/hasBin fields.
//
//   import { generate } from './bench/lockgen/pnpm.mjs';
//   const text = generate(5000, 1);                           // lockfileVersion '9.0'
//   const v6 = generate(5000, 1, { lockfileVersion: '6.0' }); // one `packages` section, /name@version keys
import { graph } from './npm.mjs';

const NM = 'node_modules/';

/** js-yaml quotes a plain scalar that would read as something else; these are the cases a lockfile meets. */
function yamlString(value) {
  return /^[@'"`!&*|>%{[\]#?,-]|^\d+(\.\d+)?$|^(true|false|null|~)$|: | #|^\s|\s$/.test(value) ? `'${value.replaceAll("'", "''")}'` : value;
}

function basename(name) {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
}

/** Node-style resolution over the generated install paths: the version `name` resolves to from `path`. */
function resolver(packages) {
  const byPath = new Map(packages.map((p) => [p.path, p]));
  return (from, name) => {
    let base = from;
    for (;;) {
      const hit = byPath.get(base === '' ? NM + name : `${base}/${NM}${name}`);
      if (hit) return hit;
      if (base === '') return undefined;
      const cut = base.lastIndexOf(`/${NM}`);
      base = cut === -1 ? '' : base.slice(0, cut);
    }
  };
}

export function generate(count, seed, options = {}) {
  const lockfileVersion = options.lockfileVersion ?? '9.0';
  const v9 = lockfileVersion.startsWith('9');
  const { packages, rootDeps, random } = graph(count, seed);
  const resolve = resolver(packages);
  const react = { name: 'react', version: '18.3.1', integrity: 'sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==', deps: [] };
  const peers = new Set(packages.filter(() => random() < 0.08));
  const id = (pkg) => `${pkg.name}@${pkg.version}`;
  const ref = (pkg) => `${pkg.version}${peers.has(pkg) ? '(react@18.3.1)' : ''}`;
  const seen = new Set();
  const unique = [];
  for (const pkg of packages) {
    if (seen.has(id(pkg))) continue;
    seen.add(id(pkg));
    unique.push(pkg);
  }
  unique.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  const meta = [];
  const snapshots = [];
  for (const pkg of [react, ...unique]) {
    const key = v9 ? id(pkg) : `/${id(pkg)}`;
    const lines = [`  ${yamlString(key)}:`];
    const tarball = pkg.name.startsWith('@') && random() < 0.3 ? `, tarball: https://registry.example/${pkg.name}/-/${basename(pkg.name)}-${pkg.version}.tgz` : '';
    lines.push(`    resolution: {integrity: ${pkg.integrity}${tarball}}`);
    if (random() < 0.4) lines.push(`    engines: {node: ${yamlString(random() < 0.5 ? '>=12' : '^14.17.0 || ^16.13.0 || >=18.0.0')}}`);
    if (pkg.optional) lines.push('    cpu: [arm64, x64]', '    os: [darwin, linux]');
    if (random() < 0.08) lines.push('    hasBin: true');
    if (peers.has(pkg)) lines.push('    peerDependencies:', `      react: ${yamlString('>=16.8.0')}`);
    const deps = pkg.deps.map((name) => [name, pkg.path ? resolve(pkg.path, name) : undefined]).filter(([, dep]) => dep);
    const depLines = deps.length > 0 ? ['    dependencies:', ...deps.map(([name, dep]) => `      ${yamlString(name)}: ${yamlString(ref(dep))}`)] : [];
    if (peers.has(pkg)) {
      if (depLines.length === 0) depLines.push('    dependencies:');
      depLines.push('      react: 18.3.1');
    }
    const snapshotKey = v9 ? `${id(pkg)}${peers.has(pkg) ? '(react@18.3.1)' : ''}` : key;
    if (v9) {
      meta.push(lines.join('\n'));
      const flags = pkg.optional ? ['    optional: true'] : [];
      snapshots.push(depLines.length + flags.length > 0 ? [`  ${yamlString(snapshotKey)}:`, ...depLines, ...flags].join('\n') : `  ${yamlString(snapshotKey)}: {}`);
    } else {
      if (peers.has(pkg)) lines[0] = `  ${yamlString(`/${id(pkg)}(react@18.3.1)`)}:`;
      lines.push(...depLines, `    dev: ${pkg.dev ? 'true' : 'false'}`);
      if (pkg.optional) lines.push('    optional: true');
      meta.push(lines.join('\n'));
    }
  }
  const direct = rootDeps.map((name) => resolve('', name)).filter(Boolean);
  const section = (list, indent) =>
    list.flatMap((pkg) => [`${indent}${yamlString(pkg.name)}:`, `${indent}  specifier: ${yamlString(`^${pkg.version}`)}`, `${indent}  version: ${yamlString(ref(pkg))}`]);
  const prod = direct.filter((p) => !p.dev);
  const dev = direct.filter((p) => p.dev);
  const out = [`lockfileVersion: '${lockfileVersion}'`, '', 'settings:', '  autoInstallPeers: true', '  excludeLinksFromLockfile: false', ''];
  if (v9) {
    out.push('importers:', '', '  .:');
    if (prod.length > 0) out.push('    dependencies:', ...section([react, ...prod], '      '));
    if (dev.length > 0) out.push('    devDependencies:', ...section(dev, '      '));
    out.push('', 'packages:', '', meta.join('\n\n'), '', 'snapshots:', '', snapshots.join('\n\n'), '');
  } else {
    out.push('dependencies:', ...section([react, ...prod], '  '), '');
    if (dev.length > 0) out.push('devDependencies:', ...section(dev, '  '), '');
    out.push('packages:', '', meta.join('\n\n'), '');
  }
  return out.join('\n');
}
