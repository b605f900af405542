import { createInterface } from 'node:readline/promises';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { stderrLogger, useColor } from '../cli/output.js';
import { createProgress } from '../cli/progress.js';
import { loadConfigOrThrow } from '../config/index.js';
import { silentProgress } from '../model/ports.js';
import { textChunks } from '../render/index.js';
import { writeChunks } from '../util/stream.js';
import { liveAdapters } from '../services/adapters.js';
import { caseStartFrom, casePortsOf } from '../services/plan-cases.js';
import { resolve } from 'node:path';
import { startTimings, timingsFlag } from '../cli/timings.js';
import { runApply, formatApplyResult } from '../services/apply.js';
import { createPlan, planFailed, planHasChanges } from '../services/plan.js';
import { readPlanFile } from '../services/plan-file.js';
import { ZdsfError } from '../util/errors.js';
import { installInterrupt, interruptSummary } from '../cli/interrupt.js';
import { acquireInstanceLocks, caseOrgsWritten, instancesWritten } from '../services/apply-lock.js';

export default class Apply extends BaseCommand {
  static override summary = 'Carry out a plan in Zendesk.';

  static override description = `With PLANFILE (saved by \`zdsf plan --out\`), carries out exactly that plan without a prompt: it was
approved in review. It refuses, writing nothing, when the configuration changed since the plan or when a
record the plan changes no longer matches the plan (a stale plan), and names each one.

Without PLANFILE, plans, shows the plan and asks for confirmation (--auto-approve for CI).

Deletes (organizations.retention) need --allow-delete, and more than max_deletes need --force.
One apply at a time per Zendesk instance: a second apply writing to the same instance (from this or another
config) refuses while the first holds the instance's lock (in $ZDSF_LOCK_DIR, else ~/.local/state/zdsf/locks).
Without PLANFILE the lock is taken before planning.
Ctrl-C (SIGINT) or SIGTERM stops sending new batches, waits for the requests in flight, prints what was done
and how to resume.
Exit codes: 0 success; 1 error or any record that failed; 130 interrupted by SIGINT, 143 by SIGTERM.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> plan.json',
    '<%= config.bin %> <%= command.id %> plan.json -c sync.yaml --allow-delete --log-file audit.jsonl',
    '<%= config.bin %> <%= command.id %> --auto-approve',
  ];

  static override args = {
    planfile: Args.string({ description: 'A plan saved by `zdsf plan --out FILE`.', required: false }),
  };

  static override flags = {
    config: Flags.string({ char: 'c', summary: 'Path to the configuration file.', default: 'sync.yaml' }),
    sync: Flags.string({ summary: 'Apply only this sync (repeatable); with PLANFILE, the other syncs of the plan are not applied.', multiple: true }),
    'auto-approve': Flags.boolean({ summary: 'Without PLANFILE: apply without asking.' }),
    'allow-delete': Flags.boolean({ summary: 'Carry out the retention deletes in the plan.' }),
    force: Flags.boolean({ summary: 'Allow more deletes than max_deletes.' }),
    state: Flags.string({ summary: 'The state directory (overrides `state.dir`): once a sync is applied in full, its ticket mark is stored there.' }),
    'log-file': Flags.string({ summary: 'Append a JSON-lines audit log of every write to this file.' }),
    quiet: Flags.boolean({ char: 'q', summary: 'No progress output.' }),
    timings: timingsFlag,
  };

  public async run(): Promise<void> {
    const { args, flags } = await this.parse(Apply);
    this.timings = startTimings(flags.timings, liveAdapters());
    const { adapters, time } = this.timings;
    // a plan file that is not a sealed zdsf plan is refused before anything else is read
    const file = args.planfile;
    const saved = file ? await time('read plan file', () => readPlanFile(file, { view: 'apply' })) : undefined;
    const config = await loadConfigOrThrow({ file: flags.config, env: process.env });
    const progress = flags.quiet ? silentProgress : createProgress();
    const logger = stderrLogger();
    const stateDir = flags.state !== undefined ? resolve(flags.state) : config.state?.dir;

    // one apply at a time per Zendesk instance, whichever config it comes from, and per Salesforce org written
    // Cases to (issue 18); taken before planning, so that what is shown for approval is not changed underneath by
    // another apply (issue 14)
    const only = flags.sync && flags.sync.length > 0 ? flags.sync : undefined;
    const syncNames = only ?? (saved ? saved.syncs.map((s) => s.name) : config.syncs.map((s) => s.name));
    const lock = acquireInstanceLocks(instancesWritten(config, syncNames), { logger, command: 'apply', config: flags.config, caseOrgs: caseOrgsWritten(config, syncNames) });
    let result;
    let interrupt: ReturnType<typeof installInterrupt> | undefined;
    try {
      let plan;
      if (saved) {
        plan = saved;
        if (flags.sync && flags.sync.length > 0) {
          const names = flags.sync.map((n) => `"${n}"`).join(', ');
          process.stderr.write(`Applying only sync ${names} of ${args.planfile} (--sync).\n`);
        }
      } else {
        plan = await createPlan({ config, syncNames: flags.sync, source: adapters.source, target: adapters.target, progress, logger, cases: casePortsOf(adapters, config), ...(stateDir ? { caseStart: caseStartFrom(stateDir, config, false, (line) => process.stderr.write(`${line}\n`)) } : {}) });
        await writeChunks(process.stdout, textChunks(plan, { color: useColor() }));
        if (planFailed(plan)) {
          for (const s of plan.syncs.filter((x) => x.error)) process.stderr.write(`Error: sync "${s.name}": ${s.error}\n`);
          this.exit(1);
        }
        if (!planHasChanges(plan)) return;
        if (!flags['auto-approve']) {
          if (!process.stdin.isTTY) {
            throw new ZdsfError('apply needs confirmation but there is no terminal to ask: pass --auto-approve, or save a plan with `zdsf plan --out FILE` and apply that file');
          }
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          const answer = await rl.question("\nDo you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: ");
          rl.close();
          if (answer.trim() !== 'yes') {
            process.stdout.write('\nApply cancelled.\n');
            this.exit(1);
          }
        }
      }

      // Ctrl-C / SIGTERM stop new batches and say how to resume (issue 14)
      const stop = installInterrupt({ resumeHint: `Run \`zdsf plan -c ${flags.config}\` to see what was done.`, onForcedExit: lock.release });
      interrupt = stop;
      result = await time('apply (stale check, writes)', () => runApply({
        config,
        plan,
        writerFor: adapters.writerFor,
        ...(adapters.salesforceWriterFor ? { salesforceWriterFor: adapters.salesforceWriterFor } : {}),
        ...(stateDir ? { stateDir } : {}),
        target: adapters.target,
        allowDelete: flags['allow-delete'],
        force: flags.force,
        syncs: args.planfile ? flags.sync : undefined,
        logFile: flags['log-file'],
        progress,
        shouldStop: stop.requested,
      }));
    } finally {
      interrupt?.dispose();
      lock.release();
    }
    const resume = args.planfile
      ? `run \`zdsf apply ${args.planfile} -c ${flags.config}\` again: it skips what is done.`
      : `run \`zdsf plan -c ${flags.config}\` to see what is left, then apply again.`;
    process.stdout.write(formatApplyResult(result));
    const signal = interrupt?.signal();
    if (signal) {
      process.stderr.write(interruptSummary(signal, result, resume));
      this.exit(interrupt!.exitCode());
    }
    if (!result.ok) this.exit(1);
  }
}
