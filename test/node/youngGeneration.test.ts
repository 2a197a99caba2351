/**
 * youngGeneration.ts: the young generation does not grow however many young objects survive, in this
 * process and after a worker thread started (which puts V8's growth factor back), and every entry point
 * sets it before anything else is evaluated. If a Node upgrade stops honouring the flag, this fails and
 * the README's memory figures need measuring again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import '../../server/src/node/youngGeneration';
import { SUMMARY_WORKER_FILE, SummaryThread } from '../../server/src/node/summaryThread';
import { ROOT, tempDir } from './helpers';

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? Number.NaN;
}

/** 300,000 small objects that all survive: what makes V8 grow a young generation it is free to grow. */
function allocateSurvivors(): unknown[] {
  const kept: unknown[] = [];
  for (let i = 0; i < 300_000; i++) kept.push({ i, text: `x${i}`, list: [i] });
  return kept;
}

test('surviving young objects do not grow the young generation', () => {
  const before = newSpaceBytes();
  const kept = allocateSurvivors();
  assert.ok(kept.length > 0);
  assert.ok(newSpaceBytes() <= before, `${before} → ${newSpaceBytes()} bytes`);
});

test('nor after the summary worker started, which resets V8’s growth factor for the whole process', async (t) => {
  const worker = new SummaryThread(SUMMARY_WORKER_FILE);
  t.after(() => worker.close());
  const dir = await tempDir(t);
  // Answered only once the worker's own code runs, after its heap was configured.
  assert.equal(await worker.writeFile(join(dir, 'f'), join(dir, 'f.tmp'), { pieces: ['x'], remake: () => 'x' }), undefined);
  const before = newSpaceBytes();
  const kept = allocateSurvivors();
  assert.ok(kept.length > 0);
  assert.ok(newSpaceBytes() <= before, `${before} → ${newSpaceBytes()} bytes`);
});

test('every entry point sets it before evaluating anything else', () => {
  const entries: Array<[string, string]> = [
    ['server/src/main.ts', "import './node/youngGeneration';"],
    ['server/src/cli/main.ts', "import '../node/youngGeneration';"],
    ['server/src/node/summaryWorker.ts', "import './youngGeneration';"],
  ];
  for (const [file, line] of entries) {
    const first = readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .find((text) => text.startsWith('import '));
    assert.equal(first, line, file);
  }
});
