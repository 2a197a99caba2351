/**
 * The result cache's shape check (resultShape.ts): a result an analysis wrote passes after the JSON round
 * trip; one with any field the report writers or the editor read missing or of the wrong kind is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type AnalysisResult } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { isAnalysisResult } from '../../server/src/node/resultShape';
import { FileRegistry, scenarioDir } from '../helpers/fileRegistry';

async function written(): Promise<Record<string, unknown>> {
  const dir = scenarioDir('ua-parser-js-2021');
  const policy = '{ "suppressions": [{ "package": "ua-parser-js", "signal": "recent-release", "reason": "known" }] }';
  const result = await analyze(
    { files: [{ path: 'package.json', text: readFileSync(join(dir, 'project', 'package.json'), 'utf8') }, { path: '.vigilrc.json', text: policy }] },
    { registry: FileRegistry.fromDirs(join(dir, 'registry')), now: new Date('2020-09-30T13:15:21.378Z'), config: DEFAULT_CONFIG },
  );
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

test('a result the analysis wrote passes, after the JSON round trip', async () => {
  const result = await written();
  assert.ok((result.findings as unknown[]).length > 0 && (result.suppressed as unknown[]).length > 0 && (result.dependencies as unknown[]).length > 0);
  assert.equal(isAnalysisResult(result), true);
});

test('a result with a field missing or of the wrong kind is refused', async () => {
  const cases: Array<[string, (r: AnalysisResult & Record<string, unknown>) => void]> = [
    ['no asOf', (r) => delete (r as Partial<AnalysisResult>).asOf],
    ['findings not an array', (r) => ((r as Record<string, unknown>).findings = {})],
    ['a finding without a range', (r) => delete (r.findings[0] as Partial<(typeof r.findings)[0]>).range],
    ['a range ending before it starts', (r) => ((r.findings[0] as { range: unknown }).range = { start: 5, end: 2 })],
    ['an unknown signal', (r) => ((r.findings[0] as { signal: string }).signal = 'made-up')],
    ['an unknown severity', (r) => ((r.findings[0] as { severity: string }).severity = 'fatal')],
    ['evidence not an object', (r) => ((r.findings[0] as { evidence: unknown }).evidence = 'x')],
    ['a fix without its reason', (r) => ((r.findings[0] as { fix: unknown }).fix = { pin: '1.0.0' })],
    ['a suppressed finding without its suppression', (r) => delete (r.suppressed[0] as { suppression?: unknown }).suppression],
    ['an unknown dependency status', (r) => ((r.dependencies[0] as { status: string }).status = 'fine')],
    ['a dependency source with a numeric date', (r) => ((r.dependencies[0] as { source: unknown }).source = { fetchedAt: 1 })],
    ['an error without a message', (r) => r.errors.push({ file: 'package.json', range: { start: 0, end: 1 }, package: 'x', kind: 'network' } as never)],
    ['a note without a message', (r) => r.notes.push({ code: 'advisories-skipped' } as never)],
  ];
  for (const [name, damage] of cases) {
    const result = (await written()) as AnalysisResult & Record<string, unknown>;
    damage(result);
    assert.equal(isAnalysisResult(result), false, name);
  }
  for (const value of [null, [], 'result', 1]) assert.equal(isAnalysisResult(value), false, JSON.stringify(value));
});
