// How many requests an apply needs, and how long at the instance's rate limit (pure; used by plan).
import type { Change, Estimate } from '../model/plan.js';

/** Records a bulk request carries (Zendesk's limit for create_many / update_many / destroy_many). */
export const BULK_SIZE = 100;

/** The write kinds apply sends in bulk; the others (make_default) are one request a record. */
function isBulk(change: Change): boolean {
  return change.action !== 'make_default';
}

/**
 * requests = per change kind (type + action): one bulk request per 100 records plus at least one job-status poll
 * per bulk request, and one request per make_default; seconds = requests at `rateLimitPerMinute`, rounded up.
 * Users may cost more where the account answers 403 to bulk import (one request a user): that is not foreseen here.
 */
export function estimateApply(changes: Change[], rateLimitPerMinute: number): Estimate {
  const counts = new Map<string, number>();
  let singles = 0;
  for (const c of changes) {
    if (!isBulk(c)) singles += 1;
    else counts.set(`${c.type}:${c.action}`, (counts.get(`${c.type}:${c.action}`) ?? 0) + 1);
  }
  let requests = singles;
  for (const n of counts.values()) {
    const bulk = Math.ceil(n / BULK_SIZE);
    requests += bulk * 2; // the bulk request and its job-status poll
  }
  const rate = rateLimitPerMinute > 0 ? rateLimitPerMinute : 0;
  const seconds = rate > 0 ? Math.ceil((requests * 60) / rate) : 0;
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
