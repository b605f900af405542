// Zendesk reads for incremental plans (issue 13): a full read that also takes the incremental-export cursors,
// and an incremental read that rebuilds the TargetData a full read would return from the saved state plus:
// - GET /api/v2/incremental/organizations?start_time=<end_time of the last read> (time-based, to end_of_stream;
//   `deleted_at` set = deleted);
// - GET /api/v2/incremental/users/cursor?cursor=<after_cursor of the last read> (`active: false` = deleted:
//   Zendesk soft-deletes users and GET /users no longer lists them);
// - the memberships of the users that changed (GET /users/{id}/organization_memberships), or of everyone
//   (GET /organization_memberships) when that costs fewer requests. A membership written or removed changes its
//   user (organization_id, updated_at), so the user export names whose memberships to read again;
// - organization and user fields and the account settings, read whole (a few requests).
// The exports have their own limit (10 requests a minute, 30 with High Volume): this module paces itself under
// `exportRequestsPerMinute` and the transport honours Retry-After on a 429.
// Apply needs no hook: what it writes moves updated_at, so the next export returns those records as changed
// and the snapshot takes their values as Zendesk stored them (ids of created records included).
import type { TargetReader, TargetReaderOptions } from '../model/ports.js';
import type { TargetData, ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import { ZdsfError } from '../util/errors.js';
import { isRecord } from '../util/data.js';
import { createZendeskApi } from './client.js';
import { paginate, PAGE_SIZE, toFieldDef, toMembership, toOrganization, toUser } from './pagination.js';
import type { ZendeskTransport } from './transport.js';

export interface ZendeskState {
  instanceUrl: string;
  /** start_time of the next organization export (unix seconds) */
  organizationsEndTime: number;
  /** after_cursor of the last user export */
  usersCursor: string;
  organizations: ZdOrganization[];
  users: ZdUser[];
  memberships: ZdMembership[];
  /** the organizations the last export returned (see orgsSeenOf): the next export returns them again */
  organizationsSeen?: string[];
}

const MAX_SEEN = 20_000;
const orgSeenKey = (raw: Record<string, unknown>): string => JSON.stringify([raw.id, raw.updated_at ?? null, raw.deleted_at ?? null]);
/** The time-based export starts at the last item's second (end_time, inclusive): the items of that second come
 * again, in the version the snapshot holds (the records were read after the export). Undefined when too many. */
export function orgsSeenOf(raws: Record<string, unknown>[]): string[] | undefined {
  return raws.length <= MAX_SEEN ? raws.map(orgSeenKey) : undefined;
}
/** Nothing changed since the snapshot: no user exported, and only organizations the last export had returned. */
export function zendeskUnchanged(c: { organizations: Record<string, unknown>[]; users: unknown[] }, seen: string[] | undefined): boolean {
  if (c.users.length > 0) return false;
  if (c.organizations.length === 0) return true;
  const known = new Set(seen ?? []);
  return c.organizations.every((raw) => known.has(orgSeenKey(raw)));
}

export interface ZendeskIncrementalOptions {
  transportFor: (options: TargetReaderOptions) => ZendeskTransport;
  /** requests a minute to the incremental exports (default 10) */
  exportRequestsPerMinute?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ZendeskDeltaCounts {
  organizations: number;
  users: number;
  membershipReads: number;
}

/** how far before the full read the first exports start, on Zendesk's clock (the Date header of its answer): what
 * changed in that window is read by the full read and again by the next incremental one, which is harmless. Kept
 * short: after a first apply every record it wrote is in the window, and the exports page through it at 10
 * requests a minute (10 minutes cost a 100k/500k bench 20 minutes of paging). Without a Date header, this machine's
 * clock with a wider margin for clock differences. */
const FIRST_EXPORT_LOOKBACK_S = 120;
const UNANCHORED_LOOKBACK_S = 600;
const sentAt = new Map<string, number[]>();

async function paced(options: ZendeskIncrementalOptions, key: string): Promise<void> {
  const limit = options.exportRequestsPerMinute ?? 10;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const times = (sentAt.get(key) ?? []).filter((t) => t > now() - 60_000);
  if (times.length >= limit) await sleep(times[0] + 60_000 - now());
  times.push(now());
  sentAt.set(key, times.slice(-limit));
}

const byId = <T extends { id: number }>(a: T, b: T): number => a.id - b.id;

async function exportOrganizations(t: ZendeskTransport, o: ZendeskIncrementalOptions, start: number, onItem: (raw: Record<string, unknown>) => void): Promise<number> {
  let url = t.url('/incremental/organizations', { start_time: start });
  let end = start;
  for (let page = 0; ; page += 1) {
    await paced(o, t.instance.url);
    const body = (await t.get(url)).body;
    if (!isRecord(body) || !Array.isArray(body.organizations))
      throw new ZdsfError(`Zendesk answered ${url} without an "organizations" array; cannot read organizations incrementally.`, 'zendesk_unexpected');
    for (const raw of body.organizations) if (isRecord(raw)) onItem(raw);
    if (typeof body.end_time === 'number') end = body.end_time;
    if (body.end_of_stream === true || body.organizations.length === 0 || typeof body.next_page !== 'string') return end;
    if (page > 100_000) throw new ZdsfError('The organization export does not end; stopping.', 'zendesk_paging');
    url = body.next_page;
  }
}

async function exportUsers(t: ZendeskTransport, o: ZendeskIncrementalOptions, from: { cursor: string } | { start: number }, onItem: (raw: Record<string, unknown>) => void): Promise<string> {
  let url = 'cursor' in from ? t.url('/incremental/users/cursor', { cursor: from.cursor }) : t.url('/incremental/users/cursor', { start_time: from.start });
  const seen = new Set<string>();
  for (;;) {
    if (seen.has(url)) throw new ZdsfError(`Zendesk returned the same user export page twice (${url}).`, 'zendesk_paging');
    seen.add(url);
    await paced(o, t.instance.url);
    const body = (await t.get(url)).body;
    if (!isRecord(body) || !Array.isArray(body.users) || typeof body.after_cursor !== 'string')
      throw new ZdsfError(`Zendesk answered ${url} without "users" and "after_cursor"; cannot read users incrementally.`, 'zendesk_unexpected');
    for (const raw of body.users) if (isRecord(raw)) onItem(raw);
    if (body.end_of_stream === true || typeof body.after_url !== 'string') return body.after_cursor;
    url = body.after_url;
  }
}

/** A full read through `inner`, with export cursors taken before it (changes during the read are read again next time). */
export async function fullZendeskRead(inner: TargetReader, o: ZendeskIncrementalOptions, options: TargetReaderOptions): Promise<{ data: TargetData; state: ZendeskState }> {
  const t = o.transportFor(options);
  const served = Date.parse((await t.get(t.url('/account/settings'))).headers.get('date') ?? '');
  const start = Number.isNaN(served) ? Math.floor((o.now ?? Date.now)() / 1000) - UNANCHORED_LOOKBACK_S : Math.floor(served / 1000) - FIRST_EXPORT_LOOKBACK_S;
  const exported: Record<string, unknown>[] = [];
  const organizationsEndTime = await exportOrganizations(t, o, start, (raw) => exported.push(raw));
  const usersCursor = await exportUsers(t, o, { start }, () => undefined);
  const data = await inner.read(options);
  const organizationsSeen = orgsSeenOf(exported);
  return {
    data,
    state: { instanceUrl: options.instance.url, organizationsEndTime, usersCursor, organizations: data.organizations, users: data.users, memberships: data.memberships, ...(organizationsSeen ? { organizationsSeen } : {}) },
  };
}

/** What the exports returned since the cursors, with the small live lists a full read also returns. */
export interface ZendeskChanges {
  organizations: Record<string, unknown>[];
  users: Record<string, unknown>[];
  organizationsEndTime: number;
  usersCursor: string;
  /** what TargetData holds besides records, as a full read returns it */
  live: Pick<TargetData, 'organizationFields' | 'userFields' | 'settings' | 'rateLimitPerMinute'>;
}

/** The exports since the cursors and the field lists and settings (a few requests; no snapshot records needed). */
export async function zendeskChanges(o: ZendeskIncrementalOptions, options: TargetReaderOptions, cursors: Pick<ZendeskState, 'organizationsEndTime' | 'usersCursor'>): Promise<ZendeskChanges> {
  const t = o.transportFor(options);
  const shown = (await createZendeskApi(t).accountSettings()).result;
  const settings = isRecord(shown) && isRecord(shown.settings) ? shown.settings : shown;
  if (!isRecord(settings) || !isRecord(settings.user))
    throw new ZdsfError(`Zendesk instance ${options.instance.name} (${options.instance.url}): GET /api/v2/account/settings did not return settings.user.`, 'zendesk_unexpected');
  const organizationFields = await list(t, '/organization_fields', 'organization_fields', toFieldDef);
  const userFields = await list(t, '/user_fields', 'user_fields', toFieldDef);
  const organizations: Record<string, unknown>[] = [];
  const organizationsEndTime = await exportOrganizations(t, o, cursors.organizationsEndTime, (raw) => organizations.push(raw));
  const users: Record<string, unknown>[] = [];
  const usersCursor = await exportUsers(t, o, { cursor: cursors.usersCursor }, (raw) => users.push(raw));
  return {
    organizations,
    users,
    organizationsEndTime,
    usersCursor,
    live: { organizationFields, userFields, settings: { multipleOrganizations: settings.user.multiple_organizations === true }, rateLimitPerMinute: t.observedLimitPerMinute },
  };
}

async function list<T>(t: ZendeskTransport, path: string, key: string, convert: (raw: unknown) => T): Promise<T[]> {
  const out: T[] = [];
  await paginate(t, path, key, (items) => {
    for (const i of items) out.push(convert(i));
  });
  return out;
}

/** Rebuilds what a full read returns from `state` and the exports since its cursors (`given`: when already read). */
export async function incrementalZendeskRead(
  o: ZendeskIncrementalOptions,
  options: TargetReaderOptions,
  state: ZendeskState,
  given?: ZendeskChanges,
): Promise<{ data: TargetData; state: ZendeskState; counts: ZendeskDeltaCounts }> {
  const t = o.transportFor(options);
  const changes = given ?? (await zendeskChanges(o, options, state));
  const orgs = new Map(state.organizations.map((x) => [x.id, x]));
  const deletedOrgs = new Set<number>();
  let orgChanges = 0;
  const organizationsEndTime = changes.organizationsEndTime;
  for (const raw of changes.organizations) {
    orgChanges += 1;
    const org = toOrganization(raw);
    if (raw.deleted_at !== null && raw.deleted_at !== undefined) {
      orgs.delete(org.id);
      deletedOrgs.add(org.id);
      continue;
    }
    deletedOrgs.delete(org.id);
    orgs.set(org.id, org);
  }
  const users = new Map(state.users.map((x) => [x.id, x]));
  const changedUsers = new Set<number>();
  const usersCursor = changes.usersCursor;
  for (const raw of changes.users) {
    const user = toUser(raw);
    changedUsers.add(user.id);
    if (raw.active === false) users.delete(user.id);
    else users.set(user.id, user);
  }

  // memberships: those of changed users read again (or all, when fewer requests), those of deleted records dropped
  let memberships = state.memberships.filter((m) => !deletedOrgs.has(m.organization_id) && !changedUsers.has(m.user_id));
  const live = [...changedUsers].filter((id) => users.has(id));
  let membershipReads = 0;
  const wholeListPages = Math.ceil((state.memberships.length + live.length) / PAGE_SIZE) + 1;
  if (live.length > wholeListPages) {
    memberships = await list(t, '/organization_memberships', 'organization_memberships', toMembership);
    membershipReads = wholeListPages;
  } else {
    for (const id of live) {
      memberships.push(...(await list(t, `/users/${id}/organization_memberships`, 'organization_memberships', toMembership)));
      membershipReads += 1;
    }
  }

  const data: TargetData = {
    organizations: [...orgs.values()].sort(byId),
    users: [...users.values()].sort(byId),
    memberships: memberships.sort(byId),
    ...changes.live,
  };
  return {
    data,
    state: (() => {
      const { organizationsSeen: _old, ...rest } = state;
      const organizationsSeen = orgsSeenOf(changes.organizations);
      return { ...rest, organizationsEndTime, usersCursor, organizations: data.organizations, users: data.users, memberships: data.memberships, ...(organizationsSeen ? { organizationsSeen } : {}) };
    })(),
    counts: { organizations: orgChanges, users: changedUsers.size, membershipReads },
  };
}
