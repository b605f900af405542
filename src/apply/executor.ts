// apply: carries a saved Plan out through the Zendesk writer (DESIGN.md section 4, issues 5 and 11).
// In order: the plan must belong to the config (digest, instances); the guard checks every change against the
// config (before any request) and the live records (after the look-ups); the stale check classifies each
// change; only then is anything written, phase by phase (src/apply/phases.ts). No retries and no recovery
// here: those are the transport's and the writer's. No console: the command prints the result.
import type { Config, Sync } from '../model/config.js';
import type { Change, ChangeAction, ChangeType, Plan, SyncPlan } from '../model/plan.js';
import { silentProgress, type Progress, type SalesforceWriter, type TargetWriter } from '../model/ports.js';
import type { CaseChange } from '../model/plan.js';
import { checkCaseChanges, caseFieldsToRead, type LiveCase } from './cases.js';
import { assertCaseConfig } from '../cases/describe-check.js';
import { ConfigChangedError, ZdsfError, DeleteRefusedError, MassChangeRefusedError, PlanRefusedError, UnknownSyncError } from '../util/errors.js';
import type { AuditEntry } from './audit.js';
import { preferFullRead, type InstanceSize } from './estimate.js';
import { guardAgainstConfig, guardAgainstLive } from './guard.js';
import { offboardCount } from './offboard-apply.js';
import { countAttributeChanges, findMassChanges, type CountedType } from './mass-change.js';
import { errorMessage } from './outcome.js';
import { SyncExecutor } from './sync-executor.js';
import { checkChanges, checkConfigDigest, describeChange, LiveIndex, lookupLive, staleError, type ChangeCheck, type LiveRecords, type StaleChange } from './stale.js';

