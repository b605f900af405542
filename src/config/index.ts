/**
 * The config loader: sync.yaml -> typed Config, or diagnostics pointing at FILE:LINE:COL.
 *
 * Steps: read the file; parse YAML keeping every node's position; interpolate `${VAR}` /
 * `${VAR:-default}`; validate against schemas/sync.schema.json; semantic checks; read
 * `*_file` secrets; apply defaults. Every problem of a run is reported, not just the first.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../model/config.js';
import { ZdsfError } from '../util/errors.js';
import { buildConfig, readSecretFiles } from './build.js';
import { CheckContext, isObj } from './context.js';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { schemaIssues } from './schema.js';
import { semanticChecks } from './semantic.js';
import { parseYamlTree } from './yaml-tree.js';
import { sourceProblems } from './source-checks.js';
import { registerConfigSecrets } from './register-secrets.js';

export { formatDiagnostic, displayPath, type Diagnostic } from './diagnostics.js';
export { schemaPath, loadSchema } from './schema.js';
export { interpolate } from './interpolate.js';
export { soqlConditionProblem } from './soql.js';
export { isLoopback } from './semantic.js';

export interface LoadConfigOptions {
  /** path of sync.yaml, as the operator gave it (messages use it as written) */
  file: string;
  /** environment for `${VAR}`; default process.env */
  env?: Record<string, string | undefined>;
  /**
   * Default true. false (`validate --no-env`, e.g. in pre-commit where secrets are absent):
   * unset variables are not errors and `*_file` secrets are not read. The Config then carries
   * unresolved `${VAR}` text and empty secrets: fit for validation, not for talking to the APIs.
   */
  checkEnv?: boolean;
  /**
   * With checkEnv: how an unset variable is reported. 'error' (default: plan and apply cannot work without it),
   * or 'warning' (validate: an offline check names it, and the config is still judged valid).
   */
  unsetEnv?: 'error' | 'warning';
}

export interface LoadConfigResult {
  /** null when there is any error (warnings alone keep the config) */
  config: Config | null;
  diagnostics: Diagnostic[];
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadConfigResult> {
  const file = options.file;
  const checkEnv = options.checkEnv ?? true;
  // --no-env: a variable set but empty (what CI does with a secret a job may not read) is as good as unset
  const env = checkEnv ? (options.env ?? process.env) : withoutEmpty(options.env ?? process.env);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file (give the config with -c FILE, or create sync.yaml; see docs/configuration.md)'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? String(err));
    return { config: null, diagnostics: [{ file, line: 1, col: 1, path: '', message: `cannot read config file: ${reason}`, severity: 'error' }] };
  }
  const problems = sourceProblems(file, bytes);
  if (problems.length > 0) return { config: null, diagnostics: problems };
  const source = bytes.toString('utf8');

  const tree = parseYamlTree(source, { file, env, checkEnv, unsetEnv: options.unsetEnv ?? 'error' });
  const ctx = new CheckContext(file, tree, checkEnv);
  ctx.diagnostics.push(...tree.diagnostics);
  if (tree.fatal || tree.diagnostics.some((d) => d.severity === 'error' && d.message.startsWith('YAML syntax error'))) {
    return { config: null, diagnostics: sortDiagnostics(ctx.diagnostics) };
  }
  if (!isObj(tree.data)) {
    const what = tree.data === null || tree.data === undefined ? 'the file is empty' : 'the file must be a mapping (key: value)';
    ctx.report([], `${what}: expected version: 1, salesforce, zendesk and syncs (see docs/configuration.md)`);
    return { config: null, diagnostics: sortDiagnostics(ctx.diagnostics) };
  }

  for (const issue of schemaIssues(tree.data)) {
    if (ctx.unresolved(issue.segments)) continue;
    ctx.report(issue.segments, issue.message, { atKey: issue.atKey });
  }
  semanticChecks(ctx, tree.data);
  if (checkEnv) readSecretFiles(ctx, tree.data, file);

  const diagnostics = sortDiagnostics(ctx.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { config: null, diagnostics };
  const config = withLazyDigest(buildConfig(ctx, tree.data, file, ''), source);
  if (checkEnv) registerConfigSecrets(config); // every later output is scrubbed of them (src/util/redact.ts)
  return { config, diagnostics };
}

/**
 * config.digest, computed when first read: it parses the file a second time (about a third of `zdsf validate`'s
 * own CPU), and validate never reads it; plan and apply do.
 */
function withLazyDigest(config: Config, source: string): Config {
  let digest: string | undefined;
  Object.defineProperty(config, 'digest', { enumerable: true, configurable: true, get: () => (digest ??= configDigest(source)) });
  return config;
}

function withoutEmpty(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * The digest a saved plan records and apply compares: sha256 over the parsed YAML (keys sorted, `${VAR}` references
 * as written, not their values), so that editing a comment, re-indenting or reordering keys does not make a plan
 * stale, while any change of a value does. Falls back to the bytes when the file does not parse.
 */
export function configDigest(source: string): string {
  let canonical: string;
  try {
    canonical = JSON.stringify(parseYaml(source, { merge: true }), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
    );
  } catch {
    canonical = `unparsed:${source}`;
  }
  return createHash('sha256').update(canonical ?? 'null').digest('hex');
}

/** loadConfig, throwing a ZdsfError (code config_invalid) that lists every error, one a line. */
export async function loadConfigOrThrow(options: LoadConfigOptions): Promise<Config> {
  const { config, diagnostics } = await loadConfig(options);
  if (config) return config;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  throw new ZdsfError(
    `${options.file} is not valid (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map(formatDiagnostic).join('\n')}`,
    'config_invalid',
  );
}
