// One request budget per Zendesk instance for every request of a run, against the sandbox (its fixed
// per-minute window, its rate_limit_per_minute fault) on a fake clock shared by the sandbox and zdsf:
// requests are counted per minute of that clock, so nothing here depends on the machine's speed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { RequestBudget } from '../../src/zendesk/budget.js';
import { createTransportPool } from '../../src/zendesk/pool.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import type { FetchLike } from '../../src/zendesk/transport.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { fakeClock, instance } from './helpers.js';

const ORGS = 1500;
const seed: SandboxSeed = {
  zendesk: {
    settings: { user: { multiple_organizations: true } },
    organizations: Array.from({ length: ORGS }, (_, i) => ({
      id: i + 1,
      name: `Org ${i}`,
      external_id: `E${i}`,
      tags: [],
      domain_names: [],
      notes: null,
      details: null,
      organization_fields: {},
    })),
    users: [],
    organization_memberships: [],
    organization_fields: [],
    user_fields: [],
  },
};

let sandbox: Sandbox;
const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
/** the clock only moves when someone sleeps; a tick lets the other callers run first */
const sleep = async (ms: number): Promise<void> => {
  clock.advance(ms);
  await new Promise((resolve) => setImmediate(resolve));
};

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0, now: clock.now });
});
afterEach(() => sandbox.reset(seed));
afterAll(async () => {
  await sandbox.close();
});

