// Offboarding (issue 17 part 1), pure: the Zendesk users zdsf owns whose Salesforce record left the sync, and
// what happens to them (docs/lifecycle.md).
//
// Which users zdsf may offboard (its "owned" users): end users (never agents or admins) whose external_id is
// the Id of a record of one of the sync's users sources (a Contact `003...` or Lead `00Q...` Id: zdsf writes it
// with users.match: external_id, which validate requires for offboarding), that the sync's query no longer
// selects (no desired person has that Id or the user's email), outside the protected domains, and not deleted
// in Zendesk (active: false). Why each one left is found by looking the Ids up in Salesforce (the adapter,
// src/salesforce/offboard-lookup.ts): gone or in the recycle bin -> deleted; matching inactive_when -> inactive;
// otherwise -> filtered_out. Only the reasons listed in users.offboard.when act.
//
// Actions: suspend -> user:suspend (suspended: true plus zdsf's marker tag, offboard-marker.ts); remove_tags ->
// user:update removing the tags zdsf owns; delete -> staged: user:suspend first, then, once the marker is
// after_days old, user:delete. A user suspended without zdsf's marker was suspended by someone else: zdsf never
// deletes it. Tickets keep a user (keepUsersWithTickets, after the counts are read).
import type { OffboardReason, OffboardRule, Sync } from '../model/config.js';
import type { DesiredState } from '../model/desired.js';
import type { Change, UserDelete, UserSuspend, UserUpdate, Warning } from '../model/plan.js';
import type { TicketActivity } from '../model/ports.js';
import type { TargetData, ZdUser } from '../model/zendesk.js';
import { normalizeEmail, normalizeTags } from '../map/normalize.js';
import { isProtectedEmail } from './resources/users.js';
import { tagOwner } from './resources/resource.js';
import { day, deleteDue, suspendedOn, suspendedTag } from './offboard-marker.js';

/** Salesforce Id key prefixes of the objects users are read from. */
const PREFIX: Record<'Contact' | 'Lead', string> = { Contact: '003', Lead: '00Q' };
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export interface OffboardCandidate {
  user: ZdUser;
  /** the Salesforce Id (the user's external_id) */
  sourceId: string;
  object: 'Contact' | 'Lead';
}

/** The owned users the sync no longer selects (see the opening comment). Empty without users.offboard. */
export function offboardCandidates(sync: Sync, target: TargetData, desired: DesiredState): OffboardCandidate[] {
  const users = sync.users;
  if (!users?.offboard || users.match !== 'external_id') return [];
  const objects = new Set(users.sources.map((s) => s.object));
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const p of desired.people) {
    ids.add(p.sourceId);
    if (p.key) ids.add(p.key);
    const e = normalizeEmail(p.email);
    if (e) emails.add(e);
  }
  for (const o of desired.organizations) for (const p of o.newOrganizationUsers) ids.add(p.sourceId);
  const out: OffboardCandidate[] = [];
  for (const user of target.users) {
    const ext = user.external_id;
    if (user.role !== 'end-user' || user.active === false || !ext || !SF_ID.test(ext) || ids.has(ext)) continue;
    const object = (['Contact', 'Lead'] as const).find((o) => objects.has(o) && ext.startsWith(PREFIX[o]));
    if (!object) continue;
    const email = normalizeEmail(user.email);
    if (email && (emails.has(email) || isProtectedEmail(sync.protected, email))) continue;
    out.push({ user, sourceId: ext, object });
  }
  return out.sort((a, b) => a.user.id - b.user.id);
}

/** What the Salesforce look-up found of the candidates' Ids. */
export interface PeopleStatus {
  /** Ids that exist and are not deleted */
  live: Set<string>;
  /** of those, the ones matching inactive_when */
  inactive: Set<string>;
}

export function offboardReason(sourceId: string, status: PeopleStatus): OffboardReason {
  if (!status.live.has(sourceId)) return 'deleted';
  return status.inactive.has(sourceId) ? 'inactive' : 'filtered_out';
}

const WHY: Record<OffboardReason, string> = {
  deleted: 'its Salesforce record is deleted',
  inactive: 'its Salesforce record matches inactive_when',
  filtered_out: "its Salesforce record is no longer selected by the sync's sources",
};

export interface OffboardInput {
  sync: Sync;
  desired: DesiredState;
  candidates: OffboardCandidate[];
  status: PeopleStatus;
  now: Date;
}

export interface OffboardResult {
  changes: Change[];
  warnings: Warning[];
}

function label(u: ZdUser): string {
  return u.email ?? u.name;
}

/** The offboarding changes of the candidates whose reason the rule lists. */
export function offboardChanges(input: OffboardInput): OffboardResult {
  const rule = input.sync.users?.offboard;
  const out: OffboardResult = { changes: [], warnings: [] };
  if (!rule) return out;
  const owns = tagOwner(input.desired.userTags, input.desired.people.flatMap((p) => p.tags));
  for (const c of input.candidates) {
    const reason = offboardReason(c.sourceId, input.status);
    if (!rule.when.includes(reason)) continue;
    const change = offboardOne(c, reason, rule, owns, input.now, out.warnings);
    if (change) out.changes.push(change);
  }
  return out;
}

