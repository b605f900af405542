import { describe, expect, it } from 'vitest';
import type { SandboxRequest } from '../../../src/sandbox/http.js';
import { bulkItems, JobEngine, jobResult } from '../../../src/sandbox/zendesk/jobs.js';
import { Router } from '../../../src/sandbox/zendesk/router.js';

const get = (router: Router, path: string): { status: number; body: Record<string, unknown> } => {
  const req: SandboxRequest = { method: 'GET', url: new URL(`http://zd.test/api/v2/${path}`), headers: { authorization: 'Bearer t' }, body: undefined, rawBody: '' };
  const r = router.route(req);
  return { status: r?.status ?? 0, body: r?.body as Record<string, unknown> };
};

function setup(jobDelayMs?: number): { engine: JobEngine; router: Router; clock: { t: number }; writes: string[] } {
  const clock = { t: 1_000 };
  const engine = new JobEngine({ base: () => 'http://zd.test', now: () => clock.t, jobDelayMs });
  const router = new Router({ before: () => engine.settleDue() });
  engine.routes(router);
  return { engine, router, clock, writes: [] };
}

describe('JobEngine', () => {
  it('moves a job queued -> working -> completed one step per poll, writing only on completion', () => {
    const { engine, router, writes } = setup();
    const queued = engine.queue('Bulk Create Organizations', 2, () => { writes.push('done'); return [{ success: true }, { success: true }]; });
    const id = ((queued.body as { job_status: { id: string; status: string } }).job_status).id;
    expect((queued.body as { job_status: { status: string } }).job_status.status).toBe('queued');
    expect((get(router, `job_statuses/${id}.json`).body.job_status as { status: string }).status).toBe('working');
    expect(writes).toEqual([]);
    const done = get(router, `job_statuses/${id}.json`).body.job_status as { status: string; results: unknown[]; progress: number };
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(2);
    expect(done.results).toHaveLength(2);
    expect(writes).toEqual(['done']);
  });

  it('with jobDelayMs completes due jobs before any request, in queue order', () => {
    const { engine, router, clock, writes } = setup(100);
    engine.queue('a', 1, () => { writes.push('a'); return []; });
    engine.queue('b', 1, () => { writes.push('b'); return []; });
    expect(engine.pending()).toBe(2);
    clock.t += 100;
    get(router, 'job_statuses.json');
    expect(writes).toEqual(['a', 'b']);
    expect(engine.pending()).toBe(0);
  });

  it('answers 404 for an unknown job', () => {
    expect(get(setup().router, 'job_statuses/abc.json').status).toBe(404);
  });

  it('refuses a bulk body that is not a list of objects, or holds more than 100', () => {
    expect(Array.isArray(bulkItems({ users: [{}, {}] }, 'users'))).toBe(true);
    expect((bulkItems({ users: 'x' }, 'users') as { status: number }).status).toBe(400);
    expect((bulkItems({ users: Array.from({ length: 101 }, () => ({})) }, 'users') as { status: number }).status).toBe(400);
  });

  it('renders a failed outcome with its error and the details joined', () => {
    const r = jobResult(3, { ok: false, status: 422, error: 'DuplicateValue', details: { name: [{ description: 'Name: has already been taken', error: 'DuplicateValue' }] } });
    expect(r).toMatchObject({ index: 3, error: 'DuplicateValue', details: 'Name: has already been taken', success: false });
  });
});
