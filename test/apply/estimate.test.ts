import { describe, expect, it } from 'vitest';
import { bulkPhases, describeEstimate, estimateApply, fullReadRequests, lookupRequests, preferFullRead, writeRequests } from '../../src/apply/estimate.js';
import type { Change } from '../../src/model/plan.js';
import { makeDefault, membershipCreate, orgCreate, orgUpdate, userCreate } from './helpers.js';

const times = (n: number, f: (i: number) => Change): Change[] => Array.from({ length: n }, (_, i) => f(i));

describe('estimateApply', () => {
  it('counts one bulk request per 100 records of each kind, the job polls as the poller sends them, and one request per make_default', () => {
    const changes = [
      ...times(250, (i) => orgCreate(`A${i}`, `A${i}`)), // 3 bulk requests
      ...times(100, (i) => orgUpdate(i + 1, `B${i}`, `B${i}`, { notes: 'a' }, { notes: 'b' })), // 1
      ...times(101, (i) => userCreate(`u${i}@x.com`, `U${i}`)), // 2
      ...times(1000, (i) => membershipCreate(`u${i}@x.com`, 'A1', { user_id: i, organization_id: 1 })), // 10
      ...times(5, (i) => makeDefault(`u${i}@x.com`, 'A1', i, { user_id: i, organization_id: 1 })), // 5 single requests
    ];
    // at 200/minute: 4 jobs in flight, one poll round a second (job-poller.ts, pollInterval), jobs done 2.5 s
    // after they are queued. Org create: 3 batches in one round of jobs, 2.5 s, 3 polls; org update (1 batch) and
    // user create (2) the same; memberships: 10 batches in 3 rounds, 7.5 s, 8 polls (not one poll per job: 10)
    expect(bulkPhases(changes, 200)).toEqual([
      { kind: 'organization:create', batches: 3, polls: 3, seconds: 2.5 },
      { kind: 'organization:update', batches: 1, polls: 3, seconds: 2.5 },
      { kind: 'user:create', batches: 2, polls: 3, seconds: 2.5 },
      { kind: 'membership:create', batches: 10, polls: 8, seconds: 7.5 },
    ]);
    expect(writeRequests(changes, 200)).toBe(5 + (3 + 3) + (1 + 3) + (2 + 3) + (10 + 8));
    // at 700/minute (the default): 12 in flight, a round every 857 ms; every phase is one round of jobs, 3 polls
    expect(writeRequests(changes)).toBe(5 + (3 + 3) + (1 + 3) + (2 + 3) + (10 + 3));
    const e = estimateApply(changes, 200);
    const lookups = lookupRequests(changes);
    // the look-ups and the make_defaults at the limit, then the phases one after the other
    expect(e).toEqual({ requests: 38 + lookups, rate_limit_per_minute: 200, seconds: Math.ceil(((5 + lookups) * 60) / 200 + 2.5 + 2.5 + 2.5 + 7.5) });
  });

  it('estimates a large first sync of secondary relationships in minutes', () => {
    const changes = times(50_000, (i) => membershipCreate(`u${i}@x.com`, 'A', { user_id: i, organization_id: 1 }));
    // 500 bulk requests; the look-ups: one full read of an instance of 1,000 orgs, 60,000 users and
    // 50,000 memberships (10 + 600 + 500 pages + 3) instead of 50,000 per-user membership reads
    const size = { organizations: 1_000, users: 60_000, memberships: 50_000 };
    expect(preferFullRead(changes, size)).toBe(true);
    expect(fullReadRequests(size)).toBe(1113);
    // 500 batches, 12 jobs at a time at 700/minute: 42 rounds of 2.5 s = 105 s (longer than the 500 requests at
    // the limit), polled every 857 ms: 123 polls, where one poll per job was 500
    expect(bulkPhases(changes, 700)).toEqual([{ kind: 'membership:create', batches: 500, polls: 123, seconds: 105 }]);
    const e = estimateApply(changes, 700, size);
    expect(e.requests).toBe(500 + 123 + 1113);
    expect(e.seconds).toBe(Math.ceil((1113 * 60) / 700 + 105));
    expect(describeEstimate(e)).toBe('apply needs ~1736 requests, ~4 minutes at 700 requests/minute');
    // at 2,500/minute: 25 in flight, 20 rounds (50 s), a poll round every 240 ms
    expect(bulkPhases(changes, 2500)).toEqual([{ kind: 'membership:create', batches: 500, polls: 209, seconds: 50 }]);
  });

  it('is zero for no changes, and has no time without a known rate limit', () => {
    expect(estimateApply([], 400)).toEqual({ requests: 0, rate_limit_per_minute: 400, seconds: 0 });
    const e = estimateApply([orgCreate('A', 'A')], 0);
    // one create_many, its job polled 3 times at the assumed 700/minute, one show_many by external_id (the stale check)
    expect(e).toEqual({ requests: 5, rate_limit_per_minute: 0, seconds: 0 });
    expect(describeEstimate(e)).toBe('apply needs ~5 requests');
  });

  it('prices look-ups as apply makes them: 100 a request by id or external id, one a request by email', () => {
    const creates = times(250, (i) => userCreate(`u${i}@x.com`, `U${i}`));
    // 250 searches by email; the memberships of users the plan creates are not counted (they exist only on a re-run)
    expect(lookupRequests(creates)).toBe(250);
    // with match: external_id, creates are still searched by email too (the guard's agent check: an agent with
    // that email would be matched by create_or_update_many): 3 show_many by external_id + 250 searches
    expect(lookupRequests(creates, { organizations: 'external_id', users: 'external_id' })).toBe(253);
    expect(lookupRequests(times(250, (i) => orgCreate(`A${i}`, `A${i}`)))).toBe(3);
    // a small instance is cheaper to read whole than 250 searches; a huge one is not
    expect(preferFullRead(creates, { organizations: 50, users: 900, memberships: 300 })).toBe(true);
    expect(preferFullRead(creates, { organizations: 100_000, users: 500_000, memberships: 400_000 })).toBe(false);
    // without the size: above the threshold of records
    expect(preferFullRead(creates, undefined, 100)).toBe(true);
    expect(preferFullRead(creates, undefined)).toBe(false);
  });
});
