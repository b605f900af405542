// Stale-plan detection: before apply writes anything, every record the plan changes is looked up live and
// compared with the plan (DESIGN.md section 4). A change is
// - pending: Zendesk still looks as the plan saw it;
// - done: Zendesk already looks as the plan wants (an apply killed half-way and run again with the same plan);
// - stale: something changed since the plan (the apply is refused, naming each record and what changed).
import { normalizeEmail, normalizeName } from '../map/normalize.js';
import type { Config } from '../model/config.js';
import type { Change, MatchModes, OrganizationRef, Plan, UserRef } from '../model/plan.js';
import { PLAN_FORMAT_VERSION } from '../model/plan.js';
import type { TargetWriter } from '../model/ports.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import { ConfigChangedError, PlanFileError, StalePlanError } from '../util/errors.js';
import { containsTags, flatten, getPath, sameAttribute, show } from './compare.js';
import { chunk } from '../util/data.js';

export interface LiveRecords {
  organizations: ZdOrganization[];
  users: ZdUser[];
  memberships: ZdMembership[];
}

export type MatchOptions = MatchModes;

export type CheckStatus = 'pending' | 'done' | 'stale';

export interface ChangeCheck {
  change: Change;
  status: CheckStatus;
  /** stale: what changed; done: why nothing needs sending */
  reason?: string;
  /** the live record's id (done creates: the id of the record already there) */
  id?: number;
}

export interface StaleChange {
  sync: string;
  type: Change['type'];
  action: Change['action'];
  key: string;
  label: string;
  /** `organization "Acme" (id 12): notes changed since the plan: "x" -> "y"` */
  message: string;
}

/** Attributes apply adds to a create that are not the record's state (never compared). */
const WRITE_ONLY = new Set(['skip_verify_email', 'verified', 'role', 'identities', 'password']);

/** How a sync matches records: the plan says (issue 11: apply never derives it from the config). */
export function matchOptions(plan: Plan, syncName: string): MatchOptions {
  const sync = plan.syncs.find((s) => s.name === syncName);
  return sync?.match ?? { organizations: 'external_id', users: 'email' };
}

export function organizationKey(org: { name?: unknown; external_id?: unknown }, match: MatchOptions): string | null {
  if (match.organizations === 'name') return typeof org.name === 'string' && org.name.trim() ? normalizeName(org.name) : null;
  return typeof org.external_id === 'string' && org.external_id !== '' ? org.external_id : null;
}

export function userKey(user: { email?: unknown; external_id?: unknown }, match: MatchOptions): string | null {
  if (match.users === 'external_id') return typeof user.external_id === 'string' && user.external_id !== '' ? user.external_id : null;
  return normalizeEmail(user.email);
}

/** The key of a plan change's record in the form the live indexes use. */
export function changeKey(type: 'organization' | 'user', key: string, match: MatchOptions): string {
  if (type === 'organization') return match.organizations === 'name' ? normalizeName(key) : key;
  return match.users === 'email' ? key.trim().toLowerCase() : key;
}

/** Live records indexed by id and by key. */
export class LiveIndex {
  readonly orgById = new Map<number, ZdOrganization>();
  readonly orgByKey = new Map<string, ZdOrganization>();
  readonly userById = new Map<number, ZdUser>();
  readonly userByKey = new Map<string, ZdUser>();
  readonly membershipById = new Map<number, ZdMembership>();
  readonly membershipsByUser = new Map<number, ZdMembership[]>();

  constructor(
    live: LiveRecords,
    readonly match: MatchOptions,
  ) {
    for (const o of live.organizations) this.addOrganization(o);
    for (const u of live.users) this.addUser(u);
    for (const m of live.memberships) this.addMembership(m);
  }

  addOrganization(o: ZdOrganization): void {
    this.orgById.set(o.id, o);
    const k = organizationKey(o, this.match);
    if (k !== null) this.orgByKey.set(k, o);
  }

  addUser(u: ZdUser): void {
    this.userById.set(u.id, u);
    const k = userKey(u, this.match);
    if (k !== null) this.userByKey.set(k, u);
  }

  addMembership(m: ZdMembership): void {
    if (this.membershipById.has(m.id)) return;
    this.membershipById.set(m.id, m);
    const list = this.membershipsByUser.get(m.user_id) ?? [];
    list.push(m);
    this.membershipsByUser.set(m.user_id, list);
  }

