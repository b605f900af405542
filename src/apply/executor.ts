// apply: carries a saved Plan out through the Zendesk writer (DESIGN.md section 4, issue 5).
// No I/O of its own besides the writer; no console: the command prints the result.
import type { Config, Sync } from '../model/config.js';
import type { Change, ChangeAction, ChangeType, Plan, SyncPlan } from '../model/plan.js';
import { silentProgress, type Progress, type TargetWriter, type WriteResult } from '../model/ports.js';
import { ZdsfError } from '../util/errors.js';
import type { AuditEntry } from './audit.js';
import { expand } from './compare.js';
import { BULK_SIZE, preferFullRead, type InstanceSize } from './estimate.js';
import { orderChanges, type PhaseName } from './order.js';
import { errorMessage, isOutcomeUnknown } from './outcome.js';
import {
  changeKey,
  checkChanges,
  checkConfigDigest,
  describeChange,
  LiveIndex,
  lookupLive,
  matchOptions,
  staleError,
  type ChangeCheck,
  type LiveRecords,
  type MatchOptions,
  type StaleChange,
} from './stale.js';
import { chunk } from '../util/data.js';

export interface ApplyOptions {
  plan: Plan;
  config: Config;
  /** the writer of the sync's Zendesk instance (may throw: that sync is reported failed, the others go on) */
  writerFor: (syncName: string) => TargetWriter;
  /** deletes (retention) are refused without it */
  allowDelete?: boolean;
  /** allows more deletes than max_deletes */
  force?: boolean;
  /**
   * The number of organizations in the sync's Zendesk instance, for the default max_deletes (10% of them, at
   * least 1). Without it (or when it throws), the plan's `zendesk_organization_count`; without both, deletes need
   * `retention.max_deletes` in the config or `force`.
   */
  organizationCount?: (syncName: string) => number | Promise<number>;
  /**
   * Reads every organization, user and membership of the sync's Zendesk instance (e.g. a TargetReader's read).
   * When given, apply uses it instead of looking records up by key whenever a plan has more than
   * `fullReadThreshold` records to look up: one paged read is cheaper than a search per email.
   */
  readLive?: (syncName: string) => Promise<LiveRecords>;
  /** default 2 000 */
  fullReadThreshold?: number;
  /** apply only these syncs of the plan (default: all) */
  syncs?: string[];
  progress?: Progress;
  audit?: (entry: AuditEntry) => void;
  now?: () => Date;
  /** attempts at a batch whose outcome is unknown (looked up between attempts); default 3 */
  maxAttempts?: number;
  /** an interrupt (SIGINT/SIGTERM): once true, no new batch is sent; batches in flight finish */
  shouldStop?: () => boolean;
}

export interface ApplyFailure {
  sync: string;
  type: ChangeType;
  action: ChangeAction;
  key: string;
  label: string;
  zendesk_id: number | null;
  /** the request that carried the record, e.g. `POST /api/v2/organizations/create_many (batch 2 of 3, item 17)`, or `not sent` */
  request: string;
  /** Zendesk's reason, or why apply did not send it */
  reason: string;
}

export interface SyncApplyResult {
  name: string;
  added: number;
  changed: number;
  destroyed: number;
  /** changes already carried out (a re-run), sent nothing */
  skipped: number;
  failures: ApplyFailure[];
  /** changes never attempted because the sync stopped (see error) */
  notAttempted: number;
  /** the sync could not be applied (unreachable, not planned ...): the other syncs went on */
  error?: string;
  /** requests the writer sent for this sync (look-ups included) */
  requests: number;
}

export interface ApplyResult {
  syncs: SyncApplyResult[];
  added: number;
  changed: number;
  destroyed: number;
  skipped: number;
  failures: ApplyFailure[];
  /** syncs that failed as a whole */
  errors: { sync: string; message: string }[];
  /** no failure and no sync error */
  ok: boolean;
}

interface Prepared {
  sync: SyncPlan;
  config: Sync;
  writer: TargetWriter;
  match: MatchOptions;
  index: LiveIndex;
  checks: ChangeCheck[];
  requestsBefore: number;
  result: SyncApplyResult;
}

/** the instance's size at plan time, when the plan recorded it */
function instanceSize(sync: SyncPlan): InstanceSize | undefined {
  const { zendesk_organization_count: organizations, zendesk_user_count: users, zendesk_membership_count: memberships } = sync;
  return organizations !== undefined && users !== undefined && memberships !== undefined ? { organizations, users, memberships } : undefined;
}

