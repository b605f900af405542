import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { renderValidateJson, renderValidateText, validateConfig } from '../services/validate.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check sync.yaml offline: YAML, schema, SOQL conditions and cross-references.';

  static override description = [
  'Checks the configuration without contacting Salesforce or Zendesk: YAML syntax, the schema (schemas/sync.schema.json), that every SOQL condition parses, that syncs name declared instances, that aggregates name included relationships, relationship rules, https-only URLs, and that secrets come only from ${VAR} references or *_file paths. Every problem is reported, as FILE:LINE:COL: path: message.',
  'Exit codes: 0 valid (warnings allowed); 1 invalid.',
  '--no-env skips what needs the secrets (unset variables, *_file secrets): use it in pre-commit hooks, where secrets are not set.',
].join('\n\n');

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -c config/sync.yaml',
    '<%= config.bin %> <%= command.id %> --no-env -c sync.yaml   # pre-commit: secrets are not set',
    '<%= config.bin %> <%= command.id %> --format json',
  ];

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'Path to the configuration file.', default: 'sync.yaml' }),
    env: Flags.boolean({
      summary: 'Check that referenced environment variables are set and *_file secrets are readable (--no-env skips).',
      default: true,
      allowNo: true,
    }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  public async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    const result = await validateConfig({ file: flags.config, env: process.env, checkEnv: flags.env });
    process.stdout.write(flags.format === 'json' ? renderValidateJson(result) : renderValidateText(result));
    if (!result.valid) this.exit(1);
  }
}
