// How many requests an apply needs, and how long at the instance's rate limit (pure; used by plan).
import type { Change, Estimate } from '../model/plan.js';
import { lookupSize, lookupTargets } from './stale.js';

/** How many records the Zendesk instance holds (from the plan), to price a full read. */
export interface InstanceSize {
  organizations: number;
  users: number;
  memberships: number;
}

/** Page size of Zendesk's cursor pagination. */
const PAGE = 100;

/**
 * Requests the stale check needs when it looks records up one by one (mirrors lookupLive): show_many by ids
 * and external ids carry 100 a request; users created by email are searched one by one (Zendesk has no
 * show_many by email), and so are organizations matched by name; memberships are read per user.
 */
export function lookupRequests(changes: Change[], match: { organizations: 'external_id' | 'name'; users: 'email' | 'external_id' } = { organizations: 'external_id', users: 'email' }): number {
  const { orgIds, orgKeys, userIds, userKeys, userEmails, userExternalIds } = lookupTargets(changes);
  // memberships are read per user (lookupLive): counted here for the users of membership changes. lookupLive also
  // reads those of a user the plan creates when it exists already (a re-run of the plan): not counted, since on
  // the first run of a plan those users do not exist, and counting them would add a request per user created.
  const memberUsers = new Set<string>();
  for (const c of changes) {
    if (c.type !== 'membership') continue;
    memberUsers.add(c.user.id !== null ? String(c.user.id) : c.user.key);
  }
  const emails = new Set(userEmails);
  const externalIds = new Set(userExternalIds);
  for (const k of userKeys) (match.users === 'external_id' ? externalIds : emails).add(k);
  const byKey = (n: number, oneByOne: boolean): number => (oneByOne ? n : Math.ceil(n / PAGE));
  return (
    Math.ceil(orgIds.size / PAGE) +
    byKey(orgKeys.size, match.organizations === 'name') +
    Math.ceil(userIds.size / PAGE) +
    Math.ceil(externalIds.size / PAGE) +
    emails.size +
    memberUsers.size
  );
}

/** Requests to read the whole instance (organizations, users, memberships in pages of 100, plus fields and settings). */
export function fullReadRequests(size: InstanceSize): number {
  return Math.ceil(size.organizations / PAGE) + Math.ceil(size.users / PAGE) + Math.ceil(size.memberships / PAGE) + 3;
}

/**
 * Whether apply should read the whole instance rather than look records up one by one. With the instance's
 * size known (the plan records it), the cheaper of the two; without it, above `threshold` records.
 */
export function preferFullRead(changes: Change[], size: InstanceSize | undefined, threshold = 2_000, match?: Parameters<typeof lookupRequests>[1]): boolean {
  if (size) return fullReadRequests(size) < lookupRequests(changes, match);
  return lookupSize(changes) > threshold;
}

/** Records a bulk request carries (Zendesk's limit for create_many / update_many / destroy_many). */
export const BULK_SIZE = 100;

/** The write kinds apply sends in bulk; the others (make_default) are one request a record. */
function isBulk(change: Change): boolean {
  // field changes (issue 17) are single requests too
  return change.action !== 'make_default' && change.type !== 'field' && change.type !== 'field_option';
}

/** Write requests: per change kind (type + action), one bulk request per 100 records plus at least one
 * job-status poll per bulk request, and one request per make_default. */
export function writeRequests(changes: Change[]): number {
  const counts = new Map<string, number>();
  let singles = 0;
  for (const c of changes) {
    if (!isBulk(c)) singles += 1;
    else counts.set(`${c.type}:${c.action}`, (counts.get(`${c.type}:${c.action}`) ?? 0) + 1);
  }
  let requests = singles;
  for (const n of counts.values()) requests += Math.ceil(n / BULK_SIZE) * 2; // the bulk request and its job-status poll
  return requests;
}

/** Seconds a round of bulk jobs takes to be followed to its end: the writer polls a job after 1 s, then 1.5 s later;
 * small jobs (100 records) complete within those two polls on live Zendesk and on the sandbox. */
export const JOB_ROUND_SECONDS = 2.5;

/** Jobs followed at once at a rate limit: as the transport's budget sizes them (one per request a second, 1 to 25). */
export function jobsInFlightAt(rateLimitPerMinute: number): number {
  return Math.max(1, Math.min(25, Math.ceil(rateLimitPerMinute / 60)));
}

/** Seconds spent waiting on bulk jobs: phases run one after the other, each kind's batches `jobsInFlightAt` at a time. */
export function jobWaitSeconds(changes: Change[], rateLimitPerMinute: number): number {
  const counts = new Map<string, number>();
  for (const c of changes) if (isBulk(c)) counts.set(`${c.type}:${c.action}`, (counts.get(`${c.type}:${c.action}`) ?? 0) + 1);
  const inFlight = jobsInFlightAt(rateLimitPerMinute);
  let rounds = 0;
  for (const n of counts.values()) rounds += Math.ceil(Math.ceil(n / BULK_SIZE) / inFlight);
  return rounds * JOB_ROUND_SECONDS;
}

/**
 * requests = the stale check's look-ups (one by one, or one read of the whole instance when `size` is known and
 * that is cheaper: what apply will do) + writeRequests; seconds = requests at `rateLimitPerMinute` plus the time
 * spent following bulk jobs (jobWaitSeconds), rounded up.
 * Users may cost more where the account answers 403 to bulk import (one request a user): that is not foreseen here.
 */
export function estimateApply(changes: Change[], rateLimitPerMinute: number, size?: InstanceSize, match?: Parameters<typeof lookupRequests>[1]): Estimate {
  let requests = writeRequests(changes);
  if (changes.length > 0) {
    const lookups = lookupRequests(changes, match);
    requests += size && fullReadRequests(size) < lookups ? fullReadRequests(size) : lookups;
  }
  const rate = rateLimitPerMinute > 0 ? rateLimitPerMinute : 0;
  const seconds = rate > 0 ? Math.ceil((requests * 60) / rate + jobWaitSeconds(changes, rate)) : 0;
  return { requests, rate_limit_per_minute: rate, seconds };
}

/** `apply needs ~N requests, ~M minutes at R requests/minute` (for plan's output). */
export function describeEstimate(estimate: Estimate): string {
  const req = `~${estimate.requests} request${estimate.requests === 1 ? '' : 's'}`;
  if (estimate.rate_limit_per_minute <= 0) return `apply needs ${req}`;
  const time =
    estimate.seconds < 60 ? `~${estimate.seconds} second${estimate.seconds === 1 ? '' : 's'}` : `~${Math.ceil(estimate.seconds / 60)} minutes`;
  return `apply needs ${req}, ${time} at ${estimate.rate_limit_per_minute} requests/minute`;
}
