// Writes one sync's pending changes, phase by phase (src/apply/phases.ts), batches of a phase several at a
// time, and records every outcome (result counts, failures, audit log). It neither retries nor recovers: the
// transport retries, the writer looks up unknown outcomes and re-sends what is proven absent.
import type { Change } from '../model/plan.js';
import type { Progress, WriteResult } from '../model/ports.js';
import type { AuditEntry } from './audit.js';
import type { Prepared } from './executor.js';
import { orderChanges } from './order.js';
import { errorMessage, isOutcomeUnknown } from './outcome.js';
import { phaseSpec, type AnyPhaseSpec, type Item } from './phases.js';
import { changeKey } from './stale.js';
import { chunk } from '../util/data.js';

/** batches of one phase sent and followed at the same time when the writer does not size it from its budget */
const BATCHES_IN_FLIGHT = 4;

const s = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface SyncExecutorOptions {
  progress: Progress;
  audit?: (entry: AuditEntry) => void;
  now: () => Date;
  /** an interrupt (SIGINT/SIGTERM): once true, no new batch is sent; batches in flight finish */
  shouldStop?: () => boolean;
}

export class SyncExecutor {
  /** ids by key of records that exist (live at apply, or created by this apply) */
  private readonly ids = { organization: new Map<string, number>(), user: new Map<string, number>() };
  /** `${type}:${key}` -> why its create failed */
  private readonly failed = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private remaining = 0;

  constructor(
    private readonly p: Prepared,
    private readonly options: SyncExecutorOptions,
  ) {
    for (const [k, o] of p.index.orgByKey) this.ids.organization.set(k, o.id);
    for (const [k, u] of p.index.userByKey) this.ids.user.set(k, u.id);
  }

  private get name(): string {
    return this.p.sync.name;
  }

  private k(type: 'organization' | 'user', key: string): string {
    return changeKey(type, key, this.p.sync.match);
  }

  async run(): Promise<void> {
    const pending: Change[] = [];
    for (const check of this.p.checks) {
      const c = check.change;
      if (c.type === 'organization' || c.type === 'user') this.labels.set(`${c.type}:${this.k(c.type, c.key)}`, c.label);
      if (check.status === 'done') {
        if (c.action === 'create' && check.id !== undefined && (c.type === 'organization' || c.type === 'user')) this.ids[c.type].set(this.k(c.type, c.key), check.id);
        this.p.result.skipped += 1;
        this.audit(c, 'skipped', { id: check.id ?? c.zendesk_id, note: check.reason });
      } else pending.push(c);
    }
    const { phases } = orderChanges(pending);
    this.remaining = pending.length;
    this.options.progress.start(`Applying ${this.name}`, pending.length);
    try {
      for (const phase of phases) if (!this.options.shouldStop?.()) await this.runPhase(phaseSpec(phase.name), phase.changes);
    } finally {
      this.p.result.notAttempted = this.remaining;
      const r = this.p.result;
      this.options.progress.done(
        `${this.name}: ${r.added} added, ${r.changed} changed, ${r.destroyed} destroyed` +
          (r.skipped ? `, ${r.skipped} already done` : '') +
          (r.failures.length ? `, ${s(r.failures.length, 'failure')}` : '') +
          (this.remaining ? `, ${this.remaining} not attempted` : ''),
      );
    }
  }

  // ---- outcomes ----

