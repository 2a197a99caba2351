import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { findOnPath, readNpmRegistryConfig } from '../../server/src/node/npmConfig';
import { ROOT, tempDir, writeTree } from './helpers';

/**
 * Every case builds the same layout in a temp folder, so no real ~/.npmrc, global or builtin config can
 * leak in: HOME → home/, PREFIX → prefix/ (global config prefix/etc/npmrc), npm's folder → npm/ (builtin
 * config npm/npmrc), and the project at project/ (package.json) with an empty project/sub/deep/.
 */
interface Case {
  name: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** Folder to ask about, relative to the temp root. Default project/sub/deep. */
  cwd?: string;
  registry: string;
  /** Expected source; "<root>" stands for the temp root. */
  source: string;
}

const cases: Case[] = [
  { name: 'nothing configured: npm default', registry: 'https://registry.npmjs.org/', source: 'npm default' },
  {
    name: 'project .npmrc at the nearest folder with package.json',
    files: { 'project/.npmrc': 'registry=https://project.test/npm/\n' },
    registry: 'https://project.test/npm/',
    source: '<root>/project/.npmrc',
  },
  {
    name: 'a folder with node_modules is a project root too',
    files: { 'project/sub/node_modules/.keep': '', 'project/sub/.npmrc': 'registry=https://sub.test/\n', 'project/.npmrc': 'registry=https://project.test/\n' },
    registry: 'https://sub.test/',
    source: '<root>/project/sub/.npmrc',
  },
  {
    name: 'a workspace uses its root .npmrc, not its own',
    files: {
      'project/package.json': '{"name":"root","workspaces":["packages/*"]}',
      'project/.npmrc': 'registry=https://root.test/\n',
      'project/packages/a/package.json': '{"name":"a"}',
      'project/packages/a/.npmrc': 'registry=https://ignored.test/\n',
    },
    cwd: 'project/packages/a',
    registry: 'https://root.test/',
    source: '<root>/project/.npmrc',
  },
  { name: 'user ~/.npmrc', files: { 'home/.npmrc': 'registry=https://user.test/\n' }, registry: 'https://user.test/', source: '<root>/home/.npmrc' },
  {
    name: 'npm_config_userconfig moves the user config',
    files: { 'home/.npmrc': 'registry=https://user.test/\n', 'elsewhere/npmrc': 'registry=https://moved.test/\n' },
    env: { npm_config_userconfig: '<root>/elsewhere/npmrc' },
    registry: 'https://moved.test/',
    source: '<root>/elsewhere/npmrc',
  },
  { name: 'global config under PREFIX', files: { 'prefix/etc/npmrc': 'registry=https://global.test/\n' }, registry: 'https://global.test/', source: '<root>/prefix/etc/npmrc' },
  { name: "npm's builtin config", files: { 'npm/npmrc': 'registry=https://builtin.test/\n' }, registry: 'https://builtin.test/', source: '<root>/npm/npmrc' },
  {
    name: 'project beats user beats global',
    files: { 'project/.npmrc': 'registry=https://project.test/\n', 'home/.npmrc': 'registry=https://user.test/\n', 'prefix/etc/npmrc': 'registry=https://global.test/\n' },
    registry: 'https://project.test/',
    source: '<root>/project/.npmrc',
  },
  {
    name: 'npm_config_registry beats every file',
    files: { 'project/.npmrc': 'registry=https://project.test/\n' },
    env: { npm_config_registry: 'https://env.test/' },
    registry: 'https://env.test/',
    source: 'npm_config_registry',
  },
  { name: 'the variable is named as spelled', env: { NPM_CONFIG_REGISTRY: 'https://env.test/' }, registry: 'https://env.test/', source: 'NPM_CONFIG_REGISTRY' },
  {
    name: '${VAR} in .npmrc is expanded from the environment',
    files: { 'project/.npmrc': 'registry=${CORP_REGISTRY}\n' },
    env: { CORP_REGISTRY: 'https://corp.test/npm' },
    registry: 'https://corp.test/npm/',
    source: '<root>/project/.npmrc',
  },
  {
    name: 'credentials in the URL are dropped',
    files: { 'project/.npmrc': 'registry=https://me:s3cret-pass@private.test/\n' },
    registry: 'https://private.test/',
    source: '<root>/project/.npmrc',
  },
  {
    name: 'an invalid registry falls through to the next layer, and says so',
    files: { 'project/.npmrc': 'registry=not a url\n', 'home/.npmrc': 'registry=https://user.test/\n' },
    registry: 'https://user.test/',
    source: '<root>/home/.npmrc (the registry set in <root>/project/.npmrc is not a valid http(s) URL)',
  },
  {
    name: 'only an invalid registry: npm default, and says so',
    files: { 'project/.npmrc': 'registry=ftp://files.test/\n' },
    registry: 'https://registry.npmjs.org/',
    source: 'npm default (the registry set in <root>/project/.npmrc is not a valid http(s) URL)',
  },
  {
    name: 'an unreadable .npmrc (a folder): npm default, and says so',
    files: { 'project/.npmrc/.keep': '' },
    registry: 'https://registry.npmjs.org/',
    source: 'npm default (<root>/project/.npmrc could not be read: EISDIR)',
  },
  {
    name: 'garbage lines do not hide a valid registry',
    files: { 'project/.npmrc': '[[[\n=\n\u0000\nregistry=https://ok.test\n' },
    registry: 'https://ok.test/',
    source: '<root>/project/.npmrc',
  },
  {
    name: 'a project folder that does not exist: the walk up still finds config',
    files: { 'project/.npmrc': 'registry=https://project.test/\n' },
    cwd: 'project/missing/child',
    registry: 'https://project.test/',
    source: '<root>/project/.npmrc',
  },
];

