import type { ZendeskInstance } from '../../src/model/config.js';

export const BASE = 'https://acme.zendesk.com';
export const TOKEN = 'sEcReT-t0ken-value';
export const EMAIL = 'ops@acme.example';

export function instance(overrides: Partial<ZendeskInstance> = {}): ZendeskInstance {
  return {
    name: 'global',
    url: BASE,
    auth: { method: 'api_token', email: EMAIL, token: TOKEN },
    multiple_organizations: true,
    ...overrides,
  };
}

/** A clock that only moves when the code under test sleeps (or the test advances it). */
export function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

/** Options for transports/writers under test: fake time, deterministic jitter (0.5). */
/** nock tests assert exact request sequences: one bulk job at a time (the concurrency has its own test) */
export function testOptions(clock = fakeClock()) {
  return { now: clock.now, sleep: clock.sleep, random: () => 0.5, jobsInFlight: 1 };
}

export function job(id: string, status: string, results: unknown[] | null = null, extra: Record<string, unknown> = {}) {
  return {
    job_status: {
      id,
      url: `${BASE}/api/v2/job_statuses/${id}.json`,
      status,
      total: results?.length ?? null,
      progress: results?.length ?? null,
      message: status === 'completed' ? 'Completed at 2026-01-01 00:00:00 +0000' : null,
      results,
      ...extra,
    },
  };
}