  /** drops a user's memberships that match (placeholders replaced by what Zendesk says) */
  forgetMemberships(userId: number, which: (m: ZdMembership) => boolean): void {
    const list = this.membershipsByUser.get(userId) ?? [];
    for (const m of list.filter(which)) this.membershipById.delete(m.id);
    this.membershipsByUser.set(userId, list.filter((m) => !which(m)));
  }

  membership(userId: number, organizationId: number): ZdMembership | undefined {
    return (this.membershipsByUser.get(userId) ?? []).find((m) => m.organization_id === organizationId);
  }
}

/** How a message names a record: `organization "Acme" (id 12)`. */
export function describeChange(change: Change, id?: number | null): string {
  const ref = id ?? change.zendesk_id;
  const where = ref !== null && ref !== undefined ? ` (id ${ref})` : change.key !== change.label ? ` (${change.key})` : '';
  return `${change.type} ${JSON.stringify(change.label)}${where}`;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The Zendesk id of a referenced organization: its id, or the live record with its key (a record this plan
 * creates that exists already: a re-run). undefined: not known yet. */
export function orgRefId(ref: OrganizationRef | undefined, idx: LiveIndex): number | undefined {
  if (!ref) return undefined;
  return ref.id ?? idx.orgByKey.get(changeKey('organization', ref.key, idx.match))?.id;
}

export function userRefId(ref: UserRef | undefined, idx: LiveIndex): number | undefined {
  if (!ref) return undefined;
  return ref.id ?? idx.userByKey.get(changeKey('user', ref.key, idx.match))?.id;
}

/** What a create or update writes, as attribute -> value, organization_id resolved from the reference. */
function written(change: Change, idx: LiveIndex): Record<string, unknown> {
  const after = { ...(change.after ?? {}) } as Record<string, unknown>;
  if ((change.type === 'user') && change.organization) after.organization_id = orgRefId(change.organization, idx);
  return after;
}

function planned(_change: Change, _path: string, value: unknown, _idx: LiveIndex): unknown {
  return value;
}

/** Attributes of a create's `after` the live record does not have. */
function createMismatches(change: Change, live: Record<string, unknown>, idx: LiveIndex): string[] {
  const out: string[] = [];
  for (const [path, raw] of flatten(written(change, idx))) {
    if (WRITE_ONLY.has(path)) continue;
    const value = planned(change, path, raw, idx);
    if (value === undefined) continue;
    const now = getPath(live, path);
    let same = path === 'tags' ? containsTags(value, now) : sameAttribute(path, value, now);
    // a user's organization_id is its default organization, which the same plan may move (make_default):
    // a membership in the organization is what the create made
    if (!same && change.type === 'user' && path === 'organization_id' && typeof value === 'number' && typeof live.id === 'number') {
      same = idx.membership(live.id, value) !== undefined;
    }
    if (!same) out.push(`${path} ${show(value)} in the plan, ${show(now)} in Zendesk`);
  }
  return out;
}

/** Attributes whose plan `before` differs from the live record: `notes changed since the plan: "x" -> "y"`. */
function beforeMismatches(before: object | null, live: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [path, value] of flatten((before ?? {}) as Record<string, unknown>)) {
    const now = getPath(live, path);
    if (!sameAttribute(path, value, now)) out.push(`${path} changed since the plan: ${show(value)} -> ${show(now)}`);
  }
  return out;
}

/** Whether every attribute of an update's `after` already holds (the update was applied). */
function afterHolds(change: Change, live: Record<string, unknown>, idx: LiveIndex): boolean {
  const leaves = flatten(written(change, idx)).map(([p, v]) => [p, planned(change, p, v, idx)] as const);
  return leaves.length > 0 && leaves.every(([path, value]) => value !== undefined && sameAttribute(path, value, getPath(live, path)));
}

function stale(change: Change, id: number | null | undefined, reason: string): ChangeCheck {
  return { change, status: 'stale', reason: `${describeChange(change, id)}: ${reason}` };
}