async function layout(root: string, files: Record<string, string> = {}): Promise<void> {
  await writeTree(root, { 'project/package.json': '{"name":"p"}', ...files });
  await mkdir(join(root, 'project/sub/deep'), { recursive: true });
  await mkdir(join(root, 'home'), { recursive: true });
}

function baseEnv(root: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), PATH: '' };
  for (const [key, value] of Object.entries(extra)) env[key] = value.replace('<root>', root);
  return env;
}

for (const c of cases) {
  test(`readNpmRegistryConfig: ${c.name}`, async (t) => {
    const root = await tempDir(t);
    await layout(root, c.files);
    const env = baseEnv(root, c.env);
    const before = { ...env };
    const result = await readNpmRegistryConfig(join(root, c.cwd ?? 'project/sub/deep'), env, { npmPath: join(root, 'npm'), execPath: process.execPath });
    assert.deepEqual(result, { registry: c.registry, source: c.source.split('<root>').join(root) });
    // npm's loader writes npm_config_* into the env it is given; the caller's must be untouched.
    assert.deepEqual(env, before);
  });
}

test('readNpmRegistryConfig: secrets in config never reach the result', async (t) => {
  const root = await tempDir(t);
  const secrets = ['npm_TOKEN_abc123', 'dXNlcjpwYXNzd29yZA==', 's3cret-pass'];
  await layout(root, {
    'project/.npmrc': [
      'registry=https://me:s3cret-pass@private.test/',
      `//private.test/:_authToken=${secrets[0]}`,
      `//private.test/:_auth=${secrets[1]}`,
      `_authToken=${secrets[0]}`,
    ].join('\n'),
  });
  const result = await readNpmRegistryConfig(join(root, 'project'), baseEnv(root), { npmPath: join(root, 'npm') });
  const text = JSON.stringify(result);
  for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} leaked into ${text}`);
  assert.equal(result.registry, 'https://private.test/');
});

test('readNpmRegistryConfig: never throws, whatever it is given', async (t) => {
  const root = await tempDir(t);
  await layout(root, { 'project/.npmrc': 'registry=https://ok.test/\n' });
  const inputs: Array<[string, Record<string, string | undefined>]> = [
    ['', {}],
    ['\u0000bad', baseEnv(root)],
    [join(root, 'project'), { HOME: '\u0000', PREFIX: '\u0000' }],
  ];
  for (const [dir, env] of inputs) {
    const result = await readNpmRegistryConfig(dir, env, { npmPath: join(root, 'npm') });
    assert.match(result.registry, /^https?:\/\//);
    assert.equal(typeof result.source, 'string');
  }
});

test('readNpmRegistryConfig: works bundled by esbuild, like dist/cli.js and dist/server.js', async (t) => {
  const root = await tempDir(t);
  await layout(root, { 'project/.npmrc': 'registry=https://bundled.test/\n' });
  const entry = join(root, 'entry.ts');
  const outfile = join(root, 'bundle.js');
  await writeTree(root, {
    'entry.ts': [
      `import { readNpmRegistryConfig } from ${JSON.stringify(join(ROOT, 'server/src/node/npmConfig'))};`,
      'readNpmRegistryConfig(process.argv[2]!, process.env).then((r) => process.stdout.write(JSON.stringify(r)));',
    ].join('\n'),
  });
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  await esbuild.build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
  const { stdout } = await promisify(execFile)(process.execPath, [outfile, join(root, 'project')], { env: baseEnv(root) });
  assert.deepEqual(JSON.parse(stdout), { registry: 'https://bundled.test/', source: join(root, 'project/.npmrc') });
});

test('findOnPath: the first executable match on PATH, with PATHEXT on Windows', async (t) => {
  const root = await tempDir(t);
  await writeTree(root, { 'one/npm': '', 'two/npm': '', 'two/node.cmd': '' });
  await chmod(join(root, 'two/npm'), 0o755);
  await chmod(join(root, 'two/node.cmd'), 0o755);
  const path = `${join(root, 'one')}:${join(root, 'two')}`;
  assert.equal(await findOnPath('npm', { PATH: path }, 'linux'), join(root, 'two/npm'), 'one/npm is not executable');
  assert.equal(await findOnPath('npm', { PATH: '' }, 'linux'), undefined);
  assert.equal(await findOnPath('missing', { PATH: path }, 'linux'), undefined);
  const windowsPath = `${join(root, 'one')};${join(root, 'two')}`;
  assert.equal(await findOnPath('node', { Path: windowsPath, PATHEXT: '.EXE;.CMD' }, 'win32'), join(root, 'two/node.cmd'));
});

test("readNpmRegistryConfig: npm's folder is found from npm_execpath, as under `npm run`", async (t) => {
  const root = await tempDir(t);
  await layout(root, { 'npmdir/bin/npm-cli.js': '', 'npmdir/npmrc': 'registry=https://builtin-via-execpath.test/\n' });
  const env = { ...baseEnv(root), npm_execpath: join(root, 'npmdir/bin/npm-cli.js') };
  const result = await readNpmRegistryConfig(join(root, 'project'), env);
  assert.deepEqual(result, { registry: 'https://builtin-via-execpath.test/', source: join(root, 'npmdir/npmrc') });
});

test("readNpmRegistryConfig: npm's folder is found from the npm on PATH (through its symlink)", async (t) => {
  const root = await tempDir(t);
  await layout(root, { 'lib/node_modules/npm/bin/npm-cli.js': '', 'lib/node_modules/npm/npmrc': 'registry=https://builtin-via-path.test/\n' });
  await mkdir(join(root, 'bin'));
  await symlink(join(root, 'lib/node_modules/npm/bin/npm-cli.js'), join(root, 'bin/npm'));
  await chmod(join(root, 'lib/node_modules/npm/bin/npm-cli.js'), 0o755);
  const result = await readNpmRegistryConfig(join(root, 'project'), { ...baseEnv(root), PATH: join(root, 'bin') });
  assert.deepEqual(result, { registry: 'https://builtin-via-path.test/', source: join(root, 'lib/node_modules/npm/npmrc') });
});
