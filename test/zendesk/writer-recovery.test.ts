// Issue 11/12: the writer (not the executor) recovers unknown outcomes: it looks the records up and re-sends
// only what is proven absent; and it maps live-shaped job results: creates { id, status } by position,
// updates / deletes { id, action, status, success } by id, failures { index, error, id, details } by index.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskWriter, mapJobResults } from '../../src/zendesk/writer.js';
import { BASE, fakeClock, instance, job, testOptions } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

type Body = { organizations?: { external_id: string }[]; organization_memberships?: unknown[] };

describe('unknown outcomes', () => {
  it('a create_many whose answer is lost: found records are done, absent ones sent again, nothing twice', async () => {
    const bodies: Body[] = [];
    // the first request times out (the transport retries nothing for a POST): outcome unknown
    nock(BASE).post('/api/v2/organizations/create_many.json').delayConnection(2_000).reply(200, job('J0', 'completed', []));
    // the look-up finds A (created), not B
    nock(BASE)
      .get('/api/v2/organizations/show_many')
      .query(true)
      .times(3)
      .reply(200, { organizations: [{ id: 7, name: 'A', external_id: 'A' }], next_page: null });
    nock(BASE)
      .post('/api/v2/organizations/create_many.json', (b: Body) => {
        bodies.push(b);
        return true;
      })
      .reply(200, job('J1', 'completed', [{ id: 8, status: 'Created' }]));
    const w = createZendeskWriter(instance(), { ...testOptions(fakeClock()), timeoutMs: 200, maxAttempts: 1 });
    const results = await w.createOrganizations([
      { name: 'A', external_id: 'A' },
      { name: 'B', external_id: 'B' },
    ]);
    expect(bodies).toEqual([{ organizations: [{ name: 'B', external_id: 'B' }] }]);
    expect(results).toEqual([
      { index: 0, ok: true, id: 7, status: 'Found' },
      { index: 1, ok: true, id: 8, status: 'Created' },
    ]);
  });

  it('a create answered 500 three times in a row: looked up and sent again each time, created once (50 % faults)', async () => {
    let posts = 0;
    const created: string[] = [];
    const stored: { id: number; name: string; external_id: string }[] = [];
    nock(BASE)
      .post('/api/v2/organizations/create_many.json')
      .times(4)
      .reply((_uri, b) => {
        posts++;
        if (posts <= 3) return [500, { error: 'InternalServerError', description: 'injected' }];
        for (const o of (b as Body).organizations ?? []) {
          created.push(o.external_id);
          stored.push({ id: 100 + stored.length, name: o.external_id, external_id: o.external_id });
        }
        return [200, job('J4', 'completed', stored.map((o) => ({ id: o.id, status: 'Created' })))];
      });
    nock(BASE)
      .get('/api/v2/organizations/show_many')
      .query(true)
      .times(20)
      .reply(() => [200, { organizations: stored, next_page: null }]);
    const w = createZendeskWriter(instance(), { ...testOptions(fakeClock()), lookupAttempts: 1 });
    const results = await w.createOrganizations([
      { name: 'A', external_id: 'A' },
      { name: 'B', external_id: 'B' },
    ]);
    expect(posts).toBe(4); // the first send and three rounds of look-up-then-send-again
    expect(created).toEqual(['A', 'B']);
    expect(results.map((r) => [r.index, r.ok, r.status])).toEqual([
      [0, true, 'Created'],
      [1, true, 'Created'],
    ]);
  });

  it('a create whose outcome stays unknown is reported after resendRounds sends, not sent for ever', async () => {
    let posts = 0;
    nock(BASE)
      .post('/api/v2/organizations/create_many.json')
      .times(10)
      .reply(() => {
        posts++;
        return [500, { error: 'InternalServerError', description: 'injected' }];
      });
    nock(BASE).get('/api/v2/organizations/show_many').query(true).times(20).reply(200, { organizations: [], next_page: null });
    const w = createZendeskWriter(instance(), { ...testOptions(fakeClock()), lookupAttempts: 1, resendRounds: 2 });
    const results = await w.createOrganizations([{ name: 'A', external_id: 'A' }]);
    expect(posts).toBe(3);
    expect(results).toMatchObject([{ index: 0, ok: false, status: 'OutcomeUnknown' }]);
    expect(results[0].error).toMatch(/sent again.*Run plan and apply again/s);
  });

  it('a re-sent create Zendesk answers "already taken" (it did arrive meanwhile) is looked up, not failed', async () => {
    nock(BASE).post('/api/v2/organizations/create_many.json').reply(200, job('J1', 'completed', [{ index: 0, error: 'DuplicateValue', details: 'Name: has already been taken' }]));
    nock(BASE).get('/api/v2/organizations/show_many').query(true).reply(200, { organizations: [{ id: 9, name: 'A', external_id: 'A' }], next_page: null });
    const w = createZendeskWriter(instance(), testOptions(fakeClock()));
    expect(await w.createOrganizations([{ name: 'A', external_id: 'A' }])).toEqual([{ index: 0, ok: true, id: 9, status: 'Found' }]);
  });
});

describe('live-shaped job results', () => {
  const refs = (n: number, ids?: number[]) => Array.from({ length: n }, (_, i) => ({ index: i, ...(ids ? { id: ids[i] } : {}) }));

  it('creates without index map by position, around a failure that carries its index', () => {
    const out = mapJobResults(
      { id: 'J', status: 'completed', results: [{ index: 1, error: 'RecordInvalid', id: null, details: 'Name: is too long' }, { id: 11, status: 'Created' }, { id: 13, status: 'Created' }] },
      refs(3),
    );
    expect(out).toEqual([
      { index: 0, ok: true, id: 11, status: 'Created' },
      { index: 1, ok: false, status: 'Failed', error: 'RecordInvalid: Name: is too long' },
      { index: 2, ok: true, id: 13, status: 'Created' },
    ]);
  });

  it('updates and deletes map by id, in whatever order Zendesk lists them', () => {
    const out = mapJobResults(
      {
        id: 'J',
        status: 'completed',
        results: [
          { id: 22, action: 'update', status: 'Updated', success: true },
          { index: 0, error: 'PermissionDenied', id: 21, details: 'not allowed' },
        ],
      },
      refs(2, [21, 22]),
    );
    expect(out).toEqual([
      { index: 0, ok: false, id: 21, status: 'Failed', error: 'PermissionDenied: not allowed' },
      { index: 1, ok: true, id: 22, status: 'Updated' },
    ]);
  });

  it('a membership create with default: true is sent as such', async () => {
    const bodies: unknown[] = [];
    nock(BASE)
      .post('/api/v2/organization_memberships/create_many.json', (b: unknown) => {
        bodies.push(b);
        return true;
      })
      .reply(200, job('J1', 'completed', [{ id: 5, status: 'Created' }]));
    const w = createZendeskWriter(instance(), testOptions(fakeClock()));
    const r = await w.createMemberships([{ user_id: 1, organization_id: 2, default: true }]);
    expect(r[0].ok).toBe(true);
    expect(JSON.stringify(bodies[0])).toContain('"default":true');
  });
});