function offboardOne(c: OffboardCandidate, reason: OffboardReason, rule: OffboardRule, owns: (tag: string) => boolean, now: Date, warnings: Warning[]): Change | null {
  const u = c.user;
  const tags = normalizeTags(u.tags ?? []);
  const base = { key: c.sourceId, zendesk_id: u.id, label: label(u), sources: [c.sourceId] };
  const why = `offboard: ${reason}`;
  if (rule.action === 'remove_tags') {
    const kept = tags.filter((t) => !owns(t));
    if (kept.length === tags.length) return null;
    const update: UserUpdate = { ...base, type: 'user', action: 'update', before: { tags }, after: { tags: kept }, diff: [{ path: 'tags', before: tags, after: kept }], reason: `${why} (remove_tags)` };
    return update;
  }
  const on = suspendedOn(tags);
  if (u.suspended !== true) {
    const marker = suspendedTag(now);
    const after = normalizeTags([...tags.filter((t) => !t.startsWith('zdsf_suspended_')), marker]);
    const suspend: UserSuspend = {
      ...base,
      type: 'user',
      action: 'suspend',
      before: { suspended: false, tags },
      after: { suspended: true, tags: after },
      diff: [
        { path: 'suspended', before: false, after: true },
        { path: 'tags', before: tags, after },
      ],
      reason: rule.action === 'delete' ? `${why} (suspend; delete after ${rule.after_days} days, on ${day(deleteDue(new Date(`${day(now)}T00:00:00Z`), rule.after_days))})` : why,
    };
    return suspend;
  }
  if (rule.action !== 'delete') return null; // suspended already: nothing left to do
  if (!on) {
    warnings.push({
      code: 'offboard_not_ours',
      message: `user ${label(u)} (id ${u.id}, ${c.sourceId}) would be deleted (${WHY[reason]}) but it was suspended by someone else (no ${'zdsf_suspended_'}YYYYMMDD tag): zdsf deletes only users it suspended`,
      records: [c.sourceId, String(u.id)],
    });
    return null;
  }
  const due = deleteDue(on, rule.after_days);
  if (now < due) {
    warnings.push({
      code: 'offboard_pending',
      message: `user ${label(u)} (id ${u.id}, ${c.sourceId}) was suspended by zdsf on ${day(on)} (${WHY[reason]}); it is deleted on or after ${day(due)} (after_days: ${rule.after_days})`,
      records: [c.sourceId, String(u.id)],
    });
    return null;
  }
  const del: UserDelete = {
    ...base,
    type: 'user',
    action: 'delete',
    before: { id: u.id, email: u.email ?? null, external_id: u.external_id ?? null, suspended: true, tags },
    after: null,
    diff: [],
    reason: `${why} (suspended by zdsf on ${day(on)}, ${rule.after_days} days ago or more)`,
  };
  return del;
}

const DAY_MS = 86_400_000;

/** The users whose tickets offboarding asks about: those it would suspend, delete or strip; null when none or
 * the rule asks nothing. */
export function userTicketQuery(changes: readonly Change[], rule: OffboardRule | undefined, now: Date): { requesterIds: number[]; open: boolean; since?: Date } | null {
  if (!rule) return null;
  const open = rule.keep_if_open_tickets !== false;
  const days = rule.keep_if_ticket_within_days;
  if (!open && days === undefined) return null;
  const requesterIds = changes.filter(isOffboardChange).map((c) => c.zendesk_id as number);
  if (requesterIds.length === 0) return null;
  return { requesterIds, open, ...(days !== undefined ? { since: new Date(now.getTime() - days * DAY_MS) } : {}) };
}

export function isOffboardChange(c: Change): boolean {
  return c.type === 'user' && (c.action === 'suspend' || c.action === 'delete' || (c.action === 'update' && (c.reason ?? '').startsWith('offboard:')));
}

/** The offboarding changes without those whose user's tickets keep them, and one warning per kept user. */
export function keepUsersWithTickets(changes: readonly Change[], activity: readonly TicketActivity[], rule: OffboardRule): { changes: Change[]; kept: Warning[] } {
  const byId = new Map(activity.filter((a) => a.requesterId !== undefined).map((a) => [a.requesterId as number, a]));
  const kept: Warning[] = [];
  const out: Change[] = [];
  for (const c of changes) {
    const a = isOffboardChange(c) ? byId.get(c.zendesk_id as number) : undefined;
    const why =
      a && a.open > 0
        ? `${a.open} requested ticket${a.open === 1 ? '' : 's'} not closed (offboard.keep_if_open_tickets)`
        : a && a.recent > 0
          ? `${a.recent} requested ticket${a.recent === 1 ? '' : 's'} updated within the last ${rule.keep_if_ticket_within_days} days (offboard.keep_if_ticket_within_days)`
          : null;
    if (why) {
      kept.push({ code: 'kept_for_tickets', message: `user ${JSON.stringify(c.label)} (id ${String(c.zendesk_id)}) would be offboarded (${c.reason ?? c.action}) but is kept: ${why}`, records: [...(c.sources ?? []), String(c.zendesk_id)] });
      continue;
    }
    out.push(c);
  }
  return { changes: out, kept };
}
