// How apply follows Zendesk's bulk jobs, as figures both the writer (src/zendesk/writer.ts, budget.ts) and the
// plan's estimate (src/apply/estimate.ts) use: one definition, so the estimate prices what the poller does.

/** Zendesk's limit on most plans; the budget assumes it until the instance reports its own. */
export const ASSUMED_LIMIT_PER_MINUTE = 700;
/** Zendesk queues at most 30 jobs per account: stay clear of that, other tools share the account. */
export const MAX_JOBS_IN_FLIGHT = 25;

/** Bulk jobs followed at once at a per-minute limit: one per request a second, 1 to MAX_JOBS_IN_FLIGHT. */
export function jobsInFlightAt(limitPerMinute: number | null): number {
  const perMinute = limitPerMinute ?? ASSUMED_LIMIT_PER_MINUTE;
  return Math.max(1, Math.min(MAX_JOBS_IN_FLIGHT, Math.ceil(perMinute / 60)));
}

/** Share of the per-minute limit that job polls may take: one round of polls (one request for every job in
 * flight) per 60 000 / (share x limit) ms, between 200 ms and 1 s. 240 ms at 2,500/min, 857 ms at 700/min. */
export const POLL_SHARE = 0.1;
export function pollInterval(limitPerMinute: number | null): number {
  const limit = limitPerMinute ?? ASSUMED_LIMIT_PER_MINUTE;
  return Math.max(200, Math.min(1_000, Math.round(60_000 / (POLL_SHARE * limit))));
}