function emptyResult(name: string): SyncApplyResult {
  return { name, added: 0, changed: 0, destroyed: 0, skipped: 0, failures: [], notAttempted: 0, requests: 0 };
}

const s = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Carries out the plan: checks the config digest, looks every concerned record up and refuses a stale plan
 * (ZdsfError 'stale_plan', nothing written), applies the delete guardrails (ZdsfError 'delete_refused'), then
 * writes each sync in order (organizations, users, memberships and default changes, deletes last), 100 records a
 * request, collecting per-record failures while the rest goes on. A sync that fails as a whole is reported in
 * `errors` and the other syncs go on.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { plan, config } = options;
  checkConfigDigest(plan, config);
  const selected = options.syncs ? plan.syncs.filter((p) => options.syncs!.includes(p.name)) : plan.syncs;
  if (options.syncs) {
    const missing = options.syncs.filter((n) => !plan.syncs.some((p) => p.name === n));
    if (missing.length > 0) throw new ZdsfError(`The plan has no sync named ${missing.map((m) => `"${m}"`).join(', ')}.`, 'sync_unknown');
  }

  // 1. look up and check every sync before writing anything
  const results: SyncApplyResult[] = [];
  const prepared: Prepared[] = [];
  const stale: StaleChange[] = [];
  for (const sync of selected) {
    const result = emptyResult(sync.name);
    results.push(result);
    if (sync.error) {
      result.error = `not planned: ${sync.error}`;
      continue;
    }
    if (sync.changes.length === 0) continue;
    const syncConfig = config.syncs.find((c) => c.name === sync.name)!;
    let writer: TargetWriter | undefined;
    try {
      writer = options.writerFor(sync.name);
      const requestsBefore = writer.requestCount;
      const match = matchOptions(config, sync.name);
      const live =
        options.readLive && preferFullRead(sync.changes, instanceSize(sync), options.fullReadThreshold, match)
          ? await options.readLive(sync.name)
          : await lookupLive(sync.changes, writer, match);
      const index = new LiveIndex(live, match);
      const checks = checkChanges(sync.changes, index, match);
      for (const c of checks) {
        if (c.status === 'stale') stale.push({ sync: sync.name, type: c.change.type, action: c.change.action, key: c.change.key, label: c.change.label, message: c.reason ?? describeChange(c.change) });
      }
      prepared.push({ sync, config: syncConfig, writer, match, index, checks, requestsBefore, result });
    } catch (err) {
      if (err instanceof ZdsfError && err.code === 'stale_plan') throw err;
      result.error = `could not read Zendesk "${syncConfig.to}": ${errorMessage(err)}`;
      result.notAttempted = sync.changes.length;
      if (writer) result.requests = writer.requestCount;
    }
  }
  if (stale.length > 0) throw staleError(stale);

  // 2. guardrails
  const refusals: string[] = [];
  for (const p of prepared) {
    const deletes = p.checks.filter((c) => c.change.type === 'organization' && c.change.action === 'delete' && c.status === 'pending');
    if (deletes.length === 0) continue;
    const what = `sync "${p.sync.name}" would delete ${s(deletes.length, 'organization')} (${deletes
      .slice(0, 5)
      .map((d) => JSON.stringify(d.change.label))
      .join(', ')}${deletes.length > 5 ? ', ...' : ''})`;
    if (!options.allowDelete) {
      refusals.push(`${what}: deletes need --allow-delete.`);
      continue;
    }
    if (options.force) continue;
    const configured = p.config.organizations?.retention?.max_deletes;
    let max: number | undefined = configured;
    let basis = `retention.max_deletes is ${configured}`;
    if (max === undefined) {
      // the count from the caller, else the one the plan recorded
      let count: number | undefined;
      try {
        count = options.organizationCount ? await options.organizationCount(p.sync.name) : undefined;
      } catch {
        count = undefined;
      }
      count ??= p.sync.zendesk_organization_count;
      if (typeof count === 'number' && Number.isFinite(count) && count >= 0) {
        max = Math.max(1, Math.floor(count / 10));
        basis = `the default limit is 10% of the ${s(count, 'organization')} in Zendesk "${p.config.to}", ${max}`;
      }
    }
    if (max === undefined) {
      refusals.push(
        `${what}, but the number of organizations in Zendesk "${p.config.to}" is unknown, so the default limit (10% of them) cannot be checked: set syncs.${p.sync.name}.organizations.retention.max_deletes or pass --force.`,
      );
    } else if (deletes.length > max) {
      refusals.push(`${what}, more than max_deletes (${basis}): raise syncs.${p.sync.name}.organizations.retention.max_deletes or pass --force.`);
    }
  }
  if (refusals.length > 0) {
    throw new ZdsfError([`Deletes refused. Nothing was written.`, ...refusals.map((r) => `  - ${r}`)].join('\n'), 'delete_refused');
  }

  // 3. write, sync by sync
  for (const p of prepared) {
    try {
      await new SyncExecutor(p, options).run();
    } catch (err) {
      p.result.error = errorMessage(err);
    } finally {
      p.result.requests = p.writer.requestCount - p.requestsBefore;
    }
  }

  const failures = results.flatMap((r) => r.failures);
  const errors = results.filter((r) => r.error !== undefined).map((r) => ({ sync: r.name, message: r.error! }));
  return {
    syncs: results,
    added: results.reduce((n, r) => n + r.added, 0),
    changed: results.reduce((n, r) => n + r.changed, 0),
    destroyed: results.reduce((n, r) => n + r.destroyed, 0),
    skipped: results.reduce((n, r) => n + r.skipped, 0),
    failures,
    errors,
    ok: failures.length === 0 && errors.length === 0,
  };
}