function checkUpdate(change: Change, live: Record<string, unknown> | undefined, what: string, idx: LiveIndex): ChangeCheck {
  if (!live) return stale(change, change.zendesk_id, `no longer exists in Zendesk`);
  const diffs = beforeMismatches(change.before, live);
  if (diffs.length === 0) return { change, status: 'pending', id: num(live.id) ?? undefined };
  if (afterHolds(change, live, idx)) return { change, status: 'done', reason: `${what} already applied`, id: num(live.id) ?? undefined };
  return stale(change, change.zendesk_id, diffs.join('; '));
}

function endUserProblem(user: ZdUser): string | null {
  return user.role !== 'end-user' ? `is now ${user.role === 'admin' ? 'an admin' : 'an agent'}; zdsf never modifies agents or admins` : null;
}

/** Classifies each change of one sync against the live records (pure). */
export function checkChanges(changes: Change[], live: LiveRecords | LiveIndex, match: MatchOptions): ChangeCheck[] {
  const idx = live instanceof LiveIndex ? live : new LiveIndex(live, match);
  return changes.map((change) => checkChange(change, idx));
}

function checkChange(change: Change, idx: LiveIndex): ChangeCheck {
  const match = idx.match;
  if (change.type === 'organization') {
    if (change.action === 'create') {
      const existing = idx.orgByKey.get(changeKey('organization', change.key, match));
      if (!existing) return { change, status: 'pending' };
      const diffs = createMismatches(change, existing, idx);
      if (diffs.length === 0) return { change, status: 'done', reason: `already exists (id ${existing.id})`, id: existing.id };
      return stale(change, null, `would be created, but it now exists (id ${existing.id}) and differs: ${diffs.join('; ')}`);
    }
    const existing = change.zendesk_id !== null ? idx.orgById.get(change.zendesk_id) : undefined;
    if (change.action === 'update') return checkUpdate(change, existing, 'update', idx);
    if (change.action === 'delete') {
      if (!existing) return { change, status: 'done', reason: 'already deleted' };
      const diffs = beforeMismatches(change.before, existing);
      return diffs.length === 0 ? { change, status: 'pending', id: existing.id } : stale(change, change.zendesk_id, diffs.join('; '));
    }
    return { change, status: 'pending' };
  }

  if (change.type === 'user') {
    if (change.action === 'create') {
      const existing = idx.userByKey.get(changeKey('user', change.key, match));
      if (!existing) return { change, status: 'pending' };
      const role = endUserProblem(existing);
      if (role) return stale(change, existing.id, `would be created, but it now exists and ${role}`);
      const diffs = createMismatches(change, existing, idx);
      if (diffs.length === 0) return { change, status: 'done', reason: `already exists (id ${existing.id})`, id: existing.id };
      return stale(change, null, `would be created, but it now exists (id ${existing.id}) and differs: ${diffs.join('; ')}`);
    }
    if (change.action === 'update') {
      const existing = change.zendesk_id !== null ? idx.userById.get(change.zendesk_id) : undefined;
      const role = existing ? endUserProblem(existing) : null;
      if (existing && role) return stale(change, existing.id, role);
      return checkUpdate(change, existing, 'update', idx);
    }
    return { change, status: 'pending' };
  }

  // memberships: create / make_default, between `user` and `organization` (ids null where this plan creates
  // them: those of the live records with the references' keys, if any)
  const userId = userRefId(change.user, idx) ?? null;
  const orgId = orgRefId(change.organization, idx) ?? null;
  const user = userId !== null ? idx.userById.get(userId) : undefined;
  if (userId !== null) {
    if (!user) return stale(change, change.zendesk_id, `user id ${userId} no longer exists in Zendesk`);
    const role = endUserProblem(user);
    if (role) return stale(change, change.zendesk_id, `user ${JSON.stringify(user.email ?? user.name)} ${role}`);
  }
  if (orgId !== null && !idx.orgById.has(orgId)) return stale(change, change.zendesk_id, `organization id ${orgId} no longer exists in Zendesk`);
  if (change.action === 'create') {
    const existing = userId !== null && orgId !== null ? idx.membership(userId, orgId) : undefined;
    if (!existing) return { change, status: 'pending' };
    if (change.default && existing.default !== true) return stale(change, existing.id, 'the membership exists already but is not the default organization the plan makes it');
    return { change, status: 'done', reason: `membership already exists (id ${existing.id})`, id: existing.id };
  }
  const membership = idx.membershipById.get(change.zendesk_id);
  if (!membership) return stale(change, change.zendesk_id, 'the membership no longer exists in Zendesk');
  if (membership.default === true) return { change, status: 'done', reason: 'already the default organization', id: membership.id };
  // before: the user had no default organization (its organization_id is its default's)
  const diffs = beforeMismatches(change.before, { default_organization_id: user?.organization_id ?? null });
  if (diffs.length > 0) return stale(change, change.zendesk_id, diffs.join('; '));
  return { change, status: 'pending', id: membership.id };
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
  for (const c of changes) n += c.type === 'membership' ? 1 : 1 + (c.type === 'user' && c.organization ? 1 : 0) + (c.type === 'user' && c.action === 'create' ? 1 : 0);
  return n;
}

