// Offboarding in plan (issue 17 part 1): after reconcile, the users zdsf owns that left the sync are looked up
// in Salesforce (why they left), turned into suspend / delete / remove_tags changes by the pure core
// (src/reconcile/offboarding.ts), and those whose requested tickets keep them are listed instead (one or two
// search counts per user about to be offboarded). The permission check runs before anything is compared.
import type { Sync } from '../model/config.js';
import type { DesiredState } from '../model/desired.js';
import type { SyncPlan } from '../model/plan.js';
import type { Logger, SourceReader, TargetReader } from '../model/ports.js';
import type { Config } from '../model/config.js';
import type { TargetData } from '../model/zendesk.js';
import { orderChanges, summarize } from '../reconcile/index.js';
import { keepUsersWithTickets, offboardCandidates, offboardChanges, userTicketQuery, type PeopleStatus } from '../reconcile/offboarding.js';
import { ZendeskHttpError } from '../zendesk/transport.js';
import { ZdsfError } from '../util/errors.js';

export interface OffboardContext {
  config: Config;
  source: SourceReader;
  target: TargetReader;
  logger?: Logger;
  now: Date;
}

/**
 * Suspending and deleting users needs a Zendesk admin (Zendesk's OpenAPI: "Admins and agents in custom roles
 * with permission to manage end users"; zdsf does not read custom roles, so it requires an admin): the plan of a sync that offboards fails before anything is compared when
 * the user zdsf signs in as is not one, naming the setting and the permission.
 */
export async function checkOffboardPermission(sync: Sync, ctx: OffboardContext): Promise<void> {
  const rule = sync.users?.offboard;
  if (!rule || rule.action === 'remove_tags') return;
  const instance = ctx.config.zendesk[sync.to];
  const setting = `syncs.${sync.name}.users.offboard`;
  if (!ctx.target.currentUser) throw new ZdsfError(`${setting}: this Zendesk reader cannot tell who zdsf signs in as, so offboarding cannot check its permission`, 'config_mismatch');
  let me;
  try {
    me = await ctx.target.currentUser({ instance, logger: ctx.logger });
  } catch (err) {
    if (err instanceof ZendeskHttpError && (err.status === 401 || err.status === 403)) {
      throw new ZdsfError(`${setting} needs to know who zdsf signs in as (GET /api/v2/users/me), but Zendesk "${instance.name}" (${instance.url}) answered ${err.status}.`, 'permission');
    }
    throw err;
  }
  if (me.role !== 'admin') {
    const what = rule.action === 'delete' ? 'suspend and delete users' : 'suspend users';
    throw new ZdsfError(
      `${setting} (action: ${rule.action}) needs permission to ${what}, which zdsf requires of a Zendesk admin; zdsf signs in to "${instance.name}" (${instance.url}) as ${me.email ?? `user ${me.id}`}, ${me.role === 'agent' ? 'an agent' : `role ${me.role}`}. ` +
        `Use an admin's API token for this instance, or set ${setting}.action: remove_tags (or remove ${setting}), then plan again.`,
      'permission',
    );
  }
}

/** Adds the offboarding changes (and kept / pending warnings) of one sync to its plan. */
export async function planOffboarding(plan: SyncPlan, sync: Sync, desired: DesiredState, target: TargetData, ctx: OffboardContext): Promise<void> {
  const rule = sync.users?.offboard;
  if (!rule) return;
  const candidates = offboardCandidates(sync, target, desired);
  if (candidates.length === 0) return;
  const setting = `syncs.${sync.name}.users.offboard`;
  if (!ctx.source.lookupPeople) throw new ZdsfError(`${setting}: this Salesforce reader cannot look records up, so offboarding cannot tell why users left`, 'config_mismatch');
  const status: PeopleStatus = { live: new Set(), inactive: new Set() };
  for (const object of ['Contact', 'Lead'] as const) {
    const ids = candidates.filter((c) => c.object === object).map((c) => c.sourceId);
    if (ids.length === 0) continue;
    const found = await ctx.source.lookupPeople(
      { instance: ctx.config.salesforce[sync.from], sync, logger: ctx.logger },
      { object, ids, ...(rule.when.includes('inactive') && rule.inactive_when ? { inactive_when: rule.inactive_when } : {}) },
    );
    for (const id of found.live) status.live.add(id);
    for (const id of found.inactive) status.inactive.add(id);
  }
  const result = offboardChanges({ sync, desired, candidates, status, now: ctx.now });
  let changes = result.changes;
  const warnings = [...result.warnings];
  const query = userTicketQuery(changes, rule, ctx.now);
  if (query) {
    const instance = ctx.config.zendesk[sync.to];
    const ticketSetting = `${setting}.${rule.keep_if_open_tickets ? 'keep_if_open_tickets' : 'keep_if_ticket_within_days'}`;
    if (!ctx.target.ticketActivity) throw new ZdsfError(`${ticketSetting}: this Zendesk reader cannot read tickets, so offboarding cannot check them`, 'config_mismatch');
    let activity;
    try {
      activity = await ctx.target.ticketActivity({ instance, logger: ctx.logger, query: { organizationIds: [], ...query } });
    } catch (err) {
      if (err instanceof ZendeskHttpError && (err.status === 401 || err.status === 403)) {
        throw new ZdsfError(
          `${ticketSetting} needs to search tickets (GET /api/v2/search/count), but Zendesk "${instance.name}" (${instance.url}) answered ${err.status}: the credentials zdsf uses cannot read tickets. ` +
            `Use an admin's API token, or set ${setting}.keep_if_open_tickets: false (and no keep_if_ticket_within_days) to offboard without looking at tickets.`,
          'permission',
        );
      }
      throw err;
    }
    const kept = keepUsersWithTickets(changes, activity, rule);
    changes = kept.changes;
    warnings.push(...kept.kept);
  }
  plan.changes = orderChanges([...plan.changes, ...changes]);
  plan.warnings.push(...warnings);
  plan.summary = summarize(plan.changes);
}
