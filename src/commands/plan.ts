import { writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { stderrLogger, useColor } from '../cli/output.js';
import { createProgress } from '../cli/progress.js';
import { loadConfigOrThrow } from '../config/index.js';
import { silentProgress } from '../model/ports.js';
import { jsonChunks, renderMarkdown, renderReport, textChunks } from '../render/index.js';
import { writeChunks } from '../util/stream.js';
import { liveAdapters } from '../services/adapters.js';
import { caseStartFrom, casePortsOf, storeCaseMarks } from '../services/plan-cases.js';
import { startTimings, timingsFlag } from '../cli/timings.js';
import { createPlan, planFailed, planHasChanges } from '../services/plan.js';
import { maxDeletesOf } from '../services/show.js';
import { planReaders } from '../services/incremental.js';
import { writePlanFile } from '../services/plan-file.js';

export default class Plan extends BaseCommand {
  static override summary = 'Show what apply would change in Zendesk.';

  static override description = `Reads Salesforce and Zendesk live, maps the Salesforce records as sync.yaml says, and prints the
organization, user and membership changes that would make Zendesk match, terraform-style.

With a state directory (--state DIR, or state: in sync.yaml) plan reads only what changed since its last run and
rebuilds the rest from its snapshot (the plan is the one a full read gives); one line on stderr says which read it
did and why. --refresh reads everything again.

With --format json or markdown, stdout holds that document alone (progress and messages go to stderr).
Exit codes: 0 success; 1 error (any sync that could not be planned); with --detailed-exitcode, 2 = success with changes.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -c sync.yaml --sync global --out plan.json',
    '<%= config.bin %> <%= command.id %> --format markdown --report report.json > plan.md',
    '<%= config.bin %> <%= command.id %> --format json > plan.json',
    '<%= config.bin %> <%= command.id %> --detailed-exitcode',
    '<%= config.bin %> <%= command.id %> --state .zdsf --out plan.json',
  ];

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'Path to the configuration file.', default: 'sync.yaml' }),
    sync: Flags.string({ summary: 'Plan only this sync (repeatable).', multiple: true }),
    format: Flags.string({ summary: 'Output format.', options: ['text', 'markdown', 'json'], default: 'text' }),
    out: Flags.string({ summary: 'Save the plan to this file, for `zdsf apply FILE`.' }),
    report: Flags.string({ summary: 'Write a GitLab terraform report ({"create","update","delete"}) to this file.' }),
    'report-orphans': Flags.boolean({ summary: 'List Zendesk records with no Salesforce counterpart (never deletes them).' }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when the plan has changes (0 when none, 1 on error).' }),
    'markdown-limit': Flags.integer({ summary: 'Cut markdown output to this many characters (comment limits).', default: 65_000 }),
    quiet: Flags.boolean({ char: 'q', summary: 'No progress output.' }),
    timings: timingsFlag,
    state: Flags.string({ summary: 'Plan incrementally from the snapshot in this directory (and save the new one there); overrides `state.dir`.' }),
    refresh: Flags.boolean({ summary: 'With a state directory: read both systems whole and replace the snapshot.' }),
  };

  public async run(): Promise<void> {
    const { flags } = await this.parse(Plan);
    const config = await loadConfigOrThrow({ file: flags.config, env: process.env });
    // with a state directory the readers are the incremental ones (src/services/incremental.ts)
    const live = liveAdapters();
    const readers = planReaders(live, { config, state: flags.state, refresh: flags.refresh, logger: stderrLogger(), say: (line) => process.stderr.write(`${line}\n`) });
    this.timings = startTimings(flags.timings, { ...live, source: readers.source, target: readers.target });
    const { adapters, time } = this.timings;
    const plan = await createPlan({
      config,
      syncNames: flags.sync,
      reportOrphans: flags['report-orphans'],
      source: adapters.source,
      target: adapters.target,
      progress: flags.quiet ? silentProgress : createProgress(),
      logger: stderrLogger(),
      // Cases (issue 18): tickets and Salesforce Cases, the ticket read from the mark of the last apply
      cases: casePortsOf(adapters, config),
      ...(readers.planCache ? { planCache: readers.planCache } : {}),
      ...(readers.stateDir ? { caseStart: caseStartFrom(readers.stateDir, config, flags.refresh, (line) => process.stderr.write(`${line}\n`)) } : {}),
    });

    // a sync whose tickets need no Case written: its ticket mark moves on now (apply stores the others' marks)
    if (readers.stateDir) await storeCaseMarks(plan, readers.stateDir, (sync) => !sync.changes.some((c) => c.type === 'case'));

    // the document is streamed: a first sync's plan can hold hundreds of thousands of changes
    const document =
      flags.format === 'json'
        ? jsonChunks(plan)
        : flags.format === 'markdown'
          ? [renderMarkdown(plan, { maxChars: flags['markdown-limit'], maxDeletes: maxDeletesOf(config) })]
          : textChunks(plan, { color: useColor() });
    await time(`render ${flags.format}`, () => writeChunks(process.stdout, document));

    if (planFailed(plan)) {
      const failed = plan.syncs.filter((s) => s.error);
      // the reason is said here, once, on stderr (the text document only points to it)
      for (const s of failed) process.stderr.write(`Error: sync "${s.name}": ${s.error}\n`);
      process.stderr.write(flags.out ? `The plan was not saved to ${flags.out}.\n` : '');
      this.exit(1);
    }
    if (flags.out) {
      await time('write plan file', () => writePlanFile(flags.out!, plan));
      process.stderr.write(`Saved the plan to ${flags.out}. Apply it with: zdsf apply ${flags.out} -c ${flags.config}\n`);
    }
    if (flags.report) await writeFile(flags.report, renderReport(plan), 'utf8');
    if (flags['detailed-exitcode'] && planHasChanges(plan)) this.exit(2);
  }
}