/** counts the requests sent in each minute of the fake clock */
function counting(): { fetch: FetchLike; perMinute: Map<number, number>; total: () => number } {
  const perMinute = new Map<number, number>();
  return {
    perMinute,
    total: () => [...perMinute.values()].reduce((a, b) => a + b, 0),
    fetch: (url, init) => {
      const minute = Math.floor(clock.now() / 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
      return globalThis.fetch(url, init);
    },
  };
}

const zd = (max?: number) =>
  instance({ url: sandbox.zendeskUrl(), auth: { method: 'api_token', email: 'ops@acme.example', token: 'sandbox-token' }, ...(max ? { max_requests_per_minute: max } : {}) });
const timing = { now: clock.now, sleep, random: () => 0.5, pollIntervalMs: 100, maxPollIntervalMs: 400 };

describe('one request budget per instance for the whole run', () => {
  it('a full read and bulk writes at the same time keep to a ceiling of 30/min together', async () => {
    const c = counting();
    const pool = createTransportPool({ ...timing, fetch: c.fetch });
    const target = zd(30);
    const reader = createZendeskReader({ transportFactory: pool.get });
    const writer = createZendeskWriter(target, { ...timing, transport: pool.get(target) });
    const creates = Array.from({ length: 1000 }, (_, i) => ({ name: `New ${i}`, external_id: `N${i}` }));
    const [data, results] = await Promise.all([reader.read({ instance: target }), writer.createOrganizations(creates)]);
    expect(data.organizations.length).toBeGreaterThanOrEqual(ORGS); // and some of the new ones, read as they were written
    expect(results.filter((r) => r.ok)).toHaveLength(1000);
    expect(pool.get(target)).toBe(writer.transport); // one transport, so one budget
    // 3 + 15 + 1 + 1 + 1 read requests, 10 bulk requests and their polls: over 30, so more than one minute
    expect(c.total()).toBeGreaterThan(30);
    expect(Math.max(...c.perMinute.values())).toBeLessThanOrEqual(30);
    expect(sandbox.stats().rate_limited).toBe(0);
  });

  it('separate transports for the read and the writes each keep to the ceiling alone, and together exceed it', async () => {
    // the situation before: shown here so the test above cannot pass by accident
    const c = counting();
    const target = zd(30);
    const reader = createZendeskReader({ ...timing, fetch: c.fetch });
    const writer = createZendeskWriter(target, { ...timing, fetch: c.fetch });
    const creates = Array.from({ length: 1000 }, (_, i) => ({ name: `New ${i}`, external_id: `N${i}` }));
    await Promise.all([reader.read({ instance: target }), writer.createOrganizations(creates)]);
    expect(Math.max(...c.perMinute.values())).toBeGreaterThan(30);
  });

  it("at the sandbox's rate_limit_per_minute fault (40/min) with no ceiling configured: no minute over it, < 1% answered 429", async () => {
    sandbox.faults({ rate_limit_per_minute: 40 });
    const c = counting();
    const pool = createTransportPool({ ...timing, fetch: c.fetch });
    const target = zd();
    const writer = createZendeskWriter(target, { ...timing, transport: pool.get(target) });
    // 8 jobs in flight against an unknown limit at first: Zendesk's headers have to hold them back (their
    // jobs are polled together, one show_many a round: enough writes for more than two minutes' worth)
    const writes = Array.from({ length: 6000 }, (_, i) => ({ name: `New ${i}`, external_id: `N${i}` }));
    const [data, results] = await Promise.all([
      createZendeskReader({ transportFactory: pool.get }).read({ instance: target }),
      createZendeskWriter(target, { ...timing, transport: pool.get(target), jobsInFlight: 8 }).createOrganizations(writes),
    ]);
    expect(data.organizations.length).toBeGreaterThanOrEqual(ORGS);
    expect(results.filter((r) => r.ok)).toHaveLength(6000);
    const total = c.total();
    expect(total).toBeGreaterThan(100);
    expect(Math.max(...c.perMinute.values())).toBeLessThanOrEqual(40);
    expect(sandbox.stats().rate_limited / total).toBeLessThan(0.01);
    expect(writer.transport.rateLimitedCount).toBe(sandbox.stats().rate_limited);
  });
});

describe('the older rate-limit / rate-limit-remaining / rate-limit-reset headers (2023 instances), over the sandbox', () => {
  it('paced on them alone at the rate_limit_per_minute fault (40/min): no minute over it, < 1% answered 429', async () => {
    const old = await startSandbox({ seed, port: 0, now: clock.now, zendeskRateLimitHeaders: 'rate-limit' });
    try {
      old.faults({ rate_limit_per_minute: 40 });
      const c = counting();
      const target = instance({ url: old.zendeskUrl(), auth: { method: 'api_token', email: 'ops@acme.example', token: 'sandbox-token' } });
      const pool = createTransportPool({ ...timing, fetch: c.fetch });
      const writes = Array.from({ length: 5000 }, (_, i) => ({ name: `New ${i}`, external_id: `N${i}` }));
      const results = await createZendeskWriter(target, { ...timing, transport: pool.get(target), jobsInFlight: 8 }).createOrganizations(writes);
      expect(results.filter((r) => r.ok)).toHaveLength(5000);
      const first = await globalThis.fetch(`${old.zendeskUrl()}/api/v2/account/settings`);
      expect(first.headers.get('rate-limit-remaining')).not.toBeNull(); // the variant under test
      expect(first.headers.get('ratelimit-remaining')).toBeNull();
      expect(c.total()).toBeGreaterThan(40); // more than a minute's worth
      expect(Math.max(...c.perMinute.values())).toBeLessThanOrEqual(40);
      expect(old.stats().rate_limited / c.total()).toBeLessThan(0.01);
    } finally {
      await old.close();
    }
  });
});

describe('RequestBudget', () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it('reads the older rate-limit / rate-limit-remaining / rate-limit-reset headers', async () => {
    const c = fakeClock();
    const b = new RequestBudget({ now: c.now, sleep: c.sleep });
    await b.acquire();
    b.settle(headers({ 'rate-limit': '400', 'rate-limit-remaining': '0', 'rate-limit-reset': '7' }), 200);
    expect(b.observedLimitPerMinute).toBe(400);
    await b.acquire();
    expect(c.sleeps).toEqual([7_000]);
  });

  it('a 429 with Retry-After holds back every caller, not only the one answered', async () => {
    const c = fakeClock();
    const b = new RequestBudget({ now: c.now, sleep: c.sleep });
    await b.acquire();
    await b.acquire();
    b.settle(headers({}), 429, 20_000);
    b.settle(headers({}), 200);
    await b.acquire();
    expect(c.sleeps).toEqual([20_000]);
    expect(b.rateLimitedCount).toBe(1);
  });

  it("a 503's Retry-After of 1 s pauses for 1 s, not until the rate-limit window resets", async () => {
    const c = fakeClock();
    const b = new RequestBudget({ now: c.now, sleep: c.sleep });
    await b.acquire();
    b.settle(headers({ 'ratelimit-limit': '120', 'ratelimit-remaining': '100', 'ratelimit-reset': '40' }), 503, 1_000);
    await b.acquire();
    expect(c.sleeps).toEqual([1_000]);
  });

  it('counts its own sends down from the last ratelimit-remaining, so requests in flight do not overrun it', async () => {
    const c = fakeClock();
    const b = new RequestBudget({ now: c.now, sleep: c.sleep });
    await b.acquire();
    b.settle(headers({ 'ratelimit-limit': '1000', 'ratelimit-remaining': '3', 'ratelimit-reset': '30' }), 200);
    // 3 left: sent one after the other without an answer in between, the fourth waits for the reset
    for (let i = 0; i < 4; i++) await b.acquire();
    expect(c.now() - 1_700_000_000_000).toBeGreaterThanOrEqual(30_000);
  });

  it('recommends one job in flight per request a second of the budget, 1 to 25', () => {
    expect(new RequestBudget({ ceiling: 30 }).concurrency()).toBe(1);
    expect(new RequestBudget({ ceiling: 300 }).concurrency()).toBe(5);
    expect(new RequestBudget({}).concurrency()).toBe(12);
    expect(new RequestBudget({ ceiling: 100_000 }).concurrency()).toBe(25);
  });
});
