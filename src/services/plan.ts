// plan: read both sides of every sync live, map, reconcile, estimate. Takes an options object and knows
// nothing of flags or output formats (the command renders).
import type { Config, Sync } from '../model/config.js';
import { PLAN_FORMAT_VERSION, type Plan, type Summary, type SyncPlan } from '../model/plan.js';
import { computeSeal } from '../model/seal.js';
import type { SourceData } from '../model/salesforce.js';
import type { TargetData } from '../model/zendesk.js';
import { silentProgress, type Logger, type Progress, type SourceReader, type TargetReader } from '../model/ports.js';
import { checkFieldTypes, mapSync } from '../map/index.js';
import { checkPreconditions, planSettings, reconcileSync, summarize } from '../reconcile/index.js';
import { keepOrganizationsWithTickets, ticketQuery } from '../reconcile/ticket-retention.js';
import { checkOffboardPermission, planOffboarding } from './offboard.js';
import { planFieldChanges } from '../reconcile/resources/fields.js';
import { refuseWithoutFieldPermission } from './field-permission.js';
import { ZendeskHttpError } from '../zendesk/transport.js';
import { estimateApply } from '../apply/estimate.js';
import { findMassChanges, massChangeWarning } from '../apply/mass-change.js';
import { ZdsfError } from '../util/errors.js';
import { redactText } from '../util/redact.js';
import { addCasesToPlan, caseContacts, type CasePlanOptions } from './plan-cases.js';
import type { PlanCache, PlanCacheContext } from '../state/plan-cache.js';

/** Zendesk's default per-minute limit for most plans, used to estimate when the instance did not say. */
export const DEFAULT_RATE_LIMIT = 700;

export interface PlanOptions extends CasePlanOptions {
  config: Config;
  /** only these syncs (default: all) */
  syncNames?: string[];
  reportOrphans?: boolean;
  source: SourceReader;
  target: TargetReader;
  progress?: Progress;
  logger?: Logger;
  now?: () => Date;
  /** the last plan of an unchanged world (src/state/plan-cache.ts), with a state directory */
  planCache?: PlanCache;
}

export function selectSyncs(config: Config, names?: string[]): Sync[] {
  if (!names || names.length === 0) return config.syncs;
  const unknown = names.filter((n) => !config.syncs.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new ZdsfError(
      `${config.file}: no sync named ${unknown.map((n) => `"${n}"`).join(', ')}; the syncs are ${config.syncs.map((s) => `"${s.name}"`).join(', ')}`,
      'unknown_sync',
    );
  }
  return config.syncs.filter((s) => names.includes(s.name));
}

export function addSummaries(items: Summary[]): Summary {
  return items.reduce((a, s) => ({ create: a.create + s.create, update: a.update + s.update, delete: a.delete + s.delete }), {
    create: 0,
    update: 0,
    delete: 0,
  });
}

/** Mapped Salesforce fields checked against the describes before any query: a typo is named at its sync.yaml line. */
function refuseMissingFields(sync: Sync, describe: SourceData['describe']): void {
  const problems = checkFieldTypes(sync, describe, null, null);
  if (problems.length > 0) throw new ZdsfError(`sync "${sync.name}" cannot be planned:\n  ${problems.join('\n  ')}`, 'config_mismatch');
}

async function planSync(sync: Sync, options: PlanOptions): Promise<SyncPlan> {
  // a sync of cases only (issue 18) reads no organizations, users or memberships
  if (sync.cases && !sync.organizations && !sync.users) {
    const plan: SyncPlan = { name: sync.name, from: sync.from, to: sync.to, ...planSettings(sync, options.config.zendesk[sync.to]), changes: [], warnings: [], summary: summarize([]) };
    await addCasesToPlan(plan, sync, new Map(), options);
    return plan;
  }
  const { config } = options;
  const progress = options.progress ?? silentProgress;
  const sfInstance = config.salesforce[sync.from];
  const zdInstance = config.zendesk[sync.to];
  // nothing changed since the last plan: that plan (issue 13), without loading the snapshots
  const cacheCtx: PlanCacheContext | undefined = options.planCache
    ? { sync, source: { instance: sfInstance, sync, progress, logger: options.logger }, target: { instance: zdInstance, progress, logger: options.logger }, configDigest: config.digest, reportOrphans: options.reportOrphans }
    : undefined;
  if (cacheCtx) {
    const reused = await options.planCache!.lookup(cacheCtx);
    if (reused) return reused;
  }
  // the Salesforce rows (reads[0]) are let go once map is done: at a first sync they are a large part of
  // plan's memory, and reconcile builds the changes after
  const reads: [SourceData | null, TargetData] = await Promise.all([
    options.source.read({ instance: sfInstance, sync, progress, logger: options.logger, beforeQueries: (describe) => refuseMissingFields(sync, describe) }),
    options.target.read({ instance: zdInstance, progress, logger: options.logger }),
  ]);
  const target = reads[1];
  const describe = reads[0]!.describe;

  // the field resource first (issue 17): map and reconcile read the definitions as they will be after apply
  const fields = planFieldChanges({ sync, describe, organizationFields: target.organizationFields, userFields: target.userFields });
  const schema = { ...target, organizationFields: fields.organizationFields, userFields: fields.userFields };
  const problems = [
    ...checkPreconditions(sync, zdInstance, target),
    ...fields.problems,
    ...checkFieldTypes(sync, describe, schema.organizationFields, schema.userFields),
  ];
  if (problems.length > 0) {
    throw new ZdsfError(`sync "${sync.name}" cannot be planned:\n  ${problems.join('\n  ')}`, 'config_mismatch');
  }
  if (fields.changes.length > 0) await refuseWithoutFieldPermission({ sync, instance: zdInstance, changes: fields.changes, reader: options.target, logger: options.logger });

  const offboardCtx = { config, source: options.source, target: options.target, logger: options.logger, now: (options.now ?? (() => new Date()))() };
  await checkOffboardPermission(sync, offboardCtx);

  const desired = mapSync(sync, reads[0]!, schema);
  const contacts = caseContacts(sync, reads[0]!.people);
  // Past map the Salesforce rows are not needed (reconcile reads relations, retention ids and describe): they
  // are let go here (a copy without them is kept; the reader's own arrays are not emptied)
  const rest: SourceData = { ...reads[0]!, accounts: [], people: [] };
  reads[0] = null;
  // the field resources (first in the registry) hand the field changes on: they come first in the plan
  const plan = reconcileSync({ sync, zendesk: zdInstance, desired, source: rest, target: schema, reportOrphans: options.reportOrphans, fields });
  const askedTickets = await keepForTickets(plan, sync, options);
  await planOffboarding(plan, sync, desired, target, offboardCtx);
  const rate = Math.min(target.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT, zdInstance.max_requests_per_minute ?? Infinity);
  const size = { organizations: target.organizations.length, users: target.users.length, memberships: target.memberships.length };
  const match = { organizations: sync.organizations?.match ?? 'external_id', users: sync.users?.match ?? 'email' } as const;
  plan.estimate = estimateApply(plan.changes, rate, size, match);
  plan.zendesk_organization_count = size.organizations;
  plan.zendesk_user_count = size.users;
  plan.zendesk_membership_count = size.memberships;
  // the mass-change guard apply runs (with the live counts): said now, so that the reviewer knows apply needs --force
  const mass = findMassChanges({ syncName: sync.name, config: sync, changes: plan.changes, totals: { organization: size.organizations, user: size.users } });
  plan.warnings.push(...mass.map(massChangeWarning));
  // Cases (issue 18) after the Zendesk estimate and guards: they are written to Salesforce
  await addCasesToPlan(plan, sync, contacts, options);
  if (cacheCtx) await options.planCache!.store(cacheCtx, plan, { describe, target, live: askedTickets || fields.changes.length > 0 });
  return plan;
}

