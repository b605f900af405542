import { describe, expect, it } from 'vitest';
import { describeEstimate, estimateApply, fullReadRequests, jobWaitSeconds, lookupRequests, preferFullRead, writeRequests } from '../../src/apply/estimate.js';
import type { Change } from '../../src/model/plan.js';
import { makeDefault, membershipCreate, orgCreate, orgUpdate, userCreate } from './helpers.js';

const times = (n: number, f: (i: number) => Change): Change[] => Array.from({ length: n }, (_, i) => f(i));

describe('estimateApply', () => {
  it('counts one bulk request and one job-status poll per 100 records of each kind, and one request per make_default', () => {
    const changes = [
      ...times(250, (i) => orgCreate(`A${i}`, `A${i}`)), // 3 bulk + 3 polls
      ...times(100, (i) => orgUpdate(i + 1, `B${i}`, `B${i}`, { notes: 'a' }, { notes: 'b' })), // 1 + 1
      ...times(101, (i) => userCreate(`u${i}@x.com`, `U${i}`)), // 2 + 2
      ...times(1000, (i) => membershipCreate(`u${i}@x.com`, 'A1', { user_id: i, organization_id: 1 })), // 10 + 10
      ...times(5, (i) => makeDefault(`u${i}@x.com`, 'A1', i, { user_id: i, organization_id: 1 })), // 5
    ];
    expect(writeRequests(changes)).toBe(6 + 2 + 4 + 20 + 5);
    const e = estimateApply(changes, 200);
    const lookups = lookupRequests(changes);
    // job polling: at 200/minute 4 jobs at a time; org create 3 batches (1 round), org update 1, user create 2 (1),
    // memberships 10 (3 rounds): 6 rounds of 2.5 s
    expect(jobWaitSeconds(changes, 200)).toBe(15);
    expect(e).toEqual({ requests: 37 + lookups, rate_limit_per_minute: 200, seconds: Math.ceil(((37 + lookups) * 60) / 200 + 15) });
  });

  it('estimates a large first sync of secondary relationships in minutes', () => {
    const changes = times(50_000, (i) => membershipCreate(`u${i}@x.com`, 'A', { user_id: i, organization_id: 1 }));
    // 500 bulk requests + 500 polls; the look-ups: one full read of an instance of 1,000 orgs, 60,000 users and
    // 50,000 memberships (10 + 600 + 500 pages + 3) instead of 50,000 per-user membership reads
    const size = { organizations: 1_000, users: 60_000, memberships: 50_000 };
    expect(preferFullRead(changes, size)).toBe(true);
    const e = estimateApply(changes, 700, size);
    expect(e.requests).toBe(1000 + fullReadRequests(size));
    expect(fullReadRequests(size)).toBe(1113);
    // 500 membership batches, 12 jobs at a time at 700/minute: 42 rounds of 2.5 s
    expect(e.seconds).toBe(Math.ceil((2113 * 60) / 700 + 42 * 2.5));
    expect(describeEstimate(e)).toBe('apply needs ~2113 requests, ~5 minutes at 700 requests/minute');
  });

  it('is zero for no changes, and has no time without a known rate limit', () => {
    expect(estimateApply([], 400)).toEqual({ requests: 0, rate_limit_per_minute: 400, seconds: 0 });
    const e = estimateApply([orgCreate('A', 'A')], 0);
    // one create_many, one poll, one show_many by external_id (the stale check)
    expect(e).toEqual({ requests: 3, rate_limit_per_minute: 0, seconds: 0 });
    expect(describeEstimate(e)).toBe('apply needs ~3 requests');
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
