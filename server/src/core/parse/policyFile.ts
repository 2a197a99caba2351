/**
 * .vigilrc.json → Policy, with a problem at the exact place of every entry that cannot apply. JSON with
 * comments (and trailing commas), read with jsonc-parser so a half-typed file still yields every valid
 * entry: an invalid entry is reported and skipped, the rest applies. Never throws; messages name the
 * setting and what it accepts, never the text that was written.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import * as semver from 'semver';
import type { OffsetRange, Severity, SignalId } from '../finding';
import { DAY_MS } from '../format';
import { isValidPackageName } from '../names';
import { splitNameAndVersion } from '../packageMatch';
import { POLICY_SEVERITIES, POLICY_SIGNALS, type Policy, type PolicySeverity, type Suppression, type Thresholds } from '../policy';

export const POLICY_FILE = '.vigilrc.json';

export interface PolicyProblem {
  range: OffsetRange;
  severity: Severity;
  message: string;
}

export interface ParsedPolicy {
  policy: Policy;
  problems: PolicyProblem[];
}

const TOP_KEYS = ['$schema', 'severity', 'thresholds', 'allowedRegistries', 'suppressions'];
const THRESHOLD_KEYS: ReadonlyArray<keyof Thresholds> = [
  'cooldownDays',
  'youngDependencyDays',
  'publishBurstPackages',
  'publishBurstHours',
  'dormantReleaseDays',
  'releaseLineBurstHours',
  'releaseLineBurstLines',
];
const SUPPRESSION_KEYS = ['package', 'signal', 'reason', 'expires'];
const SIGNALS_HINT = 'a signal id such as recent-release (see docs/signals.md)';
/** YYYY-MM-DD, or a date-time with a zone (without one it would mean a different instant on every machine). */
const EXPIRES = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const REGISTRY_URL = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i;

/** `file`: the path the findings will name (the adapter's project-relative path). */
export function parsePolicyFile(text: string, file: string = POLICY_FILE): ParsedPolicy {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const problems: PolicyProblem[] = errors.slice(0, 5).map((error) => ({
    range: { start: Math.min(error.offset, text.length), end: Math.min(error.offset + Math.max(error.length, 1), text.length) },
    severity: 'error',
    message: `${POLICY_FILE} is not valid JSON here (${printParseErrorCode(error.error)}); the entries that can be read still apply.`,
  }));
  const policy: Policy = { severity: {}, thresholds: {}, allowedRegistries: [], suppressions: [] };
  if (!root) return { policy, problems };
  if (root.type !== 'object') {
    problems.push({ range: range(root), severity: 'error', message: `${POLICY_FILE} must contain an object; nothing in it applies.` });
    return { policy, problems };
  }
  const problem = (node: Node, message: string, severity: Severity = 'error'): void => void problems.push({ range: range(node), severity, message });
  for (const entry of root.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (!key || !value) continue;
    switch (key.value) {
      case 'severity':
        readSeverity(value, policy, problem);
        break;
      case 'thresholds':
        readThresholds(value, policy, problem);
        break;
      case 'allowedRegistries':
        readRegistries(value, policy, problem);
        break;
      case 'suppressions':
        readSuppressions(value, policy, file, problem);
        break;
      default:
        if (!TOP_KEYS.includes(String(key.value))) problem(key, `Unknown setting; ${POLICY_FILE} takes severity, thresholds, allowedRegistries and suppressions.`, 'warning');
    }
  }
  return { policy, problems };
}

type Report = (node: Node, message: string, severity?: Severity) => void;

function readSeverity(node: Node, policy: Policy, problem: Report): void {
  if (node.type !== 'object') return problem(node, '"severity" must be an object mapping signal ids to error, warning, information, hint or off.');
  for (const entry of node.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (!key || !value) continue;
    if (!(POLICY_SIGNALS as readonly string[]).includes(String(key.value))) {
      problem(key, `Not a signal Vigil reports; use ${SIGNALS_HINT}. This entry is ignored.`, 'warning');
      continue;
    }
    if (!(POLICY_SEVERITIES as readonly unknown[]).includes(value.value)) {
      problem(value, 'A severity must be one of error, warning, information, hint or off; this entry is ignored.');
      continue;
    }
    policy.severity[key.value as SignalId] = value.value as PolicySeverity;
  }
}

function readThresholds(node: Node, policy: Policy, problem: Report): void {
  if (node.type !== 'object') return problem(node, `"thresholds" must be an object, e.g. { "cooldownDays": 7 }.`);
  for (const entry of node.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (!key || !value) continue;
    const name = THRESHOLD_KEYS.find((known) => known === key.value);
    if (!name) {
      problem(key, `Unknown threshold; known: ${THRESHOLD_KEYS.join(', ')}. This entry is ignored.`, 'warning');
      continue;
    }
    if (value.type !== 'number' || !Number.isFinite(value.value) || (value.value as number) < 0) {
      problem(value, `${name} must be a number, 0 or more; this entry is ignored.`);
      continue;
    }
    policy.thresholds[name] = value.value as number;
  }
}

