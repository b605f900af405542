// Stale-plan detection: before apply writes anything, every record the plan changes is looked up live and
// compared with the plan (DESIGN.md section 4). The check of each kind of change is in stale-checks.ts
// (STALE_SPECS, keyed by ChangeKind); the live records and their indexes in live.ts. This file runs them over a
// plan, reads the live records through the writer, and refuses a plan made from another config or instance.
import type { Config } from '../model/config.js';
import type { Change, Plan } from '../model/plan.js';
import { PLAN_FORMAT_VERSION } from '../model/plan.js';
import type { TargetWriter } from '../model/ports.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import { ConfigChangedError, PlanFileError, StalePlanError } from '../util/errors.js';
import { chunk } from '../util/data.js';
import { changeKey, emptyTargets, LiveIndex, userKey, type LiveRecords, type LookupTargets, type MatchOptions } from './live.js';
import { describeChange, staleSpec, type ChangeCheck } from './stale-checks.js';

export { changeKey, LiveIndex, orgRefId, organizationKey, userKey, userRefId, type LiveRecords, type LookupTargets, type MatchOptions } from './live.js';
export { describeChange, type ChangeCheck, type CheckStatus } from './stale-checks.js';

export interface StaleChange {
  sync: string;
  type: Change['type'];
  action: Change['action'];
  key: string;
  label: string;
  /** `organization "Acme" (id 12): notes changed since the plan: "x" -> "y"` */
  message: string;
}

/** How a sync matches records: the plan says (issue 11: apply never derives it from the config). */
export function matchOptions(plan: Plan, syncName: string): MatchOptions {
  const sync = plan.syncs.find((s) => s.name === syncName);
  return sync?.match ?? { organizations: 'external_id', users: 'email' };
}

/** Classifies each change of one sync against the live records (pure). A kind no plan may hold (the guard
 * refuses those before any request) is stale. */
export function checkChanges(changes: Change[], live: LiveRecords | LiveIndex, match: MatchOptions): ChangeCheck[] {
  const idx = live instanceof LiveIndex ? live : new LiveIndex(live, match);
  return changes.map((change): ChangeCheck => {
    const spec = staleSpec(change);
    if (!spec) return { change, status: 'stale', reason: `${describeChange(change)}: unknown kind of change ${JSON.stringify(`${change.type}:${change.action}`)}` };
    return spec.check(change, idx);
  });
}

/** Every stale change of a plan, given the live records of each sync (pure). Syncs without live records are skipped. */
export function findStaleChanges(plan: Plan, live: Record<string, LiveRecords>): StaleChange[] {
  const out: StaleChange[] = [];
  for (const sync of plan.syncs) {
    const records = live[sync.name];
    if (!records) continue;
    for (const check of checkChanges(sync.changes, records, sync.match)) {
      if (check.status !== 'stale') continue;
      const c = check.change;
      out.push({ sync: sync.name, type: c.type, action: c.action, key: c.key, label: c.label, message: check.reason ?? describeChange(c) });
    }
  }
  return out;
}

/** The operator's error for a stale plan, naming every record (nothing has been written). */
export function staleError(stale: StaleChange[]): StalePlanError {
  const bySync = new Map<string, StaleChange[]>();
  for (const s of stale) bySync.set(s.sync, [...(bySync.get(s.sync) ?? []), s]);
  const lines = [...bySync].flatMap(([sync, list]) => [`  sync "${sync}":`, ...list.map((s) => `    - ${s.message}`)]);
  return new StalePlanError(
    [`The plan is stale: ${stale.length} record${stale.length === 1 ? '' : 's'} changed in Zendesk since it was made. Nothing was written.`, ...lines].join('\n'),
  );
}