export interface ApplyOptions {
  plan: Plan;
  config: Config;
  /** the writer of the sync's Zendesk instance (may throw: that sync is reported failed, the others go on) */
  writerFor: (syncName: string) => TargetWriter;
  /** the writer of the sync's Salesforce instance, for its case changes (issue 18); absent: a plan with case changes is refused */
  salesforceWriterFor?: (syncName: string) => SalesforceWriter;
  /** deletes (retention) are refused without it */
  allowDelete?: boolean;
  /** allows more deletes than max_deletes, and more changes than max_changes */
  force?: boolean;
  /**
   * The number of organizations in the sync's Zendesk instance now, for the default max_deletes (10% of them,
   * at least 1). Default: the writer's countOrganizations(), or the live read's count. Never the plan's figure.
   */
  organizationCount?: (syncName: string) => number | Promise<number>;
  /**
   * Reads every organization, user and membership of the sync's Zendesk instance (e.g. a TargetReader's read).
   * When given, apply uses it instead of looking records up by key whenever that is cheaper.
   */
  readLive?: (syncName: string) => Promise<LiveRecords>;
  /** default 2 000 */
  fullReadThreshold?: number;
  /** apply only these syncs of the plan (default: all); the others are reported as not applied */
  syncs?: string[];
  progress?: Progress;
  audit?: (entry: AuditEntry) => void;
  now?: () => Date;
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
  /** syncs of the plan left out by --sync (nothing of theirs was sent) */
  notSelected: string[];
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

export interface Prepared {
  sync: SyncPlan;
  config: Sync;
  writer: TargetWriter;
  index: LiveIndex;
  checks: ChangeCheck[];
  requestsBefore: number;
  result: SyncApplyResult;
  /** the sync's Salesforce writer, when the plan has case changes */
  salesforce?: SalesforceWriter;
  salesforceRequestsBefore?: number;
}

/** the instance's size at plan time, when the plan recorded it */
function instanceSize(sync: SyncPlan): InstanceSize | undefined {
  const { zendesk_organization_count: organizations, zendesk_user_count: users, zendesk_membership_count: memberships } = sync;
  return organizations !== undefined && users !== undefined && memberships !== undefined ? { organizations, users, memberships } : undefined;
}

function emptyResult(name: string): SyncApplyResult {
  return { name, added: 0, changed: 0, destroyed: 0, skipped: 0, failures: [], notAttempted: 0, requests: 0 };
}

function refused(offenses: string[]): PlanRefusedError {
  return new PlanRefusedError(
    [`The plan is refused: ${offenses.length} change${offenses.length === 1 ? '' : 's'} the config or Zendesk do not allow. Nothing was written.`, ...offenses.map((o) => `  - ${o}`)].join('\n'),
    offenses,
  );
}

/** The syncs --sync selects (all by default), and those it leaves out. */
export function selectPlanSyncs(plan: Plan, names: string[] | undefined): { selected: SyncPlan[]; notSelected: string[] } {
  if (!names || names.length === 0) return { selected: plan.syncs, notSelected: [] };
  const missing = names.filter((n) => !plan.syncs.some((p) => p.name === n));
  if (missing.length > 0) {
    throw new UnknownSyncError(`The plan has no sync named ${missing.map((m) => `"${m}"`).join(', ')}; it has ${plan.syncs.map((s) => `"${s.name}"`).join(', ')}.`);
  }
  return { selected: plan.syncs.filter((p) => names.includes(p.name)), notSelected: plan.syncs.filter((p) => !names.includes(p.name)).map((p) => p.name) };
}

async function countOrganizations(options: ApplyOptions, sync: SyncPlan, writer: TargetWriter, live: LiveRecords | null): Promise<number | undefined> {
  try {
    if (options.organizationCount) return await options.organizationCount(sync.name);
    if (live) return live.organizations.length;
    return writer.countOrganizations ? await writer.countOrganizations() : undefined;
  } catch {
    return undefined;
  }
}

async function countUsers(writer: TargetWriter, live: LiveRecords | null): Promise<number | undefined> {
  try {
    if (live) return live.users.length;
    return writer.countUsers ? await writer.countUsers() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live number of records of each type the sync updates, for a percentage max_changes (a configured number
 * needs none; a type without updates is not counted). Never the plan's figure.
 */
async function liveTotals(
  options: ApplyOptions,
  sync: SyncPlan,
  changes: Change[],
  config: Sync,
  writer: TargetWriter,
  live: LiveRecords | null,
  organizations: number | undefined,
): Promise<Partial<Record<CountedType, number>>> {
  const totals: Partial<Record<CountedType, number>> = {};
  if (config.max_changes && 'count' in config.max_changes) return totals;
  const counts = countAttributeChanges(changes);
  if (counts.organization.size > 0) totals.organization = organizations ?? (await countOrganizations(options, sync, writer, live));
  if (counts.user.size > 0) totals.user = await countUsers(writer, live);
  return totals;
}

/**
 * Carries out the plan: refuses a plan of another config or instance, one the guard forbids (PlanRefusedError)
 * or a stale one (StalePlanError), nothing written; then writes each selected sync in order (organizations,
 * users, memberships and default changes, deletes last), collecting per-record failures while the rest goes on.
 * A sync that fails as a whole is reported in `errors` and the other syncs go on.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { plan, config } = options;
  checkConfigDigest(plan, config);
  const { selected, notSelected } = selectPlanSyncs(plan, options.syncs);

  // 1. what the config forbids: before any request
  const offenses: string[] = [];
  for (const sync of selected) {
    const syncConfig = config.syncs.find((c) => c.name === sync.name)!;
    offenses.push(...guardAgainstConfig({ sync, config: syncConfig, zendesk: config.zendesk[syncConfig.to] }));
  }
  if (offenses.length > 0) throw refused(offenses);

  // 2. look up and check every sync against the live records before writing anything
  const results: SyncApplyResult[] = [];
  const prepared: Prepared[] = [];
  const stale: StaleChange[] = [];
  const deleteRefusals: string[] = [];
  const massChanges: string[] = [];
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
    let live: LiveRecords;
    let index: LiveIndex;
    let count: number | undefined;
    let userCount: number | undefined;
    let totals: Partial<Record<CountedType, number>> = {};
    let pendingChanges: Change[] = [];
    // case changes are checked against Salesforce (src/apply/cases.ts), the others against Zendesk
    const caseChanges = sync.changes.filter((c): c is CaseChange => c.type === 'case');
    const zendeskChanges = caseChanges.length > 0 ? sync.changes.filter((c) => c.type !== 'case') : sync.changes;
    const zendeskSync: SyncPlan = caseChanges.length > 0 ? { ...sync, changes: zendeskChanges } : sync;
    let caseChecks: ChangeCheck[] = [];
    let salesforce: SalesforceWriter | undefined;
    try {
      salesforce = caseChanges.length > 0 ? await prepareCases(options, sync, syncConfig, config, caseChanges, (checks) => (caseChecks = checks)) : undefined;
    } catch (err) {
      // a plan for another Salesforce, or a mapping describe no longer allows: the whole apply is refused
      if (err instanceof ConfigChangedError || (err instanceof ZdsfError && err.code === 'config_invalid')) throw err;
      result.error = `could not read Salesforce "${syncConfig.from}": ${errorMessage(err)}`;
      result.notAttempted = sync.changes.length;
      continue;
    }
    for (const c of caseChecks) {
      if (c.status === 'stale') stale.push({ sync: sync.name, type: c.change.type, action: c.change.action, key: c.change.key, label: c.change.label, message: c.reason ?? describeChange(c.change) });
    }
    try {
      writer = options.writerFor(sync.name);
      const requestsBefore = writer.requestCount;
      const full = options.readLive && zendeskChanges.length > 0 && preferFullRead(zendeskChanges, instanceSize(sync), options.fullReadThreshold, sync.match);
      live = full ? await options.readLive!(sync.name) : await lookupLive(zendeskChanges, writer, sync.match);
      index = new LiveIndex(live, sync.match);
      const hasDeletes = zendeskChanges.some((c) => c.action === 'delete');
      count = hasDeletes ? await countOrganizations(options, sync, writer, full ? live : null) : undefined;
      // the base of the default max_offboard (issue 17): the live number of users, only when it is needed
      const offboard = syncConfig.users?.offboard;
      if (offboard && offboard.max_offboard === undefined && !options.force && offboardCount(zendeskChanges) > 0) userCount = await countUsers(writer, full ? live : null);
      const checks = [...checkChanges(zendeskChanges, index, sync.match), ...caseChecks];
      // max_changes counts what this apply will write: changes already done (a re-run) are not counted
      pendingChanges = checks.filter((c) => c.status === 'pending').map((c) => c.change);
      if (!options.force) totals = await liveTotals(options, sync, pendingChanges, syncConfig, writer, full ? live : null, count);
      for (const c of checks) {
        if (c.status === 'stale' && c.change.type !== 'case') stale.push({ sync: sync.name, type: c.change.type, action: c.change.action, key: c.change.key, label: c.change.label, message: c.reason ?? describeChange(c.change) });
      }
      prepared.push({ sync, config: syncConfig, writer, index, checks, requestsBefore, result, ...(salesforce ? { salesforce, salesforceRequestsBefore: salesforce.requestCount } : {}) });
    } catch (err) {
      result.error = `could not read Zendesk "${syncConfig.to}": ${errorMessage(err)}`;
      result.notAttempted = sync.changes.length;
      if (writer) result.requests = writer.requestCount;
      continue;
    }
    const verdict = guardAgainstLive({ sync: zendeskSync, config: syncConfig, live: index, organizationCount: count, userCount, allowDelete: options.allowDelete ?? false, force: options.force ?? false });
    offenses.push(...verdict.changes);
    deleteRefusals.push(...verdict.deletes);
    if (!options.force) massChanges.push(...findMassChanges({ syncName: sync.name, config: syncConfig, changes: pendingChanges, totals }).map((m) => m.message));
  }
  if (offenses.length > 0) throw refused([...offenses, ...deleteRefusals]);
  if (deleteRefusals.length > 0) throw new DeleteRefusedError(['Deletes refused. Nothing was written.', ...deleteRefusals.map((r) => `  - ${r}.`)].join('\n'));
  if (stale.length > 0) throw staleError(stale);
  // after the stale check: what an update overwrites is read from its `before`, which now matches Zendesk
  if (massChanges.length > 0) throw new MassChangeRefusedError(['Mass changes refused (max_changes). Nothing was written.', ...massChanges.map((r) => `  - ${r}.`)].join('\n'));

  // 3. write, sync by sync
  for (const p of prepared) {
    try {
      await new SyncExecutor(p, { progress: options.progress ?? silentProgress, audit: options.audit, now: options.now ?? (() => new Date()), shouldStop: options.shouldStop }).run();
    } catch (err) {
      p.result.error = errorMessage(err);
    } finally {
      p.result.requests = p.writer.requestCount - p.requestsBefore + (p.salesforce ? p.salesforce.requestCount - (p.salesforceRequestsBefore ?? 0) : 0);
    }
  }

  const failures = results.flatMap((r) => r.failures);
  const errors = results.filter((r) => r.error !== undefined).map((r) => ({ sync: r.name, message: r.error! }));
  const sum = (k: 'added' | 'changed' | 'destroyed' | 'skipped'): number => results.reduce((n, r) => n + r[k], 0);
  return {
    syncs: results,
    notSelected,
    added: sum('added'),
    changed: sum('changed'),
    destroyed: sum('destroyed'),
    skipped: sum('skipped'),
    failures,
    errors,
    ok: failures.length === 0 && errors.length === 0,
  };
}

/**
 * The Salesforce side of a sync's case changes, before anything is written: the plan must be for the configured
 * Salesforce instance, describe of Case must still allow the mapping (the live guard), and each change is
 * classified against the Cases read again by the ticket id field.
 */
async function prepareCases(options: ApplyOptions, sync: SyncPlan, syncConfig: Sync, config: Config, changes: CaseChange[], report: (checks: ChangeCheck[]) => void): Promise<SalesforceWriter> {
  const instance = config.salesforce[syncConfig.from];
  if (!sync.cases || sync.cases.salesforce.name !== syncConfig.from || sync.cases.salesforce.url !== instance.login_url) {
    throw new ConfigChangedError(
      `sync "${sync.name}" of the plan writes Cases to Salesforce ${sync.cases ? `"${sync.cases.salesforce.name}" (${sync.cases.salesforce.url})` : '(unknown)'}, but ${config.file} reads "${syncConfig.from}" (${instance?.login_url ?? 'undefined'}). Nothing was written.`,
    );
  }
  if (!options.salesforceWriterFor) throw new Error('this apply cannot write Salesforce (no Salesforce writer)');
  const writer = options.salesforceWriterFor(sync.name);
  assertCaseConfig(sync.name, syncConfig.cases!, await writer.describeCase(), syncConfig.from);
  const current = (await writer.readCasesByKeys(sync.cases.key_field, changes.map((c) => c.key), caseFieldsToRead(changes))) as LiveCase[];
  report(checkCaseChanges(changes, current));
  return writer;
}

export type { Change };
