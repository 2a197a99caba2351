/**
 * The schema VS Code completes .vigilrc.json with is exactly what the parser accepts, is shipped, and is
 * wired into the manifest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_SEVERITIES, POLICY_SIGNALS } from '../../server/src/core/policy';
import { policySchema } from '../../server/src/core/policySchema';

const ROOT = join(__dirname, '..', '..', '..');

test('media/vigilrc.schema.json is policySchema() (run `node scripts/policy-schema.mjs` after adding a signal)', () => {
  const shipped = JSON.parse(readFileSync(join(ROOT, 'media', 'vigilrc.schema.json'), 'utf8'));
  assert.deepEqual(shipped, policySchema());
});

test('the schema names every signal and severity the parser accepts, and nothing else', () => {
  type Enum = { enum: string[] };
  type Shape = {
    properties: {
      severity: { propertyNames: Enum; additionalProperties: Enum };
      suppressions: { items: { properties: { signal: Enum }; required: string[] } };
    };
  };
  const schema = policySchema() as unknown as Shape;
  assert.deepEqual(schema.properties.severity.propertyNames.enum, [...POLICY_SIGNALS]);
  assert.deepEqual(schema.properties.severity.additionalProperties.enum, [...POLICY_SEVERITIES]);
  assert.deepEqual(schema.properties.suppressions.items.properties.signal.enum, [...POLICY_SIGNALS]);
  assert.deepEqual(schema.properties.suppressions.items.required, ['package', 'signal', 'reason']);
});

test('package.json contributes the schema from a folder .vscodeignore ships, and .vigilrc.json as JSON with comments', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.vigilrc.json', url: './media/vigilrc.schema.json' }]);
  assert.ok(manifest.contributes.languages.some((l: { id: string; filenames?: string[] }) => l.id === 'jsonc' && l.filenames?.includes('.vigilrc.json')));
  const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((line) => line.trim());
  assert.ok(ignore.includes('!media/**'), '.vscodeignore ships media/');
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('vigil.severity'));
  assert.equal(manifest.contributes.configuration.properties['vigil.severity'].scope, 'resource');
});