function readRegistries(node: Node, policy: Policy, problem: Report): void {
  if (node.type !== 'array') return problem(node, '"allowedRegistries" must be a list of registry URLs.');
  for (const item of node.children ?? []) {
    const url = typeof item.value === 'string' ? item.value.trim() : '';
    if (/^[a-z]+:\/\/[^/]*@/i.test(url)) problem(item, 'A registry URL here must not contain credentials (they would be committed with the file); this entry is ignored.');
    else if (!REGISTRY_URL.test(url)) problem(item, 'Each allowed registry must be an http:// or https:// URL; this entry is ignored.');
    else policy.allowedRegistries.push(url);
  }
}

function readSuppressions(node: Node, policy: Policy, file: string, problem: Report): void {
  if (node.type !== 'array') return problem(node, '"suppressions" must be a list of { package, signal, reason, expires? } objects.');
  for (const item of node.children ?? []) {
    const suppression = readSuppression(item, file, problem);
    if (suppression) policy.suppressions.push(suppression);
  }
}

function readSuppression(node: Node, file: string, problem: Report): Suppression | undefined {
  if (node.type !== 'object') return void problem(node, 'A suppression must be an object: { "package", "signal", "reason", "expires"? }.');
  const fields = new Map<string, Node>();
  for (const entry of node.children ?? []) {
    const [key, value] = entry.children ?? [];
    if (!key || !value) continue;
    if (SUPPRESSION_KEYS.includes(String(key.value))) fields.set(String(key.value), value);
    else problem(key, 'Unknown field; a suppression takes package, signal, reason and expires.', 'warning');
  }
  const target = readTarget(node, fields.get('package'), problem);
  const signal = fields.get('signal');
  const signalOk = signal?.type === 'string' && (POLICY_SIGNALS as readonly string[]).includes(String(signal.value));
  if (!signalOk) problem(signal ?? node, signal ? `Not a signal Vigil reports; use ${SIGNALS_HINT}. This suppression is ignored.` : 'A suppression needs "signal": the signal id it silences. This suppression is ignored.');
  const reason = fields.get('reason');
  const reasonOk = reason?.type === 'string' && String(reason.value).trim() !== '';
  if (!reasonOk) problem(reason ?? node, 'A suppression needs a "reason" that says why it is safe, for whoever reads it next. This suppression is ignored.');
  const expires = readExpiry(fields.get('expires'), problem);
  if (!target || !signalOk || !reasonOk || expires === null) return undefined;
  return {
    ...target,
    signal: signal.value as SignalId,
    reason: String(reason.value).trim(),
    file,
    range: range(node),
    ...(expires && { expires: expires.text, expiresAt: expires.at, expiresRange: expires.range }),
  };
}

function readTarget(node: Node, value: Node | undefined, problem: Report): { entry: string; name: string; versions?: string } | undefined {
  if (value?.type !== 'string') {
    problem(value ?? node, 'A suppression needs "package": a package name, or name@range such as "left-pad@^1.3.0". This suppression is ignored.');
    return undefined;
  }
  const entry = String(value.value).trim();
  const { name, version } = splitNameAndVersion(entry);
  if (!isValidPackageName(name)) {
    problem(value, '"package" must be a package name, or name@range; this suppression is ignored.');
    return undefined;
  }
  if (version !== undefined && semver.validRange(version, { loose: true }) === null) {
    problem(value, 'The part after @ must be a semver range such as ^1.3.0 or 2.0.1; this suppression is ignored.');
    return undefined;
  }
  return version === undefined ? { entry, name } : { entry, name, versions: version };
}

/** undefined: no expiry; null: an invalid one (reported); otherwise the instant it ends. */
function readExpiry(node: Node | undefined, problem: Report): { text: string; at: number; range: OffsetRange } | undefined | null {
  if (!node) return undefined;
  const text = typeof node.value === 'string' ? node.value.trim() : '';
  const match = EXPIRES.exec(text);
  const date = match?.[1] ?? '';
  // Date.parse accepts 2026-02-30 (as March 2): a date must also read back as itself.
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const validDay = match !== null && !Number.isNaN(midnight) && new Date(midnight).toISOString().slice(0, 10) === date;
  if (!validDay) {
    problem(node, '"expires" must be a date (2026-12-31) or a date-time with a zone (2026-12-31T18:00:00Z); this suppression is ignored.');
    return null;
  }
  // A date means "through that day": the suppression ends when the next day begins, in UTC.
  const at = match?.[2] ? Date.parse(text) : midnight + DAY_MS;
  if (Number.isNaN(at)) {
    problem(node, '"expires" is not a real time; this suppression is ignored.');
    return null;
  }
  return { text, at, range: range(node) };
}

function range(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}
