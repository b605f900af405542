// apply: carry a plan out through the Zendesk writers. Options in, result out; the command prints.
import { applyPlan, createAuditLog, type ApplyResult } from '../apply/index.js';
import type { Config, SalesforceInstance, ZendeskInstance } from '../model/config.js';
import type { Plan } from '../model/plan.js';
import type { Progress, SalesforceWriter, TargetReader, TargetWriter } from '../model/ports.js';
import { storeCaseMarks } from './plan-cases.js';
import { createSalesforceWriter } from '../salesforce/writer.js';
import { redactText } from '../util/redact.js';

export interface ApplyServiceOptions {
  config: Config;
  plan: Plan;
  writerFor: (instance: ZendeskInstance) => TargetWriter;
  /** the writer of a Salesforce instance, for case changes (issue 18) */
  salesforceWriterFor?: (instance: SalesforceInstance) => SalesforceWriter;
  /** the state directory: once a sync's changes are all carried out, its ticket mark is stored there (issue 18) */
  stateDir?: string;
  /** reads a whole instance: apply uses it instead of per-record look-ups when a plan touches many records */
  target?: TargetReader;
  allowDelete?: boolean;
  force?: boolean;
  /** apply only these syncs of the plan (the others are not applied, and the result says so) */
  syncs?: string[];
  /** append a JSON-lines audit log of every write here */
  logFile?: string;
  progress?: Progress;
  /** an interrupt: once true, apply sends no new batch (see src/cli/interrupt.ts) */
  shouldStop?: () => boolean;
}

export async function runApply(options: ApplyServiceOptions): Promise<ApplyResult> {
  const { config, plan } = options;
  const audit = options.logFile ? createAuditLog(options.logFile) : undefined;
  const writers = new Map<string, TargetWriter>();
  const salesforceWriters = new Map<string, SalesforceWriter>();
  try {
    const result = await applyPlan({
      plan,
      config,
      writerFor: (syncName) => {
        const sync = config.syncs.find((s) => s.name === syncName);
        if (!sync) throw new Error(`the configuration has no sync "${syncName}"`);
        // one writer (and so one rate-limit budget) per Zendesk instance, shared by the syncs that write to it
        let writer = writers.get(sync.to);
        if (!writer) {
          writer = options.writerFor(config.zendesk[sync.to]);
          writers.set(sync.to, writer);
        }
        return writer;
      },
      readLive: options.target
        ? (syncName) => {
            const sync = config.syncs.find((s) => s.name === syncName)!;
            return options.target!.read({ instance: config.zendesk[sync.to], progress: options.progress });
          }
        : undefined,
      syncs: options.syncs,
      allowDelete: options.allowDelete,
      force: options.force,
      progress: options.progress,
      audit: audit?.write,
      shouldStop: options.shouldStop,
      // Cases (issue 18): one Salesforce writer per instance (the configured one when the caller wires none)
      salesforceWriterFor: (syncName: string) => {
        const sync = config.syncs.find((s) => s.name === syncName)!;
        let writer = salesforceWriters.get(sync.from);
        if (!writer) {
          const instance = config.salesforce[sync.from];
          writer = options.salesforceWriterFor ? options.salesforceWriterFor(instance) : createSalesforceWriter(instance);
          salesforceWriters.set(sync.from, writer);
        }
        return writer;
      },
    });
    if (options.stateDir) {
      const ok = new Set(result.syncs.filter((s) => s.error === undefined && s.failures.length === 0 && s.notAttempted === 0).map((s) => s.name));
      await storeCaseMarks(plan, options.stateDir, (s) => ok.has(s.name));
    }
    return result;
  } finally {
    audit?.close();
  }
}

/** `Apply complete! Resources: X added, Y changed, Z destroyed.` and every failure with its record and reason. */
export function formatApplyResult(result: ApplyResult): string {
  const lines: string[] = [];
  if (result.notSelected.length > 0) {
    const names = (list: string[]): string => list.map((n) => `"${n}"`).join(', ');
    lines.push(`Applied only sync ${names(result.syncs.map((s) => s.name))} (--sync); not applied: ${names(result.notSelected)}.`);
  }
  for (const sync of result.syncs) {
    if (sync.error) lines.push(`Error: sync "${sync.name}": ${sync.error}${sync.notAttempted ? ` (${sync.notAttempted} changes not attempted)` : ''}`);
  }
  if (result.failures.length > 0) {
    lines.push(`${result.failures.length} record${result.failures.length === 1 ? '' : 's'} failed:`);
    for (const f of result.failures) {
      lines.push(`  - ${f.type} ${JSON.stringify(f.label)} (${f.action}, sync "${f.sync}"): ${f.reason} [${f.request}]`);
    }
  }
  if (result.syncs.length > 1) {
    for (const sync of result.syncs) {
      const state = sync.error ? 'failed' : sync.failures.length > 0 ? `${sync.failures.length} failed` : 'ok';
      lines.push(`Sync "${sync.name}": ${sync.added} added, ${sync.changed} changed, ${sync.destroyed} destroyed (${state}).`);
    }
  }
  const skipped = result.skipped > 0 ? ` (${result.skipped} already done, skipped)` : '';
  const head = result.ok ? 'Apply complete!' : 'Apply finished with errors.';
  lines.push(`${head} Resources: ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed.${skipped}`);
  return redactText(`${lines.join('\n')}\n`);
}