export interface LookupTargets {
  orgIds: Set<number>;
  orgKeys: Set<string>;
  userIds: Set<number>;
  userKeys: Set<string>;
  /** emails and external ids of the users the plan creates or updates, looked up whatever the match mode: an
   * agent or admin with either of them must stop the plan (the guard) */
  userEmails: Set<string>;
  userExternalIds: Set<string>;
}

/** What the stale check and the guard look up: records by id (updates, deletes, memberships), by key (creates
 * and references), and users by email and by external_id. */
export function lookupTargets(changes: Change[]): LookupTargets {
  const t: LookupTargets = { orgIds: new Set(), orgKeys: new Set(), userIds: new Set(), userKeys: new Set(), userEmails: new Set(), userExternalIds: new Set() };
  const orgRef = (ref: OrganizationRef | undefined): void => {
    if (!ref) return;
    if (ref.id !== null) t.orgIds.add(ref.id);
    else t.orgKeys.add(ref.key);
  };
  for (const c of changes) {
    if (c.type === 'organization') {
      if (c.action === 'create') t.orgKeys.add(c.key);
      else t.orgIds.add(c.zendesk_id);
    } else if (c.type === 'user') {
      if (c.action === 'create') t.userKeys.add(c.key);
      else t.userIds.add(c.zendesk_id);
      if (typeof c.after.email === 'string' && c.after.email) t.userEmails.add(c.after.email.trim().toLowerCase());
      if (typeof c.after.external_id === 'string' && c.after.external_id) t.userExternalIds.add(c.after.external_id);
      orgRef(c.organization);
    } else {
      if (c.user.id !== null) t.userIds.add(c.user.id);
      else t.userKeys.add(c.user.key);
      orgRef(c.organization);
    }
  }
  return t;
}

/**
 * Reads, through the writer's look-ups, every live record the changes concern: records by id (updates, deletes,
 * memberships), by key (creates and references), users by email and external_id, and the memberships of the
 * users concerned.
 */
export async function lookupLive(changes: Change[], writer: TargetWriter, match: MatchOptions): Promise<LiveRecords> {
  const { orgIds, orgKeys, userIds, userKeys, userEmails, userExternalIds } = lookupTargets(changes);
  const orgs = new Map<number, ZdOrganization>();
  const users = new Map<number, ZdUser>();
  for (const ids of chunk([...orgIds], 100)) for (const o of await writer.findOrganizations({ ids })) orgs.set(o.id, o);
  // with match: name, keys may be normalised names: search by the names the plan writes where it has them
  const nameOf = new Map<string, string>();
  for (const c of changes) {
    if (c.type === 'organization' && c.action === 'create' && typeof c.after.name === 'string') nameOf.set(c.key, c.after.name);
  }
  for (const keys of chunk([...orgKeys], 100)) {
    const query = match.organizations === 'name' ? { names: [...new Set(keys.flatMap((k) => [k, nameOf.get(k) ?? k]))] } : { external_ids: keys };
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
  for (const c of changes) {
    if (c.type === 'user' && c.action === 'create') {
      // a user the plan creates that exists already (a re-run): its memberships tell whether the create was ours
      const found = userIdByKey.get(changeKey('user', c.key, match));
      if (found !== undefined) memberUsers.add(found);
    }
    if (c.type !== 'membership') continue;
    const u = c.user.id ?? userIdByKey.get(changeKey('user', c.user.key, match));
    if (u !== undefined) memberUsers.add(u);
  }
  for (const ids of chunk([...memberUsers], 100)) for (const m of await writer.findMemberships({ user_ids: ids })) memberships.set(m.id, m);
  return { organizations: [...orgs.values()], users: [...users.values()], memberships: [...memberships.values()] };
}