/** Ticket-aware retention (issue 17): asks Zendesk about the tickets of the organizations the plan deletes and
 * keeps those the rule says to keep (listed as kept_for_tickets warnings). True when it asked Zendesk. */
async function keepForTickets(plan: SyncPlan, sync: Sync, options: PlanOptions): Promise<boolean> {
  const rule = sync.organizations?.retention;
  const query = ticketQuery(plan.changes, rule, (options.now ?? (() => new Date()))());
  if (!rule || !query) return false;
  const instance = options.config.zendesk[sync.to];
  const setting = `syncs.${sync.name}.organizations.retention.${rule.keep_if_open_tickets !== false ? 'keep_if_open_tickets' : 'keep_if_ticket_within_days'}`;
  if (!options.target.ticketActivity) throw new ZdsfError(`${setting}: this Zendesk reader cannot read tickets, so retention cannot check them`, 'config_mismatch');
  let activity;
  try {
    activity = await options.target.ticketActivity({ instance, logger: options.logger, query });
  } catch (err) {
    if (err instanceof ZendeskHttpError && (err.status === 401 || err.status === 403)) {
      throw new ZdsfError(
        `${setting} needs to search tickets (GET /api/v2/search/count), but Zendesk "${instance.name}" (${instance.url}) answered ${err.status}: the credentials zdsf uses cannot read tickets. ` +
          `Use an agent or admin with access to all tickets, or set syncs.${sync.name}.organizations.retention.keep_if_open_tickets: false (and no keep_if_ticket_within_days) to delete without looking at tickets.`,
        'permission',
      );
    }
    throw err;
  }
  const kept = keepOrganizationsWithTickets(plan.changes, activity, rule);
  plan.changes = kept.changes;
  plan.warnings.push(...kept.kept);
  plan.summary = summarize(plan.changes);
  return true;
}

/**
 * Plans every selected sync. A sync that fails (unreachable host, rejected credentials, a mapping that does not
 * fit the live schema) is reported in its SyncPlan.error and the others still plan; callers exit 1 when any did.
 */
export async function createPlan(options: PlanOptions): Promise<Plan> {
  const syncs = selectSyncs(options.config, options.syncNames);
  const results: SyncPlan[] = [];
  for (const sync of syncs) {
    try {
      results.push(await planSync(sync, options));
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      options.logger?.debug(error.stack ?? error.message);
      results.push({
        name: sync.name,
        from: sync.from,
        to: sync.to,
        ...planSettings(sync, options.config.zendesk[sync.to]),
        changes: [],
        warnings: [],
        summary: { create: 0, update: 0, delete: 0 },
        error: redactText(error.message),
      });
    }
  }
  const now = options.now ?? (() => new Date());
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    created_at: now().toISOString(),
    config_digest: options.config.digest,
    syncs: results,
    summary: addSummaries(results.map((s) => s.summary)),
  };
  return sealPlan(plan);
}

/** The plan with its seal (src/model/seal.ts), `seal` placed after config_digest. */
export function sealPlan(plan: Plan): Plan {
  const { seal: _old, syncs, summary, ...head } = plan;
  const unsealed = { ...head, syncs, summary };
  return { ...head, seal: computeSeal(unsealed as unknown as Parameters<typeof computeSeal>[0]), syncs, summary };
}

export function planFailed(plan: Plan): boolean {
  return plan.syncs.some((s) => s.error !== undefined);
}

export function planHasChanges(plan: Plan): boolean {
  return plan.summary.create + plan.summary.update + plan.summary.delete > 0;
}
