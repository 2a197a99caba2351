/**
 * The incident replays, straight through the core (the CLI test replays them again over HTTP). Each
 * scenario's expect.json says what must be flagged one hour after the malicious publish, and its
 * expect-before.json what must stay quiet just before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { SEVERITY_RANK, type Severity } from '../../server/src/core/finding';
import { FileRegistry, scenarioDir } from '../helpers/fileRegistry';

interface Expectation {
  package: string;
  version: string;
  flagged: boolean;
  minSeverity?: Severity;
  maxSeverity?: Severity;
  pin?: string;
}

const SCENARIOS = ['ua-parser-js-2021', 'maintainer-handover', 'trust-downgrade'];

for (const scenario of SCENARIOS) {
  for (const expectFile of ['expect.json', 'expect-before.json']) {
    test(`${scenario} (${expectFile})`, async () => {
      const dir = scenarioDir(scenario);
      const expected = JSON.parse(readFileSync(join(dir, expectFile), 'utf8')) as { asOf: string; expectations: Expectation[] };
      const text = readFileSync(join(dir, 'project', 'package.json'), 'utf8');
      const result = await analyze(
        { files: [{ path: 'package.json', text }] },
        { registry: FileRegistry.fromDirs(join(dir, 'registry')), now: new Date('2030-01-01T00:00:00Z'), asOf: new Date(expected.asOf), config: DEFAULT_CONFIG },
      );
      assert.deepEqual(result.errors, []);
      for (const expectation of expected.expectations) {
        const dependency = result.dependencies.find((d) => d.package === expectation.package);
        assert.equal(dependency?.version, expectation.version, 'resolved version');
        const findings = result.findings.filter((f) => f.package === expectation.package);
        const worst = Math.max(-1, ...findings.map((f) => SEVERITY_RANK[f.severity]));
        if (expectation.flagged) {
          assert.ok(worst >= SEVERITY_RANK[expectation.minSeverity ?? 'warning'], `flagged at ${expectation.minSeverity}: ${JSON.stringify(findings)}`);
          for (const finding of findings) assert.equal(finding.fix?.pin, expectation.pin, `pin on ${finding.signal}`);
        } else {
          assert.ok(worst < SEVERITY_RANK.error, `not flagged as error: ${JSON.stringify(findings)}`);
          assert.ok(worst <= SEVERITY_RANK[expectation.maxSeverity ?? 'warning']);
        }
      }
    });
  }
}