interface Item {
  change: Change;
  payload: Record<string, unknown>;
}

interface PhaseSpec {
  endpoint: string;
  batchSize: number;
  send: (payloads: Record<string, unknown>[]) => Promise<WriteResult[]>;
  /** which items are already carried out in Zendesk (item -> id, null when there is none, e.g. deleted) */
  recover?: (items: Item[]) => Promise<Map<Item, number | null>>;
  /** a per-record error after which `recover` is asked (duplicate on create, not found on delete) */
  recoverWhen?: RegExp;
  /** safe to send again after an unknown outcome (updates, make_default) */
  resend: boolean;
  /** status: Zendesk's (Created, Updated ...), or 'Found' when the record was looked up after an unknown outcome */
  onOk?: (item: Item, id: number | null, status?: string) => void;
}

/** batches of one phase sent and followed at the same time (Zendesk queues up to 30 jobs per account) */
const BATCHES_IN_FLIGHT = 4;

const DUPLICATE = /taken|duplicate|already (exists|a member|been)/i;
const NOT_FOUND = /not ?found|404/i;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}


class SyncExecutor {
  private readonly orgIds = new Map<string, number>();
  private readonly userIds = new Map<string, number>();
  /** `${type}:${key}` -> why its create failed */
  private readonly failed = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  /** users created by this apply -> the organization_id they were created with */
  private readonly newUsers = new Map<number, number | null>();
  private readonly result: SyncApplyResult;
  private readonly writer: TargetWriter;
  private readonly progress: Progress;
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private remaining = 0;

  constructor(
    private readonly p: Prepared,
    private readonly options: ApplyOptions,
  ) {
    this.result = p.result;
    this.writer = p.writer;
    this.progress = options.progress ?? silentProgress;
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    for (const [k, o] of p.index.orgByKey) this.orgIds.set(k, o.id);
    for (const [k, u] of p.index.userByKey) this.userIds.set(k, u.id);
  }

  private get name(): string {
    return this.p.sync.name;
  }

  async run(): Promise<void> {
    const pending: Change[] = [];
    for (const check of this.p.checks) {
      const c = check.change;
      if (c.type === 'organization' || c.type === 'user') this.labels.set(`${c.type}:${changeKey(c.type, c.key, this.p.match)}`, c.label);
      if (check.status === 'done') {
        if (c.action === 'create' && check.id !== undefined && (c.type === 'organization' || c.type === 'user')) {
          (c.type === 'organization' ? this.orgIds : this.userIds).set(changeKey(c.type, c.key, this.p.match), check.id);
        }
        this.result.skipped += 1;
        this.audit(c, 'skipped', { id: check.id ?? c.zendesk_id, after: c.after, note: check.reason });
      } else pending.push(c);
    }
    const { phases, unsupported } = orderChanges(pending);
    this.remaining = pending.length;
    this.progress.start(`Applying ${this.name}`, pending.length);
    for (const c of unsupported) this.fail({ change: c, payload: {} }, 'not sent', `apply cannot ${c.action} a ${c.type}`);
    try {
      for (const phase of phases) if (!this.options.shouldStop?.()) await this.runPhase(phase.name, phase.changes);
    } finally {
      this.result.notAttempted = this.remaining;
      const r = this.result;
      this.progress.done(
        `${this.name}: ${r.added} added, ${r.changed} changed, ${r.destroyed} destroyed` +
          (r.skipped ? `, ${r.skipped} already done` : '') +
          (r.failures.length ? `, ${s(r.failures.length, 'failure')}` : '') +
          (this.remaining ? `, ${this.remaining} not attempted` : ''),
      );
    }
  }

