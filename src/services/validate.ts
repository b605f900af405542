/** `zdsf validate`, without flags: load the config offline and summarise what was found. */
import { loadConfig, formatDiagnostic, type Diagnostic } from '../config/index.js';
import type { Config } from '../model/config.js';

export interface ValidateOptions {
  /** path of the config file */
  file: string;
  /** environment for `${VAR}` (default process.env) */
  env?: Record<string, string | undefined>;
  /** false: do not report unset variables nor read *_file secrets (pre-commit). Default true. */
  checkEnv?: boolean;
  /** unset variables as warnings (default: validate is an offline check; plan and apply need them) or errors */
  requireEnv?: boolean;
}

export interface ValidateResult {
  file: string;
  valid: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
  /** one line: "sync.yaml is valid: 2 syncs, 1 Salesforce org, 2 Zendesk instances" */
  summary: string;
  config: Config | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function validateConfig(options: ValidateOptions): Promise<ValidateResult> {
  const { config, diagnostics } = await loadConfig({ ...options, unsetEnv: options.requireEnv ? 'error' : 'warning' });
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const valid = config !== null && errors === 0;
  const warnText = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
  const summary = valid
    ? `${options.file} is valid: ${plural(config.syncs.length, 'sync')}, ${plural(Object.keys(config.salesforce).length, 'Salesforce org')}, ${plural(Object.keys(config.zendesk).length, 'Zendesk instance')}${warnText}`
    : `${options.file} is not valid: ${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`;
  return { file: options.file, valid, errors, warnings, diagnostics, summary, config };
}

/** Text output: every diagnostic, one a line, then the summary. */
export function renderValidateText(result: ValidateResult): string {
  return [...result.diagnostics.map(formatDiagnostic), result.summary].join('\n') + '\n';
}

/** JSON output: `{ valid, file, summary, errors, warnings, diagnostics: [{ file, line, col, path, message, severity }] }`. */
export function renderValidateJson(result: ValidateResult): string {
  const { file, valid, summary, errors, warnings, diagnostics } = result;
  return `${JSON.stringify({ valid, file, summary, errors, warnings, diagnostics }, null, 2)}\n`;
}
