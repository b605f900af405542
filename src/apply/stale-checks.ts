// The stale check of each kind of change, registered beside PHASE_SPECS (issue 11): STALE_SPECS is keyed by
// every ChangeKind, so a new kind without its check does not compile. Each entry says which live records the
// change concerns (`lookups` counts them for the estimate, `targets` adds them to the look-ups) and classifies
// the change against them (`check`, DESIGN.md section 4):
// - pending: Zendesk still looks as the plan saw it;
// - done: Zendesk already looks as the plan wants (an apply killed half-way and run again with the same plan);
// - stale: something changed since the plan (the apply is refused, naming each record and what changed).
// Pure.
import type { Change, ChangeKind, MembershipCreate, MembershipMakeDefault, OrganizationRef } from '../model/plan.js';
import type { ZdUser } from '../model/zendesk.js';
import { containsTags, flatten, getPath, sameAttribute, show } from './compare.js';
import { changeKey, orgRefId, targetOrganization, userRefId, type LiveIndex, type LookupTargets } from './live.js';
import type { ChangeOf } from './phases.js';
import { checkOffboardChange } from './offboard-apply.js';
import { checkFieldCreate, checkFieldOptionCreate, type FieldCheck } from './field-stale.js';

export type CheckStatus = 'pending' | 'done' | 'stale';

export interface ChangeCheck {
  change: Change;
  status: CheckStatus;
  /** stale: what changed; done: why nothing needs sending */
  reason?: string;
  /** the live record's id (done creates: the id of the record already there) */
  id?: number;
}

export interface StaleSpec<C extends Change> {
  /** how many records the change makes apply look up (by id or by key) */
  lookups(change: C): number;
  /** adds the records the change concerns to the look-ups */
  targets(change: C, t: LookupTargets): void;
  check(change: C, idx: LiveIndex): ChangeCheck;
}

type StaleSpecs = { [K in ChangeKind]: StaleSpec<ChangeOf<K>> };

/** Attributes apply adds to a create that are not the record's state (never compared). */
const WRITE_ONLY = new Set(['skip_verify_email', 'verified', 'role', 'identities', 'password']);