  // ---- outcomes ----

  private audit(
    change: Change,
    outcome: AuditEntry['outcome'],
    extra: { id?: number | null; after?: Record<string, unknown> | null; request?: string; error?: string; note?: string },
  ): void {
    this.options.audit?.({
      time: this.now().toISOString(),
      sync: this.name,
      type: change.type,
      action: change.action,
      key: change.key,
      zendesk_id: extra.id ?? change.zendesk_id,
      label: change.label,
      before: change.before,
      after: extra.after ?? null,
      outcome,
      ...(extra.request ? { request: extra.request } : {}),
      ...(extra.error ? { error: extra.error } : {}),
      ...(extra.note ? { note: extra.note } : {}),
    });
  }

  private ok(item: Item, id: number | null, request: string, note?: string): void {
    const c = item.change;
    if (c.action === 'create') this.result.added += 1;
    else if (c.action === 'delete') this.result.destroyed += 1;
    else this.result.changed += 1;
    this.remaining -= 1;
    this.audit(c, 'ok', { id: id ?? c.zendesk_id, after: c.action === 'delete' ? null : item.payload, request, note });
    this.progress.tick(1);
  }

  private skip(item: Item, reason: string): void {
    this.result.skipped += 1;
    this.remaining -= 1;
    this.audit(item.change, 'skipped', { after: item.payload, note: reason });
    this.progress.tick(1);
  }

  private fail(item: Item, request: string, reason: string): void {
    const c = item.change;
    this.result.failures.push({ sync: this.name, type: c.type, action: c.action, key: c.key, label: c.label, zendesk_id: c.zendesk_id, request, reason });
    if (c.action === 'create' && (c.type === 'organization' || c.type === 'user')) this.failed.set(`${c.type}:${changeKey(c.type, c.key, this.p.match)}`, reason);
    this.remaining -= 1;
    this.audit(c, 'failed', { after: item.payload, request, error: reason });
    this.progress.tick(1);
  }

  // ---- refs ----

  /** the id of an organization / user by key, or why there is none */
  private resolve(type: 'organization' | 'user', key: string): number | string {
    const k = changeKey(type, key, this.p.match);
    const id = (type === 'organization' ? this.orgIds : this.userIds).get(k);
    if (id !== undefined) return id;
    const label = this.labels.get(`${type}:${k}`) ?? key;
    const failed = this.failed.get(`${type}:${k}`);
    if (failed !== undefined) return `${type} ${JSON.stringify(label)} was not created: ${failed}`;
    return `${type} ${JSON.stringify(label)} does not exist in Zendesk and this plan does not create it`;
  }

  // ---- phases ----

