// Bulk jobs are followed several at a time: apply does not wait out each job's polling before sending the next.
import { describe, expect, it } from 'vitest';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import type { FetchLike } from '../../src/zendesk/transport.js';
import { fakeClock, instance, testOptions } from './helpers.js';

/** Answers create_many with a queued job that completes on its second poll (by id or in a show_many); counts
 * jobs not yet completed and the polls. */
function fakeZendesk() {
  let nextJob = 0;
  let nextId = 1000;
  const polls = new Map<string, number>();
  const jobs = new Map<string, { id: number; index: number }[]>();
  const state = { open: 0, maxOpen: 0, posts: 0, showMany: 0, single: 0 };
  const fetchFn: FetchLike = async (url, init) => {
    const u = new URL(url);
    if (init.method === 'POST' && u.pathname === '/api/v2/organizations/create_many.json') {
      const body = JSON.parse(String(init.body)) as { organizations: unknown[] };
      const id = `J${++nextJob}`;
      jobs.set(id, body.organizations.map((_, index) => ({ id: ++nextId, index })));
      polls.set(id, 0);
      state.posts++;
      state.open++;
      state.maxOpen = Math.max(state.maxOpen, state.open);
      return Response.json({ job_status: { id, status: 'queued', results: null } });
    }
    const poll = (id: string): Record<string, unknown> => {
      const n = (polls.get(id) ?? 0) + 1;
      polls.set(id, n);
      if (n < 2) return { id, status: 'working', results: null };
      if (n === 2) state.open--;
      const results = jobs.get(id)!.map((r) => ({ ...r, action: 'create', status: 'Created', success: true }));
      return { id, status: 'completed', results };
    };
    if (u.pathname === '/api/v2/job_statuses/show_many.json') {
      state.showMany++;
      return Response.json({ job_statuses: u.searchParams.get('ids')!.split(',').map(poll) });
    }
    const m = /^\/api\/v2\/job_statuses\/(J\d+)(\.json)?$/.exec(u.pathname);
    if (m) {
      state.single++;
      return Response.json({ job_status: poll(m[1]) });
    }
    throw new Error(`unexpected ${init.method} ${url}`);
  };
  return { fetchFn, state };
}

