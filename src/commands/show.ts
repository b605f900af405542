import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { useColor } from '../cli/output.js';
import { DEFAULT_MARKDOWN_LIMIT } from '../render/index.js';
import { showPlan, type PlanFormat } from '../services/show.js';
import { writeChunks } from '../util/stream.js';

export default class Show extends BaseCommand {
  static override summary = 'Print a saved plan as text, markdown or JSON, exactly as plan printed it.';

  static override description = `Reads a plan saved by \`zdsf plan --out FILE\` and prints it without contacting Salesforce or Zendesk:
the reviewer's view of what \`zdsf apply FILE\` would carry out. The output is the one \`zdsf plan --format F\` wrote.
Exit codes: 0 success; 1 the file cannot be read or is not a zdsf plan.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> plan.json',
    '<%= config.bin %> <%= command.id %> plan.json --format markdown > plan.md',
    '<%= config.bin %> <%= command.id %> plan.json --format json',
  ];

  static override args = {
    planfile: Args.string({ description: 'A plan saved by `zdsf plan --out FILE`.', required: true }),
  };

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'The configuration the plan was made with (read offline, for max_deletes).', default: 'sync.yaml' }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'markdown', 'json'], default: 'text' }),
    'markdown-limit': Flags.integer({ summary: 'Cut markdown output to this many characters (comment limits).', default: DEFAULT_MARKDOWN_LIMIT }),
  };

  public async run(): Promise<void> {
    const { args, flags } = await this.parse(Show);
    const document = await showPlan({
      file: args.planfile,
      format: flags.format as PlanFormat,
      color: useColor(),
      markdownLimit: flags['markdown-limit'],
      configFile: flags.config,
    });
    await writeChunks(process.stdout, document);
  }
}
