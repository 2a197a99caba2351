// Regenerates server/src/node/highImpactData.ts (npm-high-impact's names and the typosquat index's tables)
// from the installed npm-high-impact. Run after updating that dependency; the similar tests fail until then.
//
//   node scripts/generate-high-impact.mjs
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { npmHighImpact } from 'npm-high-impact';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'server', 'src', 'node', 'highImpactData.ts');

// The generator is TypeScript shared with the tests: bundled in memory and imported from a data: URL.
const { outputFiles } = await build({
  entryPoints: [join(ROOT, 'server', 'src', 'node', 'highImpactModule.ts')],
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
});
const source = outputFiles[0].text;
const { highImpactModule } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
await writeFile(OUT, highImpactModule(npmHighImpact));
console.log(`wrote ${OUT} (${npmHighImpact.length} names)`);
