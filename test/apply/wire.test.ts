// What apply puts on the wire through the real Zendesk writer (nock): exactly the plan's `after` (issue 11:
// apply adds and drops nothing). Reconcile plans verified + skip_verify_email unless verify_email is on, and
// role end-user; the guard refuses any other role or flag.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { makeConfig, makePlan, syncConfig, userCreate } from './helpers.js';

const BASE = 'https://wire.zendesk.com';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

async function createBody(verifyEmail: boolean): Promise<unknown> {
  const base = syncConfig();
  const config = makeConfig([{ ...base, users: { ...base.users!, verify_email: verifyEmail } }]);
  const instance = { ...config.zendesk.global, url: BASE };
  let body: unknown;
  nock(BASE)
    .get(/^\/api\/v2\/users\/search/)
    .query(true)
    .reply(200, { users: [], next_page: null, count: 0 });
  nock(BASE)
    .post('/api/v2/users/create_or_update_many.json', (b: unknown) => {
      body = b;
      return true;
    })
    .reply(200, { job_status: { id: 'j1', status: 'queued', url: `${BASE}/api/v2/job_statuses/j1.json` } });
  nock(BASE)
    .get('/api/v2/job_statuses/j1.json')
    .reply(200, { job_status: { id: 'j1', status: 'completed', total: 1, progress: 1, results: [{ id: 55, index: 0, action: 'create', status: 'Created' }] } });
  const writer = createZendeskWriter(instance, { pollIntervalMs: 1, sleep: async () => {} });
  // reconcile's after for a user create carries role and, unless verify_email, the verification flags
  const change = verifyEmail
    ? userCreate('ann@x.com', 'Ann', undefined, { verified: undefined, skip_verify_email: undefined })
    : userCreate('ann@x.com', 'Ann');
  const plan = makePlan({ global: [change] }, undefined, { verify_email: verifyEmail });
  plan.syncs[0].target.url = `https://global.zendesk.com`;
  const result = await applyPlan({ plan, config, writerFor: () => writer });
  expect(result.failures).toEqual([]);
  expect(result.added).toBe(1);
  expect(nock.isDone()).toBe(true);
  return body;
}

describe('user creates on the wire', () => {
  it('are sent exactly as planned: verified with skip_verify_email, role end-user', async () => {
    expect(await createBody(false)).toEqual({
      users: [{ name: 'Ann', email: 'ann@x.com', tags: [], role: 'end-user', verified: true, skip_verify_email: true }],
    });
  });

  it('leave verification to Zendesk with verify_email: true', async () => {
    expect(await createBody(true)).toEqual({ users: [{ name: 'Ann', email: 'ann@x.com', tags: [], role: 'end-user' }] });
  });
});
