import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { loadConfigOrThrow } from '../config/index.js';
import { renderCheckText, runCheck } from '../services/check.js';

export default class Check extends BaseCommand {
  static override summary = 'Connect to every instance in sync.yaml and say what works: credentials, permissions, fields, limits.';

  static override description = `For each Salesforce org: authentication, the API version, the user, the daily API requests left (/limits),
the objects the syncs read and every mapped field (present, with a type that fits). For each Zendesk instance:
authentication and role, the multiple_organizations setting against the config, bulk user import, the rate limit,
the mapped custom fields (present, active, with their dropdown options). Every problem found in the config is named
at its line (FILE:LINE:COL). It reads only (bulk import is probed with an empty request that creates nothing).
Exit codes: 0 everything works (warnings allowed); 1 any problem.`;

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -c config/sync.yaml --format json'];

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'Path to the configuration file.', default: 'sync.yaml' }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  public async run(): Promise<void> {
    const { flags } = await this.parse(Check);
    const config = await loadConfigOrThrow({ file: flags.config, env: process.env });
    const report = await runCheck({ config });
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderCheckText(report));
    if (report.problems > 0) this.exit(1);
  }
}