describe('jobs in flight', () => {
  const orgs = Array.from({ length: 1000 }, (_, i) => ({ name: `Org ${i}`, external_id: `E${i}` }));

  it('sizes the jobs in flight from the request budget (here a ceiling of 240/min: 4), and maps every record back to its index', async () => {
    const { fetchFn, state } = fakeZendesk();
    const w = createZendeskWriter(instance({ max_requests_per_minute: 240 }), { ...testOptions(fakeClock()), jobsInFlight: undefined, fetch: fetchFn });
    expect(w.transport.budget.concurrency()).toBe(4);
    const results = await w.createOrganizations(orgs);
    expect(state.posts).toBe(10);
    expect(state.maxOpen).toBe(4);
    // the jobs in flight are polled together: one show_many a round, not one poll per job
    expect(state.showMany).toBeGreaterThan(0);
    expect(state.showMany + state.single).toBeLessThan(2 * state.posts);
    expect(results).toHaveLength(1000);
    expect(results.every((r, i) => r.ok && r.index === i && r.status === 'Created')).toBe(true);
    expect(new Set(results.map((r) => r.id)).size).toBe(1000);
  });

  it('one at a time when asked', async () => {
    const { fetchFn, state } = fakeZendesk();
    const w = createZendeskWriter(instance(), { ...testOptions(fakeClock()), jobsInFlight: 1, fetch: fetchFn });
    await w.createOrganizations(orgs);
    expect(state.maxOpen).toBe(1);
  });

  it('more jobs in flight as the budget grows: 2,500/min reported by Zendesk -> 25 (Zendesk queues 30 per account)', async () => {
    const { fetchFn, state } = fakeZendesk();
    const limited: FetchLike = async (url, init) => {
      const res = await fetchFn(url, init);
      const headers = new Headers(res.headers);
      headers.set('X-Rate-Limit', '2500');
      headers.set('ratelimit-remaining', '2400');
      return new Response(await res.text(), { status: res.status, headers });
    };
    const many = Array.from({ length: 4000 }, (_, i) => ({ name: `Org ${i}`, external_id: `E${i}` }));
    const w = createZendeskWriter(instance(), { ...testOptions(fakeClock()), jobsInFlight: undefined, fetch: limited });
    expect(w.transport.budget.concurrency()).toBe(12); // nothing seen yet: Zendesk's usual 700/min assumed
    await w.createOrganizations(many.slice(0, 1)); // any answer carries the limit
    expect(w.transport.budget.concurrency()).toBe(25);
    state.maxOpen = 0;
    const results = await w.createOrganizations(many.slice(1));
    expect(state.maxOpen).toBe(25);
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

/**
 * A discrete-event clock: sleep(ms) waits for the simulated time to reach now + ms; whenever every caller is
 * waiting (a macrotask turn passed with nothing runnable: the fake Zendesk answers at once), time jumps to the
 * earliest wake-up. So concurrent sleepers share one timeline, and rates are requests per simulated minute.
 */
function eventClock(start = 1_700_000_000_000) {
  let t = start;
  const timers: { at: number; wake: () => void }[] = [];
  let driving = false;
  const drive = (): void => {
    if (driving) return;
    driving = true;
    const step = (): void => {
      if (timers.length === 0) {
        driving = false;
        return;
      }
      timers.sort((a, b) => a.at - b.at);
      const at = timers[0].at;
      t = Math.max(t, at);
      while (timers.length > 0 && timers[0].at <= t) timers.shift()!.wake();
      setImmediate(step);
    };
    setImmediate(step);
  };
  return {
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        timers.push({ at: t + Math.max(0, ms), wake });
        drive();
      }),
  };
}

describe('budget use', () => {
  it('at 2,500/min reported by Zendesk the writes keep the budget >= 90 % busy in every full minute, none over it', { timeout: 120_000 }, async () => {
    const clock = eventClock();
    const { fetchFn } = fakeZendesk();
    const perMinute = new Map<number, number>();
    let remaining = 2500;
    let windowMinute = Math.floor(clock.now() / 60_000);
    // Zendesk's fixed per-minute window, with its headers
    const limited: FetchLike = async (url, init) => {
      const minute = Math.floor(clock.now() / 60_000);
      if (minute !== windowMinute) {
        windowMinute = minute;
        remaining = 2500;
      }
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
      const reset = String(Math.ceil(((minute + 1) * 60_000 - clock.now()) / 1000));
      if (remaining <= 0) return new Response('{}', { status: 429, headers: { 'Retry-After': reset, 'ratelimit-limit': '2500', 'ratelimit-remaining': '0', 'ratelimit-reset': reset } });
      remaining--;
      const res = await fetchFn(url, init);
      const headers = new Headers(res.headers);
      headers.set('ratelimit-limit', '2500');
      headers.set('ratelimit-remaining', String(remaining));
      headers.set('ratelimit-reset', reset);
      return new Response(await res.text(), { status: res.status, headers });
    };
    // one record a request, so that a few thousand requests fill several minutes
    const w = createZendeskWriter(instance(), { now: clock.now, sleep: clock.sleep, random: () => 0.5, fetch: limited, batchSize: 1 });
    await w.createOrganizations([{ name: 'first', external_id: 'F' }]); // any answer carries the limit
    const orgs = Array.from({ length: 6000 }, (_, i) => ({ name: `Org ${i}`, external_id: `E${i}` }));
    const results = await w.createOrganizations(orgs);
    expect(results.every((r) => r.ok)).toBe(true);
    const minutes = [...perMinute.entries()].sort((a, b) => a[0] - b[0]);
    const full = minutes.slice(1, -1); // the first and the last minute are partial
    expect(full.length).toBeGreaterThanOrEqual(1);
    for (const [, n] of minutes) expect(n).toBeLessThanOrEqual(2500);
    for (const [, n] of full) expect(n).toBeGreaterThanOrEqual(0.9 * 2500);
    expect(w.transport.rateLimitedCount).toBe(0);
  });
});
