// How many requests an apply needs, and how long at the instance's rate limit (pure; used by plan).
import type { Change, Estimate } from '../model/plan.js';
import { ASSUMED_LIMIT_PER_MINUTE, jobsInFlightAt, pollInterval } from '../util/job-cadence.js';
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

/** Seconds a bulk job of 100 records takes from being queued to done: live Zendesk and the sandbox complete
 * small jobs within about 2.5 s. */
export const JOB_SECONDS = 2.5;

export { jobsInFlightAt };

/** One phase of bulk writes (one kind of change: type + action) as the writer carries it out. */
export interface BulkPhase {
  kind: string;
  /** bulk requests: one per 100 records */
  batches: number;
  /** job-status polls: one request a round for every job in flight (job-poller.ts) */
  polls: number;
  /** how long the phase takes: its requests at the limit, or its rounds of jobs in flight, whichever is longer */
  seconds: number;
}

/**
 * The bulk phases, priced as src/zendesk/writer.ts and job-poller.ts carry them out at `rateLimitPerMinute`
 * (the assumed 700 when 0 or unknown): `jobsInFlightAt` jobs at once, each done JOB_SECONDS after it is queued, so a
 * phase takes at least ⌈batches / in flight⌉ x JOB_SECONDS, and at least its requests at the limit. Polls are not
 * one per job: while any job of the phase is pending, one request a round (every `pollInterval` ms) asks for all
 * of them, so a phase costs ⌈its time / the interval⌉ polls (a lone job at 700/min: 3 polls, 857 ms apart;
 * 500 jobs at 2,500/min, 25 in flight: 209 polls, where one poll a job would be 500).
 */
export function bulkPhases(changes: Change[], rateLimitPerMinute: number): BulkPhase[] {
  const limit = rateLimitPerMinute > 0 ? rateLimitPerMinute : ASSUMED_LIMIT_PER_MINUTE;
  const counts = new Map<string, number>();
  for (const c of changes) if (isBulk(c)) counts.set(`${c.type}:${c.action}`, (counts.get(`${c.type}:${c.action}`) ?? 0) + 1);
  const inFlight = jobsInFlightAt(limit);
  const interval = pollInterval(limit) / 1000;
  const phases: BulkPhase[] = [];
  for (const [kind, n] of counts) {
    const batches = Math.ceil(n / BULK_SIZE);
    const jobTime = Math.ceil(batches / inFlight) * JOB_SECONDS;
    // polls over the phase's time; the time counts the polls' own requests at the limit
    const polls = Math.max(1, Math.ceil(Math.max(jobTime, (batches * 60) / limit) / interval));
    const seconds = Math.max(jobTime, ((batches + polls) * 60) / limit);
    phases.push({ kind, batches, polls, seconds });
  }
  return phases;
}

/** Write requests: the bulk phases' requests and polls (bulkPhases), and one request per make_default or field change. */
export function writeRequests(changes: Change[], rateLimitPerMinute = ASSUMED_LIMIT_PER_MINUTE): number {
  let requests = 0;
  for (const c of changes) if (!isBulk(c)) requests += 1;
  for (const p of bulkPhases(changes, rateLimitPerMinute)) requests += p.batches + p.polls;
  return requests;
}

/**
 * requests = the stale check's look-ups (one by one, or one read of the whole instance when `size` is known and
 * that is cheaper: what apply will do) + writeRequests; seconds = the look-ups and single writes at
 * `rateLimitPerMinute`, plus each bulk phase's time (bulkPhases: phases run one after the other), rounded up.
 * Users may cost more where the account answers 403 to bulk import (one request a user): that is not foreseen here.
 */
export function estimateApply(changes: Change[], rateLimitPerMinute: number, size?: InstanceSize, match?: Parameters<typeof lookupRequests>[1]): Estimate {
  const rate = rateLimitPerMinute > 0 ? rateLimitPerMinute : 0;
  const phases = bulkPhases(changes, rate);
  let others = 0;
  for (const c of changes) if (!isBulk(c)) others += 1;
  if (changes.length > 0) {
    const lookups = lookupRequests(changes, match);
    others += size && fullReadRequests(size) < lookups ? fullReadRequests(size) : lookups;
  }
  let requests = others;
  let phaseSeconds = 0;
  for (const p of phases) {
    requests += p.batches + p.polls;
    phaseSeconds += p.seconds;
  }
  const seconds = rate > 0 ? Math.ceil((others * 60) / rate + phaseSeconds) : 0;
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
