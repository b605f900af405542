// The job poller (issue 12): every job in flight followed by one show_many a round, failures tolerated per job.
import { describe, expect, it } from 'vitest';
import { JobPoller, type PolledJob } from '../../src/zendesk/job-poller.js';
import { ZendeskHttpError } from '../../src/zendesk/transport.js';
import { pollInterval } from '../../src/zendesk/writer.js';

function setup(answer: (ids: string[]) => PolledJob[] | Error, options: { timeoutMs?: number } = {}) {
  let t = 0;
  const calls: { kind: 'one' | 'many'; ids: string[]; at: number }[] = [];
  const sleeps: number[] = [];
  const run = (kind: 'one' | 'many', ids: string[]): PolledJob[] => {
    calls.push({ kind, ids, at: t });
    const a = answer(ids);
    if (a instanceof Error) throw a;
    return a;
  };
  const poller = new JobPoller<PolledJob>({
    one: async (id) => run('one', [id])[0] ?? null,
    many: async (ids) => run('many', ids),
    isDone: (j) => j.status === 'completed',
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    now: () => t,
    intervalMs: () => 100,
    maxIntervalMs: 1000,
    timeoutMs: options.timeoutMs ?? 60_000,
    final: (err) => err instanceof ZendeskHttpError && err.status === 404,
    missing: (id) => new Error(`no status for ${id}`),
  });
  return { poller, calls, sleeps };
}

const queued = (id: string): PolledJob => ({ id, status: 'queued' });

describe('JobPoller', () => {
  it('follows many jobs with one show_many a round, and a lone job by its id', async () => {
    const seen = new Map<string, number>();
    const { poller, calls } = setup((ids) =>
      ids.map((id) => {
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        // J3 takes longer: in the end it is alone, and asked for by its id
        return { id, status: n >= (id === 'J3' ? 4 : 2) ? 'completed' : 'working' };
      }),
    );
    const done = await Promise.all(['J1', 'J2', 'J3'].map((id) => poller.follow(queued(id))));
    expect(done.map((j) => j.status)).toEqual(['completed', 'completed', 'completed']);
    expect(calls.map((c) => [c.kind, c.ids.join(',')])).toEqual([
      ['many', 'J1,J2,J3'],
      ['many', 'J1,J2,J3'],
      ['one', 'J3'],
      ['one', 'J3'],
    ]);
  });

  it('asks for at most 100 ids a request', async () => {
    const { poller, calls } = setup((ids) => ids.map((id) => ({ id, status: 'completed' })));
    await Promise.all(Array.from({ length: 250 }, (_, i) => poller.follow(queued(`J${i}`))));
    expect(calls.map((c) => c.ids.length)).toEqual([100, 100, 50]);
  });

  it('waits 1.5x longer after a round where nothing moved, and the base interval again after progress', async () => {
    let n = 0;
    const { poller, sleeps } = setup((ids) => {
      n++;
      return ids.map((id) => ({ id, status: n >= 5 ? 'completed' : n >= 4 ? 'working' : 'queued' }));
    });
    await poller.follow(queued('J1'));
    expect(sleeps).toEqual([100, 150, 225, 338, 100]);
  });

  it('a failed round is retried; a job is given up after 3 failed rounds in a row, with the error', async () => {
    let n = 0;
    const { poller } = setup((ids) => {
      n++;
      if (n <= 2) return new Error('503 after retries');
      return ids.map((id) => ({ id, status: 'completed' }));
    });
    await expect(poller.follow(queued('J1'))).resolves.toMatchObject({ status: 'completed' });
    const failing = setup(() => new Error('503 after retries'));
    await expect(failing.poller.follow(queued('J2'))).rejects.toThrow('503 after retries');
    expect(failing.calls).toHaveLength(3);
  });

  it('a final error (404: the job is gone) gives the job up at once; a job missing from show_many counts as a failed round', async () => {
    const gone = setup(() => new ZendeskHttpError('job J1 not found', 'not_found', 404, 'GET', 'job_statuses/J1', { error: 'RecordNotFound' }));
    await expect(gone.poller.follow(queued('J1'))).rejects.toBeInstanceOf(ZendeskHttpError);
    expect(gone.calls).toHaveLength(1);
    const missing = setup((ids) => ids.filter((id) => id !== 'J2').map((id) => ({ id, status: 'completed' })));
    const [a, b] = await Promise.allSettled([missing.poller.follow(queued('J1')), missing.poller.follow(queued('J2'))]);
    expect(a).toMatchObject({ status: 'fulfilled' });
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('no status for J2') });
  });

  it('a job not done after the timeout resolves with status "timeout"', async () => {
    const { poller } = setup((ids) => ids.map((id) => ({ id, status: 'working' })), { timeoutMs: 500 });
    await expect(poller.follow(queued('J1'))).resolves.toMatchObject({ id: 'J1', status: 'timeout' });
  });

  it('the writer polls at a cadence taken from the budget: 10 % of it for polls, between 200 ms and 1 s', () => {
    expect(pollInterval(2500)).toBe(240);
    expect(pollInterval(700)).toBe(857);
    expect(pollInterval(null)).toBe(857);
    expect(pollInterval(100_000)).toBe(200);
    expect(pollInterval(200)).toBe(1000);
  });
});
