// What the `redaction.mask` transform looks for unless a profile picks fewer: credentials that
// show up in logs (bearer tokens, JWTs, cloud and SaaS keys, secrets assigned in config dumps)
// and e-mail addresses. Every pattern starts with a literal, so a line is scanned once per rule,
// and only when it holds one of the rule's hints.
import { emailRule } from './email-rule';
import { type MaskRule, type PatternRuleOptions, patternRule } from './mask-rule';

/** The built-in rules, in the order they are applied (specific shapes before generic ones). */
export const DEFAULT_RULE_PATTERNS: readonly PatternRuleOptions[] = [
  { name: 'jwt', hints: ['eyJ'], pattern: String.raw`\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*` },
  {
    name: 'bearer-token',
    hints: ['earer'],
    pattern: String.raw`(?<keep>\b[Bb]earer\s+)[A-Za-z0-9._~+/-]{8,}=*`,
  },
  {
    name: 'basic-auth',
    hints: ['asic'],
    ignoreCase: true,
    pattern: String.raw`(?<keep>\bauthorization["']?\s*[:=]\s*["']?basic\s+)[A-Za-z0-9+/]{4,}=*`,
  },
  { name: 'aws-access-key-id', hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA'], pattern: String.raw`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b` },
  {
    name: 'aws-secret-access-key',
    hints: ['aws'],
    ignoreCase: true,
    pattern: String.raw`(?<keep>\baws_?secret_?(?:access_)?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{40}`,
  },
  { name: 'gcp-api-key', hints: ['AIza'], pattern: String.raw`\bAIza[0-9A-Za-z_-]{35}` },
  {
    name: 'github-token',
    hints: ['gh', 'github_pat_'],
    pattern: String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})`,
  },
  { name: 'slack-token', hints: ['xox'], pattern: String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}` },
  { name: 'slack-webhook', hints: ['hooks.slack.com'], pattern: String.raw`https://hooks\.slack\.com/services/[A-Za-z0-9/]{8,}` },
  {
    name: 'azure-key',
    hints: ['key='],
    ignoreCase: true,
    pattern: String.raw`(?<keep>\b(?:AccountKey|SharedAccessKey)=)[A-Za-z0-9+/]{20,}=*`,
  },
  { name: 'azure-sas', hints: ['sig='], pattern: String.raw`(?<keep>[?&]sig=)[A-Za-z0-9%+/=]{20,}` },
  {
    name: 'secret-assignment',
    hints: ['pass', 'secret', 'key', 'token'],
    ignoreCase: true,
    pattern: String.raw`(?<keep>\b(?:password|passwd|secret|client_secret|api_?key|access_token|private_key)["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}`,
  },
];

export const EMAIL_RULE = 'email';

/** Every built-in rule's name, in order. */
export const DEFAULT_RULE_NAMES: readonly string[] = [...DEFAULT_RULE_PATTERNS.map((rule) => rule.name), EMAIL_RULE];

/** The built-in rules with these names, in the built-in order. */
export function defaultRules(names: ReadonlySet<string>): MaskRule[] {
  const rules = DEFAULT_RULE_PATTERNS.filter((rule) => names.has(rule.name)).map(patternRule);
  if (names.has(EMAIL_RULE)) rules.push(emailRule(EMAIL_RULE));
  return rules;
}
