// Writes media/vigilrc.schema.json from server/src/core/policySchema.ts (the lists the parser accepts).
// Run after adding a signal; test/core/policySchema.test.ts fails until the file matches.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = await build({
  entryPoints: [join(root, 'server', 'src', 'core', 'policySchema.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  mainFields: ['module', 'main'],
});
const module = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
writeFileSync(join(root, 'media', 'vigilrc.schema.json'), `${JSON.stringify(module.policySchema(), null, 2)}\n`);
