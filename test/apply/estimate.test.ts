import { describe, expect, it } from 'vitest';
import { describeEstimate, estimateApply } from '../../src/apply/estimate.js';
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
      ...times(5, (i) => makeDefault(`u${i}@x.com`, 'A1', i, { user_id: i, organization_id: 1 }, null)), // 5
    ];
    const e = estimateApply(changes, 200);
    expect(e).toEqual({ requests: 6 + 2 + 4 + 20 + 5, rate_limit_per_minute: 200, seconds: Math.ceil((37 * 60) / 200) });
    expect(describeEstimate(e)).toBe('apply needs ~37 requests, ~12 seconds at 200 requests/minute');
  });

  it('estimates a large first sync of secondary relationships in minutes', () => {
    const e = estimateApply(times(50_000, (i) => membershipCreate(`u${i}@x.com`, 'A', { user_id: i, organization_id: 1 })), 700);
    expect(e.requests).toBe(1000);
    expect(e.seconds).toBe(Math.ceil((1000 * 60) / 700));
    expect(describeEstimate(e)).toBe('apply needs ~1000 requests, ~2 minutes at 700 requests/minute');
  });

  it('is zero for no changes, and has no time without a known rate limit', () => {
    expect(estimateApply([], 400)).toEqual({ requests: 0, rate_limit_per_minute: 400, seconds: 0 });
    const e = estimateApply([orgCreate('A', 'A')], 0);
    expect(e).toEqual({ requests: 2, rate_limit_per_minute: 0, seconds: 0 });
    expect(describeEstimate(e)).toBe('apply needs ~2 requests');
  });
});
