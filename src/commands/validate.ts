import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { ZdsfError } from '../util/errors.js';
import { renderValidateJson, renderValidateText, validateConfig, type ValidateResult } from '../services/validate.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check sync.yaml offline: YAML, schema, SOQL conditions and cross-references.';

  static override description = [
    'Checks the configuration without contacting Salesforce or Zendesk: YAML syntax, the schema (schemas/sync.schema.json), that every SOQL condition parses, that syncs name declared instances, that aggregates name included relationships, relationship rules, https-only URLs, and that secrets come only from ${VAR} references or *_file paths. Every problem is reported, as FILE:LINE:COL: path: message.',
    'Exit codes: 0 valid (warnings allowed); 1 invalid.',
    'An unset environment variable is named as a warning (plan and apply refuse to run without it); --require-env makes it an error, for a CI step that checks its secrets are in place. --no-env skips what needs the secrets (unset variables, *_file secrets): use it in pre-commit hooks, where secrets are not set. Further files after -c FILE are checked too (pre-commit passes every matching file).',
  ].join('\n\n');

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -c config/sync.yaml',
    '<%= config.bin %> <%= command.id %> --no-env -c sync.yaml',
    '<%= config.bin %> <%= command.id %> --require-env -c sync.yaml',
    '<%= config.bin %> <%= command.id %> --format json',
  ];

  // extra arguments are further config files (pre-commit appends the staged files to `-c`)
  static override strict = false;

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'Path to the configuration file.', default: 'sync.yaml' }),
    env: Flags.boolean({
      summary: 'Check that referenced environment variables are set and *_file secrets are readable (--no-env skips).',
      default: true,
      allowNo: true,
    }),
    'require-env': Flags.boolean({ summary: 'Unset environment variables are errors, not warnings.', default: false }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  public async run(): Promise<void> {
    const { flags, argv } = await this.parse(Validate);
    const extra = argv.map(String);
    const unknown = extra.find((a) => a.startsWith('-'));
    if (unknown) throw new ZdsfError(`unknown flag ${unknown}: see zdsf validate --help`, 'usage');
    const files = [flags.config, ...extra];
    const results: ValidateResult[] = [];
    for (const file of files) results.push(await validateConfig({ file, env: process.env, checkEnv: flags.env, requireEnv: flags['require-env'] }));
    if (flags.format === 'json') {
      if (results.length === 1) process.stdout.write(renderValidateJson(results[0]));
      else {
        const all = results.map((r) => JSON.parse(renderValidateJson(r)) as unknown);
        const valid = results.every((r) => r.valid);
        process.stdout.write(`${JSON.stringify({ valid, diagnostics: results.flatMap((r) => r.diagnostics), files: all }, null, 2)}\n`);
      }
    } else {
      for (const r of results) process.stdout.write(renderValidateText(r));
    }
    if (results.some((r) => !r.valid)) this.exit(1);
  }
}