  private async runPhase(phase: PhaseName, changes: Change[]): Promise<void> {
    const w = this.writer;
    const match = this.p.match;
    const items: Item[] = [];
    const notSent = (c: Change, reason: string): void => this.fail({ change: c, payload: c.after ?? {} }, 'not sent', reason);

    switch (phase) {
      case 'organization:create': {
        for (const c of changes) items.push({ change: c, payload: expand(c.after ?? {}) });
        return this.batches(items, {
          endpoint: 'POST /api/v2/organizations/create_many',
          batchSize: BULK_SIZE,
          send: (payloads) => w.createOrganizations(payloads),
          resend: false,
          recoverWhen: DUPLICATE,
          recover: async (list) => {
            const keys = list.map((i) => i.change.key);
            const names = [...new Set(list.flatMap((i) => [i.change.key, typeof i.payload.name === 'string' ? i.payload.name : i.change.key]))];
            const found = await w.findOrganizations(match.organizations === 'name' ? { names } : { external_ids: keys });
            const byKey = new Map<string, number>();
            for (const o of found) {
              const k = match.organizations === 'name' ? changeKey('organization', o.name, match) : o.external_id;
              if (k) byKey.set(k, o.id);
            }
            return new Map(list.flatMap((i) => {
              const id = byKey.get(changeKey('organization', i.change.key, match));
              return id === undefined ? [] : [[i, id] as [Item, number]];
            }));
          },
          onOk: (i, id) => {
            if (id !== null) this.orgIds.set(changeKey('organization', i.change.key, match), id);
          },
        });
      }

      case 'organization:update': {
        for (const c of changes) {
          if (c.zendesk_id === null) notSent(c, 'the plan gives no Zendesk id for this organization');
          else items.push({ change: c, payload: { ...expand(c.after ?? {}), id: c.zendesk_id } });
        }
        return this.batches(items, {
          endpoint: 'PUT /api/v2/organizations/update_many',
          batchSize: BULK_SIZE,
          send: (payloads) => w.updateOrganizations(payloads as (Record<string, unknown> & { id: number })[]),
          resend: true,
        });
      }

      case 'user:create':
      case 'user:update': {
        const multi = this.options.config.zendesk[this.p.config.to]?.multiple_organizations ?? false;
        const verify = this.p.config.users?.verify_email ?? false;
        for (const c of changes) {
          const payload = expand(c.after ?? {});
          delete payload.role; // never change a role: zdsf writes end-users only, and never promotes or demotes
          if (phase === 'user:update') {
            if (c.zendesk_id === null) {
              notSent(c, 'the plan gives no Zendesk id for this user');
              continue;
            }
            const live = this.p.index.userById.get(c.zendesk_id);
            if (live && live.role !== 'end-user') {
              notSent(c, `the user is ${live.role === 'admin' ? 'an admin' : 'an agent'}; zdsf never modifies agents or admins`);
              continue;
            }
            if (multi && 'organization_id' in payload) {
              notSent(c, `writing organization_id would replace all of the user's memberships (Zendesk "${this.p.config.to}" has multiple organizations on): the plan should make the membership the default instead`);
              continue;
            }
            payload.id = c.zendesk_id;
          } else if (!verify) {
            payload.skip_verify_email ??= true;
            payload.verified ??= true;
          }
          if (c.refs?.organization && num(payload.organization_id) === null) {
            const id = this.resolve('organization', c.refs.organization);
            if (typeof id === 'string') {
              notSent(c, id);
              continue;
            }
            payload.organization_id = id;
          }
          items.push({ change: c, payload });
        }
        if (phase === 'user:update') {
          return this.batches(items, {
            endpoint: 'PUT /api/v2/users/update_many',
            batchSize: BULK_SIZE,
            send: (payloads) => w.updateUsers(payloads as (Record<string, unknown> & { id: number })[]),
            resend: true,
          });
        }
        return this.batches(items, {
          endpoint: 'POST /api/v2/users/create_or_update_many',
          batchSize: BULK_SIZE,
          send: (payloads) => w.upsertUsers(payloads),
          resend: false,
          recoverWhen: DUPLICATE,
          recover: async (list) => {
            const keys = list.map((i) => i.change.key);
            const found = await w.findUsers(match.users === 'external_id' ? { external_ids: keys } : { emails: keys });
            const byKey = new Map<string, number>();
            for (const u of found) {
              const k = match.users === 'external_id' ? u.external_id : (u.email ?? '').trim().toLowerCase();
              if (k && u.role === 'end-user') byKey.set(k, u.id);
            }
            return new Map(list.flatMap((i) => {
              const id = byKey.get(changeKey('user', i.change.key, match));
              return id === undefined ? [] : [[i, id] as [Item, number]];
            }));
          },
          onOk: (i, id, status) => {
            if (id === null) return;
            this.userIds.set(changeKey('user', i.change.key, match), id);
            // a new user's only membership is the one its organization_id made (Zendesk makes it the default)
            if (!/updated/i.test(status ?? '')) this.newUsers.set(id, num(i.payload.organization_id));
          },
        });
      }

      case 'membership:create':
      case 'membership:make_default': {
        const resolved: { change: Change; user: number; org: number; fromRef: boolean }[] = [];
        for (const c of changes) {
          let user: number | string | null = num(c.after?.user_id);
          let org: number | string | null = num(c.after?.organization_id);
          const fromRef = user === null;
          if (user === null) user = c.refs?.user ? this.resolve('user', c.refs.user) : 'the plan gives neither the user id nor the user it creates';
          if (org === null) org = c.refs?.organization ? this.resolve('organization', c.refs.organization) : 'the plan gives neither the organization id nor the organization it creates';
          if (typeof user === 'string') notSent(c, user);
          else if (typeof org === 'string') notSent(c, org);
          else {
            const live = this.p.index.userById.get(user);
            if (live && live.role !== 'end-user') notSent(c, `the user is ${live.role === 'admin' ? 'an admin' : 'an agent'}; zdsf never modifies agents or admins`);
            else resolved.push({ change: c, user, org, fromRef });
          }
        }
        // users created (or found) during this apply: their memberships were not looked up before
        // users created (or found) during this apply: their memberships were not looked up before; a user this
        // apply created has only the membership of its organization_id, known without asking (id unknown: 0)
        for (const r of resolved) {
          const org = this.newUsers.get(r.user);
          if (org !== undefined && org !== null && !this.p.index.membership(r.user, org)) {
            this.p.index.addMembership({ id: -r.user, user_id: r.user, organization_id: org, default: true });
          }
        }
        const unknownUsers = [
          ...new Set(
            resolved
              .filter((r) => {
                const known = this.p.index.membership(r.user, r.org);
                if (phase === 'membership:make_default') return r.change.zendesk_id === null && (!known || known.id <= 0);
                return r.fromRef && !this.newUsers.has(r.user);
              })
              .map((r) => r.user),
          ),
        ];
        for (const ids of chunk(unknownUsers, BULK_SIZE)) {
          const found = await w.findMemberships({ user_ids: ids });
          for (const u of ids) this.p.index.forgetMemberships(u, (m) => m.id <= 0);
          for (const m of found) this.p.index.addMembership(m);
        }

        if (phase === 'membership:create') {
          for (const r of resolved) {
            const payload = { user_id: r.user, organization_id: r.org };
            const existing = this.p.index.membership(r.user, r.org);
            if (existing) {
              const why = existing.id > 0 ? `membership already exists (id ${existing.id})` : 'the user was created with this organization, which made the membership';
              this.skip({ change: r.change, payload }, why);
            }
            else items.push({ change: r.change, payload });
          }
          return this.batches(items, {
            endpoint: 'POST /api/v2/organization_memberships/create_many',
            batchSize: BULK_SIZE,
            send: (payloads) => w.createMemberships(payloads as { user_id: number; organization_id: number }[]),
            resend: false,
            recoverWhen: DUPLICATE,
            recover: async (list) => {
              const found = await w.findMemberships({ user_ids: [...new Set(list.map((i) => i.payload.user_id as number))] });
              for (const m of found) this.p.index.addMembership(m);
              return new Map(list.flatMap((i) => {
                const m = this.p.index.membership(i.payload.user_id as number, i.payload.organization_id as number);
                return m ? [[i, m.id] as [Item, number]] : [];
              }));
            },
            onOk: (i, id) => {
              if (id !== null) this.p.index.addMembership({ id, user_id: i.payload.user_id as number, organization_id: i.payload.organization_id as number, default: null });
            },
          });
        }

        for (const r of resolved) {
          const membership = (r.change.zendesk_id !== null ? this.p.index.membershipById.get(r.change.zendesk_id) : undefined) ?? this.p.index.membership(r.user, r.org);
          const membershipId = r.change.zendesk_id ?? membership?.id ?? null;
          const payload = { user_id: r.user, organization_id: r.org, membership_id: membershipId };
          if (membershipId === null) notSent(r.change, `the user has no membership in the organization (id ${r.org}) to make the default`);
          else if (membership?.default === true) this.skip({ change: r.change, payload }, 'already the default organization');
          else items.push({ change: r.change, payload });
        }
        return this.batches(items, {
          endpoint: 'PUT /api/v2/users/{user_id}/organization_memberships/{id}/make_default',
          batchSize: 1,
          send: async (payloads) => {
            const p = payloads[0];
            const r = await w.makeDefaultMembership(p.user_id as number, p.membership_id as number);
            return [{ ...r, index: 0, id: r.id ?? (p.membership_id as number) }];
          },
          resend: true,
        });
      }

      case 'organization:delete': {
        for (const c of changes) {
          if (c.zendesk_id === null) notSent(c, 'the plan gives no Zendesk id for this organization');
          else items.push({ change: c, payload: { id: c.zendesk_id } });
        }
        return this.batches(items, {
          endpoint: 'DELETE /api/v2/organizations/destroy_many',
          batchSize: BULK_SIZE,
          send: (payloads) => w.deleteOrganizations(payloads.map((p) => p.id as number)),
          resend: false,
          recoverWhen: NOT_FOUND,
          recover: async (list) => {
            const still = new Set((await w.findOrganizations({ ids: list.map((i) => i.payload.id as number) })).map((o) => o.id));
            return new Map(list.filter((i) => !still.has(i.payload.id as number)).map((i) => [i, null] as [Item, null]));
          },
        });
      }
    }
  }