  private audit(change: Change, outcome: AuditEntry['outcome'], extra: { id?: number | null; after?: Record<string, unknown> | null; request?: string; error?: string; note?: string }): void {
    this.options.audit?.({
      time: this.options.now().toISOString(),
      sync: this.name,
      type: change.type,
      action: change.action,
      key: change.key,
      zendesk_id: extra.id ?? change.zendesk_id,
      label: change.label,
      before: change.before as Record<string, unknown> | null,
      after: extra.after ?? null,
      outcome,
      ...(extra.request ? { request: extra.request } : {}),
      ...(extra.error ? { error: extra.error } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    });
  }

  private ok(item: Item, id: number | null, request: string, note?: string): void {
    const c = item.change;
    if (c.action === 'create') this.p.result.added += 1;
    else if (c.action === 'delete') this.p.result.destroyed += 1;
    else this.p.result.changed += 1;
    if (c.action === 'create' && id !== null && (c.type === 'organization' || c.type === 'user')) this.ids[c.type].set(this.k(c.type, c.key), id);
    this.remaining -= 1;
    this.audit(c, 'ok', { id: id ?? c.zendesk_id, after: c.action === 'delete' ? null : item.payload, request, note });
    this.options.progress.tick(1);
  }

  private fail(item: Item, request: string, reason: string): void {
    const c = item.change;
    this.p.result.failures.push({ sync: this.name, type: c.type, action: c.action, key: c.key, label: c.label, zendesk_id: c.zendesk_id, request, reason });
    if (c.action === 'create' && (c.type === 'organization' || c.type === 'user')) this.failed.set(`${c.type}:${this.k(c.type, c.key)}`, reason);
    this.remaining -= 1;
    this.audit(c, 'failed', { after: item.payload, request, error: reason });
    this.options.progress.tick(1);
  }

  /** the id of a referenced organization / user, or why there is none */
  private resolve(type: 'organization' | 'user', ref: { id: number | null; key: string }): number | string {
    if (ref.id !== null) return ref.id;
    const k = this.k(type, ref.key);
    const id = this.ids[type].get(k);
    if (id !== undefined) return id;
    const label = this.labels.get(`${type}:${k}`) ?? ref.key;
    const failed = this.failed.get(`${type}:${k}`);
    if (failed !== undefined) return `${type} ${JSON.stringify(label)} was not created: ${failed}`;
    return `${type} ${JSON.stringify(label)} does not exist in Zendesk and this plan does not create it`;
  }

  private async runPhase(spec: AnyPhaseSpec<Change>, changes: Change[]): Promise<void> {
    const items: Item[] = [];
    const ctx = { resolve: (type: 'organization' | 'user', ref: { id: number | null; key: string }) => this.resolve(type, ref) };
    for (const change of changes) {
      const payload = spec.payload(change, ctx);
      if (typeof payload === 'string') this.fail({ change, payload: {} }, 'not sent', payload);
      else items.push({ change, payload });
    }
    const groups = chunk(items, spec.target === 'salesforce' && spec.groupSize ? spec.groupSize(items.length, this.p.config) : spec.batchSize);
    // Up to jobsInFlight() batches at once (from the budget; #12): a bulk request's job is followed (polled) while the next batches
    // are sent. Batches of one phase are independent of each other.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length && !this.options.shouldStop?.()) {
        const b = next++;
        await this.batch(groups[b], b, groups.length, spec);
      }
    };
    // Salesforce upserts answer synchronously: one batch after the other
    const inFlight = spec.target === 'salesforce' ? 1 : (this.p.writer.jobsInFlight?.() ?? BATCHES_IN_FLIGHT);
    await Promise.all(Array.from({ length: Math.min(Math.max(1, inFlight), groups.length) }, worker));
  }

  private async batch(batch: Item[], b: number, count: number, spec: AnyPhaseSpec<Change>): Promise<void> {
    const endpoint = spec.target === 'salesforce' && spec.endpointFor ? spec.endpointFor(batch.length) : spec.endpoint;
    const request = (i: number): string => (spec.request ? spec.request(batch[i].payload) : `${endpoint} (batch ${b + 1} of ${count}, item ${i + 1})`);
    let results: WriteResult[];
    try {
      results = await this.sendBatch(spec, batch);
    } catch (err) {
      // the writer throws only when the instance cannot be used (the sync stops), or when it could not tell
      // what happened after its own look-ups: those records are reported, never sent again from here
      if (!isOutcomeUnknown(err)) throw err;
      for (const [i, item] of batch.entries()) this.fail(item, request(i), `outcome unknown (${errorMessage(err)}); run plan again to see what was done`);
      return;
    }
    const byIndex = new Map(results.map((r) => [r.index, r]));
    for (const [i, item] of batch.entries()) {
      const r = byIndex.get(i);
      if (!r) this.fail(item, request(i), 'Zendesk reported no result for this record');
      else if (r.ok) this.ok(item, r.id ?? null, request(i), r.status === 'Found' ? (r.note ?? 'outcome unknown; found in Zendesk afterwards') : r.note);
      else this.fail(item, request(i), r.error ?? r.status ?? 'failed');
    }
  }

  private sendBatch(spec: AnyPhaseSpec<Change>, batch: Item[]): Promise<WriteResult[]> {
    const payloads = batch.map((i) => i.payload);
    const changes = batch.map((i) => i.change);
    if (spec.target !== 'salesforce') return spec.send(this.p.writer, payloads, changes);
    if (!this.p.salesforce) throw new Error(`sync "${this.name}": no Salesforce writer for its case changes`);
    return spec.send(this.p.salesforce, payloads, changes);
  }
}
