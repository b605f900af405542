// Stale-plan detection: before apply writes anything, every record the plan changes is looked up live and
// compared with the plan (DESIGN.md section 4). A change is
// - pending: Zendesk still looks as the plan saw it;
// - done: Zendesk already looks as the plan wants (an apply killed half-way and run again with the same plan);
// - stale: something changed since the plan (the apply is refused, naming each record and what changed).
import { normalizeEmail, normalizeName } from '../map/normalize.js';
import type { Config } from '../model/config.js';
import type { Change, Plan } from '../model/plan.js';
import type { TargetWriter } from '../model/ports.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import { ZdsfError } from '../util/errors.js';
import { containsTags, flatten, getPath, sameAttribute, show } from './compare.js';
import { chunk } from '../util/data.js';

export interface LiveRecords {
  organizations: ZdOrganization[];
  users: ZdUser[];
  memberships: ZdMembership[];
}

export interface MatchOptions {
  organizations: 'external_id' | 'name';
  users: 'email' | 'external_id';
}

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

/** How a sync matches records (from the config; external_id / email by default). */
export function matchOptions(config: Config | undefined, syncName: string): MatchOptions {
  const sync = config?.syncs.find((s) => s.name === syncName);
  return { organizations: sync?.organizations?.match ?? 'external_id', users: sync?.users?.match ?? 'email' };
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

/**
 * The plan's value of an attribute, with ids the plan could not know (null + refs: records this plan creates)
 * taken from the live records of the refs' keys. undefined: not known (the referenced record does not exist yet).
 */
function planned(change: Change, path: string, value: unknown, idx: LiveIndex): unknown {
  if (value !== null) return value;
  if (path === 'organization_id' && change.refs?.organization) return idx.orgByKey.get(changeKey('organization', change.refs.organization, idx.match))?.id;
  if (path === 'user_id' && change.refs?.user) return idx.userByKey.get(changeKey('user', change.refs.user, idx.match))?.id;
  return value;
}

/** Attributes of a create's `after` the live record does not have. */
function createMismatches(change: Change, live: Record<string, unknown>, idx: LiveIndex): string[] {
  const out: string[] = [];
  for (const [path, raw] of flatten(change.after ?? {})) {
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
function beforeMismatches(before: Record<string, unknown> | null, live: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [path, value] of flatten(before ?? {})) {
    const now = getPath(live, path);
    if (!sameAttribute(path, value, now)) out.push(`${path} changed since the plan: ${show(value)} -> ${show(now)}`);
  }
  return out;
}

/** Whether every attribute of an update's `after` already holds (the update was applied). */
function afterHolds(change: Change, live: Record<string, unknown>, idx: LiveIndex): boolean {
  const leaves = flatten(change.after ?? {}).map(([p, v]) => [p, planned(change, p, v, idx)] as const);
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

  // memberships: create / make_default, after = { user_id, organization_id } (null where created by this plan)
  // ids the plan could not know (records created by it) are those of the live records with the refs' keys, if any
  const userId = num(change.after?.user_id) ?? (change.refs?.user ? (idx.userByKey.get(changeKey('user', change.refs.user, match))?.id ?? null) : null);
  const orgId =
    num(change.after?.organization_id) ??
    (change.refs?.organization ? (idx.orgByKey.get(changeKey('organization', change.refs.organization, match))?.id ?? null) : null);
  const user = userId !== null ? idx.userById.get(userId) : undefined;
  if (userId !== null) {
    if (!user) return stale(change, change.zendesk_id, `user id ${userId} no longer exists in Zendesk`);
    const role = endUserProblem(user);
    if (role) return stale(change, change.zendesk_id, `user ${JSON.stringify(user.email ?? user.name)} ${role}`);
  }
  if (orgId !== null && !idx.orgById.has(orgId)) return stale(change, change.zendesk_id, `organization id ${orgId} no longer exists in Zendesk`);
  if (change.action === 'create') {
    const existing = userId !== null && orgId !== null ? idx.membership(userId, orgId) : undefined;
    return existing ? { change, status: 'done', reason: `membership already exists (id ${existing.id})`, id: existing.id } : { change, status: 'pending' };
  }
  if (change.action === 'make_default') {
    let membership: ZdMembership | undefined;
    if (change.zendesk_id !== null) {
      membership = idx.membershipById.get(change.zendesk_id);
      if (!membership && userId !== null) return stale(change, change.zendesk_id, 'the membership no longer exists in Zendesk');
    } else if (userId !== null && orgId !== null) membership = idx.membership(userId, orgId);
    if (membership?.default === true) return { change, status: 'done', reason: 'already the default organization', id: membership.id };
    if (user && !change.refs?.user) {
      // (a user this plan creates had no default to compare with when the plan was made)
      // before: the user's current default (organization_id) and/or the membership's flag (default)
      // (user_id only says whose default it is: not state)
      const view: Record<string, unknown> = {
        organization_id: user.organization_id,
        default_organization_id: user.organization_id,
        default: membership?.default ?? null,
      };
      const { user_id: _who, ...before } = change.before ?? {};
      const diffs = beforeMismatches(before, view);
      if (diffs.length > 0) return stale(change, change.zendesk_id, diffs.join('; '));
    }
    return { change, status: 'pending', id: membership?.id };
  }
  return { change, status: 'pending' };
}

/** Every stale change of a plan, given the live records of each sync (pure). Syncs without live records are skipped. */
export function findStaleChanges(plan: Plan, live: Record<string, LiveRecords>, config?: Config): StaleChange[] {
  const out: StaleChange[] = [];
  for (const sync of plan.syncs) {
    const records = live[sync.name];
    if (!records) continue;
    for (const check of checkChanges(sync.changes, records, matchOptions(config, sync.name))) {
      if (check.status !== 'stale') continue;
      const c = check.change;
      out.push({ sync: sync.name, type: c.type, action: c.action, key: c.key, label: c.label, message: check.reason ?? describeChange(c) });
    }
  }
  return out;
}

/** The operator's error for a stale plan, naming every record (nothing has been written). */
export function staleError(stale: StaleChange[]): ZdsfError {
  const bySync = new Map<string, StaleChange[]>();
  for (const s of stale) bySync.set(s.sync, [...(bySync.get(s.sync) ?? []), s]);
  const lines = [...bySync].flatMap(([sync, list]) => [`  sync "${sync}":`, ...list.map((s) => `    - ${s.message}`)]);
  return new ZdsfError(
    [
      `The plan is stale: ${stale.length} record${stale.length === 1 ? '' : 's'} changed in Zendesk since it was made. Nothing was written.`,
      ...lines,
      'Run `zdsf plan` again, review the new plan and apply that one.',
    ].join('\n'),
    'stale_plan',
  );
}

/** Refuses a plan made from another version of the config (or not a zdsf plan at all). */
export function checkConfigDigest(plan: Plan, config: Config): void {
  if (!plan || typeof plan !== 'object' || plan.format_version !== '1.0' || !Array.isArray(plan.syncs)) {
    throw new ZdsfError('This is not a zdsf plan (format_version "1.0"). Save one with `zdsf plan --out FILE`.', 'plan_invalid');
  }
  if (plan.config_digest !== config.digest) {
    throw new ZdsfError(
      `${config.file} changed since the plan was made (plan ${plan.config_digest.slice(0, 12)}, config now ${config.digest.slice(0, 12)}). ` +
        'Nothing was written. Run `zdsf plan` again with the current config and apply that plan.',
      'config_changed',
    );
  }
  const unknown = plan.syncs.filter((s) => !config.syncs.some((c) => c.name === s.name)).map((s) => `"${s.name}"`);
  if (unknown.length > 0) {
    throw new ZdsfError(`The plan names sync ${unknown.join(', ')}, which ${config.file} does not define. Nothing was written.`, 'config_changed');
  }
}


/** How many records lookupLive would look up for these changes (by id or by key). */
export function lookupSize(changes: Change[]): number {
  let n = 0;
  for (const c of changes) n += c.type === 'membership' ? 1 : 1 + (c.refs ? 1 : 0);
  return n;
}

/** What the stale check looks up: records by id (updates, deletes, memberships) and by key (creates and refs). */
export function lookupTargets(changes: Change[]): { orgIds: Set<number>; orgKeys: Set<string>; userIds: Set<number>; userKeys: Set<string> } {
  const orgIds = new Set<number>();
  const orgKeys = new Set<string>();
  const userIds = new Set<number>();
  const userKeys = new Set<string>();
  for (const c of changes) {
    if (c.type === 'organization') {
      if (c.action === 'create') orgKeys.add(c.key);
      else if (c.zendesk_id !== null) orgIds.add(c.zendesk_id);
    } else if (c.type === 'user') {
      if (c.action === 'create') userKeys.add(c.key);
      else if (c.zendesk_id !== null) userIds.add(c.zendesk_id);
    } else {
      const u = num(c.after?.user_id);
      const o = num(c.after?.organization_id);
      if (u !== null) userIds.add(u);
      if (o !== null) orgIds.add(o);
    }
    if (c.refs?.organization) orgKeys.add(c.refs.organization);
    if (c.refs?.user) userKeys.add(c.refs.user);
  }
  return { orgIds, orgKeys, userIds, userKeys };
}

/**
 * Reads, through the writer's look-ups, every live record the changes concern: records by id (updates, deletes,
 * memberships), by key (creates and refs), and the memberships of the users concerned.
 */
export async function lookupLive(changes: Change[], writer: TargetWriter, match: MatchOptions): Promise<LiveRecords> {
  const { orgIds, orgKeys, userIds, userKeys } = lookupTargets(changes);
  const orgs = new Map<number, ZdOrganization>();
  const users = new Map<number, ZdUser>();
  for (const ids of chunk([...orgIds], 100)) for (const o of await writer.findOrganizations({ ids })) orgs.set(o.id, o);
  // with match: name, keys may be normalised names: search by the names the plan writes where it has them
  const nameOf = new Map<string, string>();
  for (const c of changes) {
    if (c.type === 'organization' && typeof c.after?.name === 'string') nameOf.set(c.key, c.after.name);
  }
  for (const keys of chunk([...orgKeys], 100)) {
    const query = match.organizations === 'name' ? { names: [...new Set(keys.flatMap((k) => [k, nameOf.get(k) ?? k]))] } : { external_ids: keys };
    for (const o of await writer.findOrganizations(query)) orgs.set(o.id, o);
  }
  for (const ids of chunk([...userIds], 100)) for (const u of await writer.findUsers({ ids })) users.set(u.id, u);
  for (const keys of chunk([...userKeys], 100)) {
    const query = match.users === 'external_id' ? { external_ids: keys } : { emails: keys };
    for (const u of await writer.findUsers(query)) users.set(u.id, u);
  }
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
    const u = num(c.after?.user_id) ?? (c.refs?.user ? userIdByKey.get(changeKey('user', c.refs.user, match)) : undefined);
    if (u !== null && u !== undefined) memberUsers.add(u);
  }
  for (const ids of chunk([...memberUsers], 100)) for (const m of await writer.findMemberships({ user_ids: ids })) memberships.set(m.id, m);
  return { organizations: [...orgs.values()], users: [...users.values()], memberships: [...memberships.values()] };
}