/** How a message names a record: `organization "Acme" (id 12)`. */
export function describeChange(change: Change, id?: number | null): string {
  const ref = id ?? change.zendesk_id;
  const where = ref !== null && ref !== undefined ? ` (id ${ref})` : change.key !== change.label ? ` (${change.key})` : '';
  return `${change.type} ${JSON.stringify(change.label)}${where}`;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** What a create or update writes, as attribute -> value, organization_id resolved from the reference. */
function written(after: object, organization: OrganizationRef | undefined, idx: LiveIndex): Record<string, unknown> {
  const out = { ...after } as Record<string, unknown>;
  if (organization) out.organization_id = orgRefId(organization, idx);
  return out;
}

/** Attributes a create writes that the live record does not have. `userOrg`: a user's organization_id is its
 * default organization, which the same plan may move (make_default): a membership in it is what the create made. */
function createMismatches(write: Record<string, unknown>, live: Record<string, unknown>, idx: LiveIndex, userOrg: boolean): string[] {
  const out: string[] = [];
  for (const [path, value] of flatten(write)) {
    if (WRITE_ONLY.has(path) || value === undefined) continue;
    const now = getPath(live, path);
    let same = path === 'tags' ? containsTags(value, now) : sameAttribute(path, value, now);
    if (!same && userOrg && path === 'organization_id' && typeof value === 'number' && typeof live.id === 'number') {
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

/** Whether every attribute an update writes already holds (the update was applied). */
function afterHolds(write: Record<string, unknown>, live: Record<string, unknown>): boolean {
  const leaves = flatten(write);
  return leaves.length > 0 && leaves.every(([path, value]) => value !== undefined && sameAttribute(path, value, getPath(live, path)));
}

function stale(change: Change, id: number | null | undefined, reason: string): ChangeCheck {
  return { change, status: 'stale', reason: `${describeChange(change, id)}: ${reason}` };
}

/** A create: pending while no live record has its key; done when the one there holds what it writes. */
function checkCreate(change: Change, existing: ({ id: number } & object) | undefined, write: Record<string, unknown>, idx: LiveIndex, userOrg: boolean): ChangeCheck {
  if (!existing) return { change, status: 'pending' };
  const diffs = createMismatches(write, existing as Record<string, unknown>, idx, userOrg);
  if (diffs.length === 0) return { change, status: 'done', reason: `already exists (id ${existing.id})`, id: existing.id };
  return stale(change, null, `would be created, but it now exists (id ${existing.id}) and differs: ${diffs.join('; ')}`);
}

function checkUpdate(change: Change, live: Record<string, unknown> | undefined, write: Record<string, unknown>): ChangeCheck {
  if (!live) return stale(change, change.zendesk_id, `no longer exists in Zendesk`);
  const diffs = beforeMismatches(change.before, live);
  if (diffs.length === 0) return { change, status: 'pending', id: num(live.id) ?? undefined };
  if (afterHolds(write, live)) return { change, status: 'done', reason: `update already applied`, id: num(live.id) ?? undefined };
  return stale(change, change.zendesk_id, diffs.join('; '));
}

function endUserProblem(user: ZdUser): string | null {
  return user.role !== 'end-user' ? `is now ${user.role === 'admin' ? 'an admin' : 'an agent'}; zdsf never modifies agents or admins` : null;
}

/** The emails and external ids a user change writes: looked up whatever the match mode (the guard). */
function targetUser(t: LookupTargets, after: { email?: unknown; external_id?: unknown }): void {
  if (typeof after.email === 'string' && after.email) t.userEmails.add(after.email.trim().toLowerCase());
  if (typeof after.external_id === 'string' && after.external_id) t.userExternalIds.add(after.external_id);
}

/** A membership's user and organization (ids null where this plan creates them: those of the live records with
 * the references' keys, if any): stale when either is gone, or the user is no longer an end-user. */
function membershipEnds(change: MembershipCreate | MembershipMakeDefault, idx: LiveIndex): { userId: number | null; orgId: number | null; user?: ZdUser; problem?: ChangeCheck } {
  const userId = userRefId(change.user, idx) ?? null;
  const orgId = orgRefId(change.organization, idx) ?? null;
  const user = userId !== null ? idx.userById.get(userId) : undefined;
  if (userId !== null) {
    if (!user) return { userId, orgId, problem: stale(change, change.zendesk_id, `user id ${userId} no longer exists in Zendesk`) };
    const role = endUserProblem(user);
    if (role) return { userId, orgId, user, problem: stale(change, change.zendesk_id, `user ${JSON.stringify(user.email ?? user.name)} ${role}`) };
  }
  if (orgId !== null && !idx.orgById.has(orgId)) return { userId, orgId, user, problem: stale(change, change.zendesk_id, `organization id ${orgId} no longer exists in Zendesk`) };
  return { userId, orgId, user };
}

function targetMembership(c: Pick<MembershipCreate, 'user' | 'organization'>, t: LookupTargets): void {
  if (c.user.id !== null) t.userIds.add(c.user.id);
  else t.userKeys.add(c.user.key);
  t.memberUsers.add(c.user.id ?? c.user.key);
  targetOrganization(t, c.organization);
}

/** A field check (field-stale.ts) as a ChangeCheck. */
function fieldCheck(change: Change, r: FieldCheck): ChangeCheck {
  return r.status === 'stale' ? stale(change, change.zendesk_id, r.reason ?? 'changed since the plan') : { change, ...r };
}

export const STALE_SPECS: StaleSpecs = {
  // issue 17: the field definitions of the change's kind are read whole (lookupLive), so no per-record look-up
  'field:create': {
    lookups: () => 0,
    targets: (c, t) => void t.fieldResources.add(c.resource),
    check: (c, idx) => fieldCheck(c, checkFieldCreate(c, idx.fields)),
  },
  'field_option:create': {
    lookups: () => 0,
    targets: (c, t) => void t.fieldResources.add(c.resource),
    check: (c, idx) => fieldCheck(c, checkFieldOptionCreate(c, idx.fields)),
  },
  'organization:create': {
    lookups: () => 1,
    targets: (c, t) => {
      t.orgKeys.add(c.key);
      if (typeof c.after.name === 'string') t.orgNames.set(c.key, c.after.name);
    },
    check: (c, idx) => checkCreate(c, idx.orgByKey.get(changeKey('organization', c.key, idx.match)), written(c.after, undefined, idx), idx, false),
  },
  'organization:update': {
    lookups: () => 1,
    targets: (c, t) => void t.orgIds.add(c.zendesk_id),
    check: (c, idx) => checkUpdate(c, idx.orgById.get(c.zendesk_id), written(c.after, undefined, idx)),
  },
  'organization:delete': {
    lookups: () => 1,
    targets: (c, t) => void t.orgIds.add(c.zendesk_id),
    check: (c, idx) => {
      const existing = idx.orgById.get(c.zendesk_id);
      if (!existing) return { change: c, status: 'done', reason: 'already deleted' };
      const diffs = beforeMismatches(c.before, existing);
      return diffs.length === 0 ? { change: c, status: 'pending', id: existing.id } : stale(c, c.zendesk_id, diffs.join('; '));
    },
  },
  'user:create': {
    lookups: (c) => 2 + (c.organization ? 1 : 0),
    targets: (c, t) => {
      t.userKeys.add(c.key);
      // a user the plan creates that exists already (a re-run): its memberships tell whether the create was ours
      t.memberUsers.add(c.key);
      targetUser(t, c.after);
      targetOrganization(t, c.organization);
    },
    check: (c, idx) => {
      const existing = idx.userByKey.get(changeKey('user', c.key, idx.match));
      const role = existing ? endUserProblem(existing) : null;
      if (existing && role) return stale(c, existing.id, `would be created, but it now exists and ${role}`);
      return checkCreate(c, existing, written(c.after, c.organization, idx), idx, true);
    },
  },
  'user:update': {
    lookups: (c) => 1 + (c.organization ? 1 : 0),
    targets: (c, t) => {
      t.userIds.add(c.zendesk_id);
      targetUser(t, c.after);
      targetOrganization(t, c.organization);
    },
    check: (c, idx) => {
      const existing = idx.userById.get(c.zendesk_id);
      const role = existing ? endUserProblem(existing) : null;
      if (existing && role) return stale(c, existing.id, role);
      return checkUpdate(c, existing, written(c.after, c.organization, idx));
    },
  },
  'membership:create': {
    lookups: () => 1,
    targets: targetMembership,
    check: (c, idx) => {
      const { userId, orgId, problem } = membershipEnds(c, idx);
      if (problem) return problem;
      const existing = userId !== null && orgId !== null ? idx.membership(userId, orgId) : undefined;
      if (!existing) return { change: c, status: 'pending' };
      if (c.default && existing.default !== true) return stale(c, existing.id, 'the membership exists already but is not the default organization the plan makes it');
      return { change: c, status: 'done', reason: `membership already exists (id ${existing.id})`, id: existing.id };
    },
  },
  'membership:make_default': {
    lookups: () => 1,
    targets: targetMembership,
    check: (c, idx) => {
      const { user, problem } = membershipEnds(c, idx);
      if (problem) return problem;
      const membership = idx.membershipById.get(c.zendesk_id);
      if (!membership) return stale(c, c.zendesk_id, 'the membership no longer exists in Zendesk');
      if (membership.default === true) return { change: c, status: 'done', reason: 'already the default organization', id: membership.id };
      // before: the user had no default organization (its organization_id is its default's)
      const diffs = beforeMismatches(c.before, { default_organization_id: user?.organization_id ?? null });
      if (diffs.length > 0) return stale(c, c.zendesk_id, diffs.join('; '));
      return { change: c, status: 'pending', id: membership.id };
    },
  },
  // offboarding and memberships: mirror (issue 17): src/apply/offboard-apply.ts
  'user:suspend': {
    lookups: () => 1,
    targets: (c, t) => void t.userIds.add(c.zendesk_id),
    check: (c, idx) => checkOffboardChange(c, idx),
  },
  'user:delete': {
    lookups: () => 1,
    targets: (c, t) => void t.userIds.add(c.zendesk_id),
    check: (c, idx) => checkOffboardChange(c, idx),
  },
  'membership:delete': {
    lookups: () => 1,
    targets: targetMembership,
    check: (c, idx) => checkOffboardChange(c, idx),
  },
  // Cases (issue 18) are written to Salesforce and checked against the Cases read again there
  // (src/apply/cases.ts's checkCaseChanges, run by the executor): nothing to look up in Zendesk
  'case:create': { lookups: () => 0, targets: () => undefined, check: (c) => ({ change: c, status: 'pending' }) },
  'case:update': { lookups: () => 0, targets: () => undefined, check: (c) => ({ change: c, status: 'pending' }) },
};

/** The stale spec of a change's kind; undefined for a kind no plan may hold (the guard refuses those first). */
export function staleSpec(change: Change): StaleSpec<Change> | undefined {
  return (STALE_SPECS as Record<string, StaleSpec<Change> | undefined>)[`${change.type}:${change.action}`];
}
