import { describe, expect, it } from 'vitest';
import type { SandboxRequest } from '../../../src/sandbox/http.js';
import { bulkItems, JobEngine, jobResult, type JobStep } from '../../../src/sandbox/zendesk/jobs.js';
import { Router } from '../../../src/sandbox/zendesk/router.js';

type Status = { id: string; status: string; progress: number | null; message: string | null; results: unknown[] | null };
const get = (router: Router, path: string): { status: number; body: Record<string, unknown> } => {
  const req: SandboxRequest = { method: 'GET', url: new URL(`http://zd.test/api/v2/${path}`), headers: { authorization: 'Bearer t' }, body: undefined, rawBody: '' };
  const r = router.route(req);
  return { status: r?.status ?? 0, body: r?.body as Record<string, unknown> };
};
const poll = (router: Router, id: string): Status => get(router, `job_statuses/${id}.json`).body.job_status as Status;

function setup(jobDelayMs?: number): { engine: JobEngine; router: Router; clock: { t: number }; writes: string[]; steps: (name: string, n: number) => JobStep[] } {
  const clock = { t: 1_000 };
  const engine = new JobEngine({ base: () => 'http://zd.test', now: () => clock.t, jobDelayMs });
  const router = new Router({ before: () => engine.settleDue() });
  engine.routes(router);
  const writes: string[] = [];
  const steps = (name: string, n: number): JobStep[] => Array.from({ length: n }, (_, i) => () => { writes.push(`${name}${i}`); return { id: i, status: 'Created' }; });
  return { engine, router, clock, writes, steps };
}

describe('JobEngine', () => {
  it('moves a job queued -> working (half its items written, progress and a message) -> completed', () => {
    const { engine, router, writes, steps } = setup();
    const queued = (engine.queue('Bulk Create Organizations', 'Creating organization', steps('o', 4)).body as { job_status: Status }).job_status;
    expect(queued).toMatchObject({ status: 'queued', progress: null, message: null, results: null });
    expect(queued.id).toMatch(/^V3-[0-9a-f]{32}$/);
    expect(poll(router, queued.id)).toMatchObject({ status: 'working', progress: 2, message: 'Creating organization #2', results: null });
    expect(writes).toEqual(['o0', 'o1']);
    const done = poll(router, queued.id);
    expect(done).toMatchObject({ status: 'completed', progress: 4 });
    expect(done.message).toMatch(/^Completed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/);
    expect(done.results).toHaveLength(4);
    expect(writes).toEqual(['o0', 'o1', 'o2', 'o3']);
  });

  it('finishes earlier jobs before a later one starts working', () => {
    const { engine, router, writes, steps } = setup();
    engine.queue('a', 'Creating organization', steps('a', 2));
    const b = (engine.queue('b', 'Creating organization', steps('b', 2)).body as { job_status: Status }).job_status;
    poll(router, b.id);
    expect(writes).toEqual(['a0', 'a1', 'b0']);
  });

  it('with jobDelayMs completes due jobs before any request, in queue order', () => {
    const { engine, router, clock, writes, steps } = setup(100);
    engine.queue('a', 'x', steps('a', 1));
    engine.queue('b', 'x', steps('b', 1));
    expect(engine.pending()).toBe(2);
    clock.t += 100;
    get(router, 'job_statuses.json');
    expect(writes).toEqual(['a0', 'b0']);
    expect(engine.pending()).toBe(0);
  });

  it('answers 404 for an unknown job', () => {
    expect(get(setup().router, 'job_statuses/V3-abc.json').status).toBe(404);
  });

  it('refuses a bulk body that is not a list of objects, or holds more than 100 (TooManyValues, as live)', () => {
    expect(Array.isArray(bulkItems({ users: [{}, {}] }, 'users'))).toBe(true);
    expect((bulkItems({ users: 'x' }, 'users') as { status: number }).status).toBe(400);
    expect(bulkItems({ users: Array.from({ length: 101 }, () => ({})) }, 'users')).toMatchObject({ status: 400, body: { error: 'TooManyValues', description: 'Maximum 100 users may be created per call' } });
    expect(bulkItems({ organizations: Array.from({ length: 101 }, () => ({})) }, 'organizations')).toMatchObject({ status: 400, body: { error: 'TooManyValues', max_count: 100 } });
  });

  it('shapes results as live Zendesk does: creates without index, updates with action/success, failures with index', () => {
    const value = { id: 7 };
    expect(jobResult(0, { ok: true, value, action: 'create' })).toEqual({ id: 7, status: 'Created' });
    expect(jobResult(1, { ok: true, value, action: 'update' })).toEqual({ id: 7, action: 'update', status: 'Updated', success: true });
    expect(jobResult(2, { ok: true, value, action: 'delete' })).toEqual({ id: 7, action: 'delete', status: 'Deleted', success: true });
    const failed = { ok: false as const, status: 422 as const, error: 'DuplicateValue', details: { name: [{ description: 'Name: has already been taken', error: 'DuplicateValue' }] } };
    expect(jobResult(3, failed, { id: 7, failure: 'OrganizationUpdateFailed' })).toEqual({ index: 3, error: 'OrganizationUpdateFailed', id: 7, details: 'Name: has already been taken' });
    expect(jobResult(4, failed)).toEqual({ index: 4, error: 'DuplicateValue', details: 'Name: has already been taken' });
  });
});