/** Refuses a plan made from another version of the config, or for another Zendesk instance (or not a zdsf plan). */
export function checkConfigDigest(plan: Plan, config: Config): void {
  if (!plan || typeof plan !== 'object' || plan.format_version !== PLAN_FORMAT_VERSION || !Array.isArray(plan.syncs)) {
    throw new PlanFileError(`This is not a zdsf plan (format_version "${PLAN_FORMAT_VERSION}").`);
  }
  if (plan.config_digest !== config.digest) {
    throw new ConfigChangedError(
      `${config.file} changed since the plan was made (plan ${String(plan.config_digest).slice(0, 12)}, config now ${config.digest.slice(0, 12)}). Nothing was written.`,
    );
  }
  const unknown = plan.syncs.filter((s) => !config.syncs.some((c) => c.name === s.name)).map((s) => `"${s.name}"`);
  if (unknown.length > 0) {
    throw new ConfigChangedError(`The plan names sync ${unknown.join(', ')}, which ${config.file} does not define. Nothing was written.`);
  }
  for (const s of plan.syncs) {
    const sync = config.syncs.find((c) => c.name === s.name)!;
    const instance = config.zendesk[sync.to];
    if (!s.target || s.target.name !== sync.to || !instance || s.target.url !== instance.url) {
      throw new ConfigChangedError(
        `sync "${s.name}" of the plan was made for Zendesk ${s.target ? `"${s.target.name}" (${s.target.url})` : '(unknown)'}, but ${config.file} writes it to "${sync.to}" (${instance?.url ?? 'undefined'}). Nothing was written.`,
      );
    }
  }
}

/** How many records lookupLive would look up for these changes (by id or by key). */
export function lookupSize(changes: Change[]): number {
  let n = 0;
  for (const c of changes) n += staleSpec(c)?.lookups(c) ?? 0;
  return n;
}

/** What the stale check and the guard look up: records by id (updates, deletes, memberships), by key (creates
 * and references), and users by email and by external_id. */
export function lookupTargets(changes: Change[]): LookupTargets {
  const t = emptyTargets();
  for (const c of changes) staleSpec(c)?.targets(c, t);
  return t;
}

/**
 * Reads, through the writer's look-ups, every live record the changes concern: records by id (updates, deletes,
 * memberships), by key (creates and references), users by email and external_id, and the memberships of the
 * users concerned.
 */
export async function lookupLive(changes: Change[], writer: TargetWriter, match: MatchOptions): Promise<LiveRecords> {
  const { orgIds, orgKeys, orgNames, userIds, userKeys, userEmails, userExternalIds, memberUsers: wanted, fieldResources } = lookupTargets(changes);
  const orgs = new Map<number, ZdOrganization>();
  const users = new Map<number, ZdUser>();
  for (const ids of chunk([...orgIds], 100)) for (const o of await writer.findOrganizations({ ids })) orgs.set(o.id, o);
  // with match: name, keys may be normalised names: search by the names the plan writes where it has them
  for (const keys of chunk([...orgKeys], 100)) {
    const query = match.organizations === 'name' ? { names: [...new Set(keys.flatMap((k) => [k, orgNames.get(k) ?? k]))] } : { external_ids: keys };
    for (const o of await writer.findOrganizations(query)) orgs.set(o.id, o);
  }
  const emails = new Set(userEmails);
  const externalIds = new Set(userExternalIds);
  for (const k of userKeys) (match.users === 'external_id' ? externalIds : emails).add(k);
  for (const ids of chunk([...userIds], 100)) for (const u of await writer.findUsers({ ids })) users.set(u.id, u);
  for (const keys of chunk([...externalIds], 100)) for (const u of await writer.findUsers({ external_ids: keys })) users.set(u.id, u);
  for (const keys of chunk([...emails], 100)) for (const u of await writer.findUsers({ emails: keys })) users.set(u.id, u);
  const memberships = new Map<number, ZdMembership>();
  const memberUsers = new Set<number>();
  const userIdByKey = new Map<string, number>();
  for (const u of users.values()) {
    const k = userKey(u, match);
    if (k !== null) userIdByKey.set(k, u.id);
  }
  for (const ref of wanted) {
    const found = typeof ref === 'number' ? ref : userIdByKey.get(changeKey('user', ref, match));
    if (found !== undefined) memberUsers.add(found);
  }
  for (const ids of chunk([...memberUsers], 100)) for (const m of await writer.findMemberships({ user_ids: ids })) memberships.set(m.id, m);
  const live: LiveRecords = { organizations: [...orgs.values()], users: [...users.values()], memberships: [...memberships.values()] };
  // field changes (issue 17): the definitions of each kind the plan changes, read whole (a few requests)
  for (const resource of fieldResources) {
    const defs = writer.findFields ? await writer.findFields(resource) : undefined;
    if (resource === 'organization_field') live.organizationFields = defs;
    else live.userFields = defs;
  }
  return live;
}
