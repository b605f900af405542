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
