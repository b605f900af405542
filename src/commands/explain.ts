import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { stderrLogger } from '../cli/output.js';
import { loadConfigOrThrow } from '../config/index.js';
import { liveAdapters } from '../services/adapters.js';
import { explainRecord, renderExplainText } from '../services/explain.js';

export default class Explain extends BaseCommand {
  static override summary = 'Explain one record: its Salesforce rows, the mapping behind each value, its relationships and its next change.';

  static override description = `Reads Salesforce and Zendesk as plan does and, for the record named by an email, a Salesforce Id (Account,
Contact or Lead) or a Zendesk organization or user id, prints: the Salesforce rows behind it; each managed value
with the mapping that produced it and its sync.yaml line; for a user, the cell of the relationship table
(docs/relationships.md) that decided its organization and memberships; and what the next apply would change.
Nothing is written. Exit codes: 0 the record was found; 1 error, or nothing matches.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> ann@acme.example',
    '<%= config.bin %> <%= command.id %> 0015g0000000003AAA -c sync.yaml --sync global',
    '<%= config.bin %> <%= command.id %> 9001 --format json',
  ];

  static override args = {
    record: Args.string({ description: 'An email, a Salesforce Account/Contact/Lead Id, or a Zendesk organization or user id.', required: true }),
  };

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'Path to the configuration file.', default: 'sync.yaml' }),
    sync: Flags.string({ summary: 'Look only in this sync (repeatable).', multiple: true }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  public async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain);
    const config = await loadConfigOrThrow({ file: flags.config, env: process.env });
    const adapters = liveAdapters();
    const result = await explainRecord({ config, query: args.record, syncNames: flags.sync, source: adapters.source, target: adapters.target, logger: stderrLogger() });
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderExplainText(result));
    if (!result.syncs.some((s) => s.records.length > 0)) this.exit(1);
  }
}