  /** Sends items in batches; unknown outcomes are looked up (or re-sent where safe), never blindly re-created. */
  private async batches(items: Item[], spec: PhaseSpec): Promise<void> {
    const groups = chunk(items, spec.batchSize);
    // Up to BATCHES_IN_FLIGHT batches at once: a bulk request's job is followed (polled) while the next batches
    // are sent, instead of waiting out each job in turn. Batches of one phase are independent of each other.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length && !this.options.shouldStop?.()) {
        const b = next++;
        await this.batch(groups[b], b, groups.length, spec);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, groups.length) }, worker));
  }

  private async batch(batch: Item[], b: number, count: number, spec: PhaseSpec): Promise<void> {
    const request = (i?: number): string =>
      spec.batchSize === 1
        ? spec.endpoint.replace('{user_id}', String(batch[0].payload.user_id)).replace('{id}', String(batch[0].payload.membership_id))
        : `${spec.endpoint} (batch ${b + 1} of ${count}${i !== undefined ? `, item ${i + 1}` : ''})`;
    let pending = batch;
    let lastError = '';
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      let results: WriteResult[];
      try {
        results = await spec.send(pending.map((i) => i.payload));
      } catch (err) {
        if (!isOutcomeUnknown(err)) throw err;
        lastError = errorMessage(err);
        if (spec.recover) {
          const found = await spec.recover(pending);
          for (const [item, id] of found) this.ok(item, id, request(batch.indexOf(item)), `outcome unknown (${lastError}); found in Zendesk afterwards`);
          for (const [item, id] of found) spec.onOk?.(item, id, 'Found');
          pending = pending.filter((i) => !found.has(i));
        } else if (!spec.resend) break;
        continue;
      }
      const byIndex = new Map(results.map((r) => [r.index, r]));
      const retryLookup: [Item, string, boolean][] = [];
      const resend: Item[] = [];
      for (const [i, item] of pending.entries()) {
        const r = byIndex.get(i);
        const req = request(batch.indexOf(item));
        if (!r) this.fail(item, req, 'Zendesk reported no result for this record');
        else if (r.ok) {
          this.ok(item, r.id ?? null, req);
          spec.onOk?.(item, r.id ?? null, r.status);
        } else {
          const reason = r.error ?? r.status ?? 'failed';
          // the writer could not tell (it already looked once): look again by key, never send again
          if (spec.recover && (r.status === 'OutcomeUnknown' || spec.recoverWhen?.test(reason))) retryLookup.push([item, reason, r.status === 'OutcomeUnknown']);
          else this.fail(item, req, reason);
        }
      }
      if (retryLookup.length > 0) {
        const found = await spec.recover!(retryLookup.map(([i]) => i));
        for (const [item, reason, unknown] of retryLookup) {
          const req = request(batch.indexOf(item));
          if (found.has(item)) {
            const id = found.get(item)!;
            this.ok(item, id, req, `Zendesk answered "${reason}"; the record is there as planned`);
            spec.onOk?.(item, id, 'Found');
          } else if (unknown && attempt < this.maxAttempts) {
            // an unknown outcome (5xx, reset) and looked up twice without being found: not carried out, send it again
            // (issue 14: under injected faults a run must converge); a duplicate would be refused by Zendesk as taken
            lastError = reason;
            resend.push(item);
          } else this.fail(item, req, reason);
        }
      }
      pending = resend;
    }
    const why = spec.recover ? 'not found in Zendesk, so not sent again' : 'run plan again to see what was done';
    for (const item of pending) this.fail(item, request(batch.indexOf(item)), `outcome unknown after ${s(this.maxAttempts, 'attempt')} (${lastError}); ${why}`);
  }
}
