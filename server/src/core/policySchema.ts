/**
 * The JSON schema VS Code uses to complete and check .vigilrc.json (package.json `jsonValidation`). Built
 * from the same lists the parser accepts, so the two cannot disagree: media/vigilrc.schema.json is this
 * object, written by `node scripts/policy-schema.mjs`, and a test fails when they differ. The language
 * server's own validation (parse/policyFile.ts) is the authority; the schema is for completion.
 */
import { POLICY_SEVERITIES, POLICY_SIGNALS } from './policy';

const EXPIRES_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';

export function policySchema(): Record<string, unknown> {
  const signals = [...POLICY_SIGNALS];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Vigil project policy',
    description: 'The project\'s Vigil policy, shared by the editor and `vigil check`. JSON with comments.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      severity: {
        type: 'object',
        markdownDescription: 'Severity per signal id: `error`, `warning`, `information`, `hint`, or `off` to drop the signal\'s findings. Wins over the `vigil.severity` setting.',
        propertyNames: { enum: signals },
        additionalProperties: { enum: [...POLICY_SEVERITIES] },
      },
      thresholds: {
        type: 'object',
        description: 'Numbers the signals use.',
        additionalProperties: false,
        properties: {
          cooldownDays: threshold('Releases younger than this many days are `recent-release`. Wins over the `vigil.cooldownDays` setting; the package manager\'s own cooldown (pnpm, npm, Yarn, Bun or Renovate files) wins over this.'),
          youngDependencyDays: threshold('`young-dependency-added`: an added dependency created fewer days than this before the release (default 30).'),
          publishBurstPackages: threshold('`publish-burst`: this many of the project\'s packages released by one account (default 3)…'),
          publishBurstHours: threshold('…within this many hours (default 2).'),
          dormantReleaseDays: threshold('`dormant-release`: a release after at least this many days without any (default 365).'),
          releaseLineBurstHours: threshold('`release-line-burst`: releases this many hours apart or closer form one burst (default 6)…'),
          releaseLineBurstLines: threshold('…on at least this many release lines (default 3).'),
        },
      },
      allowedRegistries: {
        type: 'array',
        markdownDescription: 'Registry URLs the project may install from. No credentials: this file is committed.',
        items: { type: 'string', pattern: '^[hH][tT][tT][pP][sS]?://[^\\s/?#@]+(/[^\\s?#]*)?$' },
      },
      suppressions: {
        type: 'array',
        markdownDescription: 'Findings to hide. A suppressed finding paints no squiggle and does not fail `vigil check`; `--format json` lists it under `suppressed` with the reason.',
        items: suppressionSchema(signals),
      },
    },
  };
}

function threshold(markdownDescription: string): Record<string, unknown> {
  return { type: 'number', minimum: 0, markdownDescription };
}

function suppressionSchema(signals: string[]): Record<string, unknown> {
  return {
    type: 'object',
    required: ['package', 'signal', 'reason'],
    additionalProperties: false,
    defaultSnippets: [{ label: 'New suppression', body: { package: '$1', signal: '$2', reason: '$3', expires: '$4' } }],
    properties: {
      package: { type: 'string', markdownDescription: 'A package name (`left-pad`), or `name@range` (`left-pad@^1.3.0`) for the versions in that semver range only.' },
      signal: { enum: signals, markdownDescription: 'The signal id to silence for that package.' },
      reason: { type: 'string', minLength: 1, markdownDescription: 'Why this is safe, for whoever reads it next. Required.' },
      expires: {
        type: 'string',
        pattern: EXPIRES_PATTERN,
        markdownDescription: 'When the suppression stops applying: a date (through the end of that day, UTC) or a date-time with a zone. An expired suppression is reported as information.',
      },
    },
  };
}
