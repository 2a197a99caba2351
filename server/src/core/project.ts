/**
 * The project's own settings, read from the files the adapter passed beside the manifests: its policy
 * (.vigilrc.json) and its release cooldown (package-manager and Renovate files). Parsed once per
 * analysis; the findings about the files themselves (problems, expired suppressions) are reported on
 * those files. Pure.
 */
import type { AnalysisResult, ProjectFile } from './analyze';
import type { AnalysisConfig } from './config';
import { cooldownConfig, readProjectCooldowns } from './cooldown';
import { compareFindings, type Finding } from './finding';
import { COOLDOWN_FILES, readCooldownFile, type FileProblem } from './parse/cooldownFiles';
import { parsePolicyFile, POLICY_FILE } from './parse/policyFile';
import { applyPolicy, EMPTY_POLICY, expiredSuppressions, mergePolicy, type Policy } from './policy';

/** The file names an adapter reads beside a package.json (and at the workspace root) for the analysis. */
export const PROJECT_FILES: readonly string[] = [POLICY_FILE, ...COOLDOWN_FILES];

export interface Project {
  /** The user's defaults under the project's .vigilrc.json. */
  policy: Policy;
  /** The config for one resolved package: thresholds, then the project's cooldown for it. */
  configFor(name: string, version: string | undefined): AnalysisConfig;
  /** Problems in the project's files and expired suppressions, reported on those files. */
  findings: Finding[];
}

export function isPolicyFile(path: string): boolean {
  return path === POLICY_FILE || path.endsWith(`/${POLICY_FILE}`);
}

/** Findings about one .vigilrc.json on its own: its problems and its expired suppressions. */
export function policyFileFindings(path: string, text: string, now: Date): { policy: Policy; findings: Finding[] } {
  const parsed = parsePolicyFile(text, path);
  const problems: Finding[] = parsed.problems.map((problem) => ({
    file: path,
    range: problem.range,
    package: '',
    spec: '',
    signal: 'invalid-policy',
    severity: problem.severity,
    message: problem.message,
    evidence: {},
  }));
  return { policy: parsed.policy, findings: [...problems, ...expiredSuppressions(parsed.policy, now)] };
}

/** Problems in the package manager's and Renovate's files, as findings on those files. */
export function cooldownProblemFindings(problems: readonly FileProblem[]): Finding[] {
  return problems.map((problem) => ({
    file: problem.file,
    range: problem.range,
    package: '',
    spec: '',
    signal: 'invalid-cooldown',
    severity: 'warning',
    message: problem.message,
    evidence: {},
  }));
}

/** Findings about one settings file on its own (an editor shows them on the file). */
export function settingsFileFindings(path: string, text: string, now: Date): Finding[] {
  if (isPolicyFile(path)) return policyFileFindings(path, text, now).findings;
  return cooldownProblemFindings(readCooldownFile(path, text).problems);
}

/** `now` is the real clock, not a replay's instant: a suppression's expiry is about today's policy. */
export function readProject(files: readonly ProjectFile[], config: AnalysisConfig, now: Date): Project {
  const findings: Finding[] = [];
  const policyFile = nearest(files.filter((file) => isPolicyFile(file.path)));
  let policy = EMPTY_POLICY;
  if (policyFile) {
    const read = policyFileFindings(policyFile.path, policyFile.text, now);
    policy = read.policy;
    findings.push(...read.findings);
  }
  policy = mergePolicy(config.severity, policy);
  const cooldowns = readProjectCooldowns(files);
  findings.push(...cooldownProblemFindings(cooldowns.problems));
  const base = withThresholds(config, policy);
  return { policy, findings, configFor: (name, version) => cooldownConfig(base, cooldowns.settings, name, version) };
}

/** The policy's thresholds over the settings; a cooldown given on the command line stays. */
function withThresholds(config: AnalysisConfig, policy: Policy): AnalysisConfig {
  const thresholds = { ...policy.thresholds };
  if (config.cooldownExplicit) delete thresholds.cooldownDays;
  return { ...config, ...thresholds };
}

/** The policy file nearest the manifest: the fewest `../` in its project-relative path. */
function nearest(files: readonly ProjectFile[]): ProjectFile | undefined {
  const depth = (file: ProjectFile): number => file.path.split('/').filter((part) => part === '..').length;
  return [...files].sort((a, b) => depth(a) - depth(b))[0];
}

/** The last step of an analysis: policy over the findings, then the findings about the project's files. */
export function finishWithPolicy(result: AnalysisResult, project: Project, now: Date, derive?: (kept: readonly Finding[]) => Finding[]): void {
  const { findings, suppressed } = applyPolicy(result.findings, project.policy, now);
  // Findings derived from others (risky-transitive) count only what the policy kept, then face it themselves.
  const derived = derive ? applyPolicy(derive(findings), project.policy, now) : { findings: [], suppressed: [] };
  result.findings = [...findings, ...derived.findings, ...project.findings].sort(compareFindings);
  result.suppressed = [...suppressed, ...derived.suppressed];
}
