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
