import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WriteResult } from '../../src/model/ports.js';
import { createZendeskWriter, mapJobResults } from '../../src/zendesk/writer.js';
import { ZendeskHttpError } from '../../src/zendesk/transport.js';
import { BASE, fakeClock, instance, job, testOptions } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

type Body = Record<string, unknown>;

function writer(clock = fakeClock(), extra: Record<string, unknown> = {}) {
  return createZendeskWriter(instance(), { ...testOptions(clock), ...extra });
}

describe('createOrganizations', () => {
  it('splits 250 records into create_many requests of 100, 100 and 50 and maps every index back', async () => {
    const bodies: Body[] = [];
    let jobNo = 0;
    let nextId = 1000;
    nock(BASE)
      .post('/api/v2/organizations/create_many.json', (b: Body) => {
        bodies.push(b);
        return true;
      })
      .times(3)
      .reply(200, (_uri, b) => {
        const orgs = (b as { organizations: unknown[] }).organizations;
        return job(`job${++jobNo}`, 'completed', orgs.map((_o, index) => ({ id: nextId++, index })));
      });
    const orgs = Array.from({ length: 250 }, (_, i) => ({ name: `Org ${i}`, external_id: `001${i}` }));
    const w = writer();
    const results = await w.createOrganizations(orgs);

    expect(bodies.map((b) => (b.organizations as unknown[]).length)).toEqual([100, 100, 50]);
    expect(Object.keys(bodies[0])).toEqual(['organizations']);
    expect((bodies[1].organizations as unknown[])[0]).toEqual({ name: 'Org 100', external_id: '001100' });
    expect((bodies[2].organizations as unknown[])[49]).toEqual({ name: 'Org 249', external_id: '001249' });
    expect(results).toHaveLength(250);
    expect(results.every((r) => r.ok && r.status === 'Created')).toBe(true);
    expect(results.map((r) => r.index)).toEqual(orgs.map((_o, i) => i));
    expect(results[0].id).toBe(1000);
    expect(results[249].id).toBe(1249);
    expect(w.requestCount).toBe(3);
  });

  it('follows a job queued -> working -> completed with backoff and reports per-item failures', async () => {
    const clock = fakeClock();
    nock(BASE).post('/api/v2/organizations/create_many.json').reply(200, job('J1', 'queued'));
    nock(BASE).get('/api/v2/job_statuses/J1.json').reply(200, job('J1', 'working', [{ id: 501, index: 0 }]));
    nock(BASE).get('/api/v2/job_statuses/J1.json').reply(200, job('J1', 'working', [{ id: 501, index: 0 }]));
    nock(BASE)
      .get('/api/v2/job_statuses/J1.json')
      .reply(
        200,
        job('J1', 'completed', [
          { id: 501, index: 0 },
          { index: 1, error: 'DuplicateValue', details: 'Name: has already been taken' },
          { id: 503, index: 2 },
        ]),
      );
    // a duplicate is looked up (it may be ours, from an earlier attempt): not there, so it stays a failure
    nock(BASE).get('/api/v2/organizations/search').query({ name: 'B' }).reply(200, { organizations: [], next_page: null });
    const w = writer(clock);
    const results = await w.createOrganizations([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    expect(results).toEqual<WriteResult[]>([
      { index: 0, ok: true, id: 501, status: 'Created' },
      { index: 1, ok: false, status: 'Failed', error: 'DuplicateValue: Name: has already been taken' },
      { index: 2, ok: true, id: 503, status: 'Created' },
    ]);
    // the cadence comes from the budget (Zendesk's usual 700/min assumed: 857 ms) and grows 1.5x while the job
    // does not move (the second "working" answer)
    expect(clock.sleeps).toEqual([857, 857, 1286]);
    expect(w.requestCount).toBe(5);
  });

  it('a job that fails reports every record failed with the job message', async () => {
    nock(BASE).post('/api/v2/organizations/create_many.json').reply(200, job('J2', 'failed', null, { message: 'Job killed by admin' }));
    const results = await writer().createOrganizations([{ name: 'A' }, { name: 'B' }]);
    expect(results.map((r) => [r.ok, r.status])).toEqual([
      [false, 'Failed'],
      [false, 'Failed'],
    ]);
    expect(results[0].error).toContain('Job killed by admin');
  });

  it('a create that times out: the records are looked up by external_id / name, the absent ones re-sent once', async () => {
    const clock = fakeClock();
    let posts = 0;
    let sent = false;
    const lookups: string[] = [];
    const fetchFn = async (url: string, init: RequestInit): Promise<Response> => {
      if (init.method === 'POST') {
        posts++;
        sent = true;
        return new Promise((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      }
      const u = new URL(url);
      if (u.pathname === '/api/v2/organizations/show_many') {
        lookups.push(u.searchParams.get('external_ids') ?? '');
        return Response.json({ organizations: sent ? [{ id: 77, name: 'A', external_id: 'E1' }] : [] });
      }
      if (u.pathname === '/api/v2/organizations/search') {
        expect(u.searchParams.get('name')).toBe('Named');
        return Response.json({ organizations: [{ id: 78, name: 'named', external_id: null }] });
      }
      throw new Error(`unexpected ${url}`);
    };
    const w = createZendeskWriter(instance(), { ...testOptions(clock), fetch: fetchFn, timeoutMs: 20, lookupAttempts: 2, resendRounds: 1 });
    const results = await w.createOrganizations([
      { name: 'A', external_id: 'E1' },
      { name: 'B', external_id: 'E2' },
      { name: 'Named' },
    ]);
    // the first POST and the re-send of the one record proven absent (which times out too: reported, not sent a third time)
    expect(posts).toBe(2);
    expect(results[0]).toEqual({ index: 0, ok: true, id: 77, status: 'Found' });
    expect(results[1]).toMatchObject({ index: 1, ok: false, status: 'OutcomeUnknown' });
    expect(results[1].error).toMatch(/sent again.*Run plan and apply again/s);
    expect(results[2]).toEqual({ index: 2, ok: true, id: 78, status: 'Found' });
    // the second lookup only asks for what is still missing
    expect(lookups).toEqual(['E1,E2', 'E2']);
  });

  it('a job that cannot be followed (status gone) leaves its records OutcomeUnknown, not Failed', async () => {
    nock(BASE).post('/api/v2/organizations/create_many.json').reply(200, job('GONE', 'queued'));
    nock(BASE).get('/api/v2/job_statuses/GONE.json').reply(404, { error: 'RecordNotFound' });
    const results = await writer().createOrganizations([{ name: 'A' }, { name: 'B' }]);
    expect(results.map((r) => [r.index, r.ok, r.status])).toEqual([
      [0, false, 'OutcomeUnknown'],
      [1, false, 'OutcomeUnknown'],
    ]);
    expect(results[0].error).toMatch(/accepted job GONE but zdsf could not follow it/);
  });

  it('a 422 on one batch fails that batch and the next batch still goes', async () => {
    nock(BASE)
      .post('/api/v2/organizations/create_many.json')
      .reply(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Too many records' }] } });
    nock(BASE).post('/api/v2/organizations/create_many.json').reply(200, job('J3', 'completed', [{ id: 9, index: 0 }]));
    const results = await writer(fakeClock(), { batchSize: 2 }).createOrganizations([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    expect(results.map((r) => r.ok)).toEqual([false, false, true]);
    expect(results[0].error).toContain('Too many records');
    expect(results[2]).toEqual({ index: 2, ok: true, id: 9, status: 'Created' });
  });

  it('401 throws (the instance cannot be used)', async () => {
    nock(BASE).post('/api/v2/organizations/create_many.json').reply(401, {});
    await expect(writer().createOrganizations([{ name: 'A' }])).rejects.toThrow(/rejected the api_token credentials for instance global/);
  });
});

describe('updateOrganizations / deleteOrganizations', () => {
  it('update_many results are matched by id, failures carry Zendesk details', async () => {
    const bodies: Body[] = [];
    nock(BASE)
      .put('/api/v2/organizations/update_many.json', (b: Body) => {
        bodies.push(b);
        return true;
      })
      .reply(200, job('U1', 'queued'));
    nock(BASE)
      .get('/api/v2/job_statuses/U1.json')
      .reply(
        200,
        job('U1', 'completed', [
          { id: 12, action: 'update', success: true, status: 'Updated' },
          { id: 11, action: 'update', success: false, status: 'Failed', error: 'RecordInvalid', details: 'Notes: is too long' },
        ]),
      );
    const results = await writer().updateOrganizations([
      { id: 11, notes: 'x'.repeat(10) },
      { id: 12, tags: ['a'] },
    ]);
    expect(bodies).toEqual([{ organizations: [{ id: 11, notes: 'xxxxxxxxxx' }, { id: 12, tags: ['a'] }] }]);
    expect(results).toEqual([
      { index: 0, ok: false, id: 11, status: 'Failed', error: 'RecordInvalid: Notes: is too long' },
      { index: 1, ok: true, id: 12, status: 'Updated' },
    ]);
  });

  it('after 3 batches failing with 5xx in a row, the rest is reported Skipped and not sent', async () => {
    const scope = nock(BASE).put('/api/v2/organizations/update_many.json').times(3).reply(500, { error: 'InternalError' });
    const w = writer(fakeClock(), { batchSize: 1, maxAttempts: 1 });
    const results = await w.updateOrganizations([1, 2, 3, 4, 5].map((id) => ({ id, notes: 'n' })));
    scope.done();
    expect(w.requestCount).toBe(3);
    expect(results.map((r) => r.status)).toEqual(['Failed', 'Failed', 'Failed', 'Skipped', 'Skipped']);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results[4].error).toMatch(/not sent: Zendesk instance global failed 3 batches in a row/);
    expect(results.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('destroy_many sends the ids in the query', async () => {
    const scope = nock(BASE)
      .delete('/api/v2/organizations/destroy_many.json')
      .query({ ids: '1,2,3' })
      .reply(200, job('D1', 'completed', [1, 2, 3].map((id) => ({ id, action: 'delete', success: true, status: 'Deleted' }))));
    const results = await writer().deleteOrganizations([1, 2, 3]);
    scope.done();
    expect(results.map((r) => [r.index, r.id, r.ok, r.status])).toEqual([
      [0, 1, true, 'Deleted'],
      [1, 2, true, 'Deleted'],
      [2, 3, true, 'Deleted'],
    ]);
  });
});

describe('upsertUsers', () => {
  it('posts { users: [...] } to create_or_update_many and maps results in order', async () => {
    const bodies: Body[] = [];
    nock(BASE)
      .post('/api/v2/users/create_or_update_many.json', (b: Body) => {
        bodies.push(b);
        return true;
      })
      .reply(
        200,
        job('W1', 'completed', [
          { id: 900, status: 'Created', email: 'a@x.com' },
          { id: 901, status: 'Updated', email: 'b@x.com' },
          { id: 2, error: 'UserUpdateError', details: 'Email: c@x is not properly formatted', status: 'Failed' },
        ]),
      );
    const users = [
      { name: 'A', email: 'a@x.com', skip_verify_email: true, verified: true },
      { name: 'B', email: 'b@x.com' },
      { name: 'C', email: 'c@x' },
    ];
    const results = await writer().upsertUsers(users);
    expect(bodies).toEqual([{ users }]);
    expect(results).toEqual([
      { index: 0, ok: true, id: 900, status: 'Created' },
      { index: 1, ok: true, id: 901, status: 'Updated' },
      { index: 2, ok: false, status: 'Failed', error: 'UserUpdateError: Email: c@x is not properly formatted' },
    ]);
  });

  it('on 403 (bulk import not enabled) falls back to one create_or_update per user', async () => {
    nock(BASE).post('/api/v2/users/create_or_update_many.json').reply(403, { error: 'Forbidden', description: 'You do not have access to this page.' });
    const singles: Body[] = [];
    const capture = (b: Body) => {
      singles.push(b);
      return true;
    };
    nock(BASE).post('/api/v2/users/create_or_update.json', capture).reply(201, { user: { id: 31, email: 'a@x.com' } });
    nock(BASE).post('/api/v2/users/create_or_update.json', capture).reply(200, { user: { id: 32, email: 'b@x.com' } });
    nock(BASE)
      .post('/api/v2/users/create_or_update.json', capture)
      .reply(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { email: [{ description: 'Email: c@x is invalid' }] } });
    // the next batch goes straight to single requests
    nock(BASE).post('/api/v2/users/create_or_update.json', capture).reply(201, { user: { id: 34 } });
    const w = writer(fakeClock(), { batchSize: 3 });
    const results = await w.upsertUsers([
      { name: 'A', email: 'a@x.com' },
      { name: 'B', email: 'b@x.com' },
      { name: 'C', email: 'c@x' },
      { name: 'D', email: 'd@x.com' },
    ]);
    expect(singles).toEqual([
      { user: { name: 'A', email: 'a@x.com' } },
      { user: { name: 'B', email: 'b@x.com' } },
      { user: { name: 'C', email: 'c@x' } },
      { user: { name: 'D', email: 'd@x.com' } },
    ]);
    expect(w.bulkImportDisabled).toBe(true);
    expect(results).toEqual([
      { index: 0, ok: true, id: 31, status: 'Created' },
      { index: 1, ok: true, id: 32, status: 'Updated' },
      { index: 2, ok: false, status: 'Failed', error: 'RecordInvalid Record validation errors (email: Email: c@x is invalid)' },
      { index: 3, ok: true, id: 34, status: 'Created' },
    ]);
    expect(w.requestCount).toBe(5);
  });

  it('in the single-request fallback, one user failing with 5xx does not lose the others', async () => {
    nock(BASE).post('/api/v2/users/create_or_update_many.json').reply(403, { error: 'Forbidden' });
    nock(BASE).post('/api/v2/users/create_or_update.json').reply(201, { user: { id: 1 } });
    nock(BASE).post('/api/v2/users/create_or_update.json').times(2).reply(500, { error: 'InternalError' });
    nock(BASE).post('/api/v2/users/create_or_update.json').reply(200, { user: { id: 3 } });
    const results = await writer(fakeClock(), { maxAttempts: 2 }).upsertUsers([
      { name: 'A', email: 'a@x.com' },
      { name: 'B', email: 'b@x.com' },
      { name: 'C', email: 'c@x.com' },
    ]);
    expect(results.map((r) => [r.ok, r.status, r.id])).toEqual([
      [true, 'Created', 1],
      [false, 'Failed', undefined],
      [true, 'Updated', 3],
    ]);
    expect(results[1].error).toMatch(/answered 500/);
  });

  it('create_or_update_many is a keyed upsert: retried after a 502', async () => {
    const clock = fakeClock();
    nock(BASE).post('/api/v2/users/create_or_update_many.json').reply(502, 'bad gateway');
    nock(BASE).post('/api/v2/users/create_or_update_many.json').reply(200, job('W2', 'completed', [{ id: 5, status: 'Created' }]));
    const results = await writer(clock).upsertUsers([{ name: 'A', email: 'a@x.com' }]);
    expect(results).toEqual([{ index: 0, ok: true, id: 5, status: 'Created' }]);
    expect(clock.sleeps).toEqual([750]);
  });
});

describe('updateUsers, memberships, make_default', () => {
  it('update_many sends { users: [...] }', async () => {
    const bodies: Body[] = [];
    nock(BASE)
      .put('/api/v2/users/update_many.json', (b: Body) => {
        bodies.push(b);
        return true;
      })
      .reply(200, job('UU', 'completed', [{ id: 7, action: 'update', success: true, status: 'Updated' }]));
    const results = await writer().updateUsers([{ id: 7, name: 'New' }]);
    expect(bodies).toEqual([{ users: [{ id: 7, name: 'New' }] }]);
    expect(results).toEqual([{ index: 0, ok: true, id: 7, status: 'Updated' }]);
  });

  it('memberships create_many sends { organization_memberships: [...] }', async () => {
    const bodies: Body[] = [];
    nock(BASE)
      .post('/api/v2/organization_memberships/create_many.json', (b: Body) => {
        bodies.push(b);
        return true;
      })
      .reply(200, job('M1', 'completed', [{ id: 61, index: 0 }, { index: 1, error: 'DuplicateValue', details: 'User is already a member' }]));
    const items = [
      { user_id: 1, organization_id: 10 },
      { user_id: 2, organization_id: 10 },
    ];
    // "already a member": looked up, and it is there
    nock(BASE)
      .get('/api/v2/users/2/organization_memberships')
      .query(true)
      .reply(200, { organization_memberships: [{ id: 62, user_id: 2, organization_id: 10, default: true }], meta: { has_more: false }, links: {} });
    const results = await writer().createMemberships(items);
    expect(bodies).toEqual([{ organization_memberships: items }]);
    expect(results[0]).toEqual({ index: 0, ok: true, id: 61, status: 'Created' });
    expect(results[1]).toEqual({ index: 1, ok: true, id: 62, status: 'Found' });
  });

  it('make_default PUTs /users/{user_id}/organization_memberships/{id}/make_default', async () => {
    const scope = nock(BASE)
      .put('/api/v2/users/5/organization_memberships/9/make_default.json')
      .reply(200, { organization_memberships: [{ id: 9, user_id: 5, organization_id: 3, default: true }] });
    const result = await writer().makeDefaultMembership(5, 9);
    scope.done();
    expect(result).toEqual({ index: 0, ok: true, id: 9, status: 'Updated' });
  });

  it('make_default on a missing membership is a failed result, not an exception', async () => {
    nock(BASE).put('/api/v2/users/5/organization_memberships/8/make_default.json').reply(404, { error: 'RecordNotFound', description: 'Not found' });
    const result = await writer().makeDefaultMembership(5, 8);
    expect(result).toMatchObject({ index: 0, ok: false, id: 8, status: 'Failed' });
    expect(result.error).toContain('RecordNotFound');
  });
});

describe('find*', () => {
  it('findOrganizations by ids, external_ids and names', async () => {
    nock(BASE).get('/api/v2/organizations/show_many').query({ ids: '1,2' }).reply(200, { organizations: [{ id: 1, name: 'One' }, { id: 2, name: 'Two' }] });
    nock(BASE).get('/api/v2/organizations/show_many').query({ external_ids: 'a,b' }).reply(200, { organizations: [{ id: 3, name: 'Three', external_id: 'a' }] });
    nock(BASE)
      .get('/api/v2/organizations/search')
      .query({ name: 'Acme' })
      .reply(200, { organizations: [{ id: 4, name: 'ACME' }, { id: 5, name: 'Acme Corp' }] });
    const orgs = await writer().findOrganizations({ ids: [1, 2], external_ids: ['a', 'b'], names: ['Acme'] });
    expect(orgs.map((o) => o.id).sort()).toEqual([1, 2, 3, 4]);
    expect(orgs.find((o) => o.id === 3)).toMatchObject({ external_id: 'a', tags: [], organization_fields: {} });
  });

  it('findUsers by email searches and keeps exact (case-insensitive) matches only', async () => {
    nock(BASE)
      .get('/api/v2/users/search')
      .query({ query: 'email:jane@x.com' })
      .reply(200, { users: [{ id: 1, email: 'Jane@X.com', role: 'end-user' }, { id: 2, email: 'jane@x.com.au', role: 'end-user' }], next_page: null });
    nock(BASE).get('/api/v2/users/show_many').query({ external_ids: 'C1' }).reply(200, { users: [{ id: 3, external_id: 'C1', role: 'agent' }] });
    const users = await writer().findUsers({ emails: ['JANE@x.com'], external_ids: ['C1'] });
    expect(users.map((u) => [u.id, u.role])).toEqual([
      [3, 'agent'],
      [1, 'end-user'],
    ]);
  });

  it('findMemberships pages through each user', async () => {
    nock(BASE)
      .get('/api/v2/users/5/organization_memberships')
      .query({ 'page[size]': '100' })
      .reply(200, {
        organization_memberships: [{ id: 1, user_id: 5, organization_id: 10, default: true }],
        meta: { has_more: true, after_cursor: 'c1' },
        links: { next: `${BASE}/api/v2/users/5/organization_memberships?page%5Bsize%5D=100&page%5Bafter%5D=c1` },
      });
    nock(BASE)
      .get('/api/v2/users/5/organization_memberships')
      .query({ 'page[size]': '100', 'page[after]': 'c1' })
      .reply(200, { organization_memberships: [{ id: 2, user_id: 5, organization_id: 11, default: false }], meta: { has_more: false }, links: { next: null } });
    const ms = await writer().findMemberships({ user_ids: [5] });
    expect(ms.map((m) => [m.id, m.organization_id, m.default])).toEqual([
      [1, 10, true],
      [2, 11, false],
    ]);
  });
});

describe('mapJobResults', () => {
  it('reports records the job said nothing about as Missing', () => {
    const out = mapJobResults({ id: 'j', status: 'completed', results: [{ id: 1, index: 1 }] }, [{ index: 200 }, { index: 201 }]);
    expect(out).toEqual([
      { index: 200, ok: false, status: 'Missing', error: 'Zendesk job j completed without a result for this record' },
      { index: 201, ok: true, id: 1, status: 'Created' },
    ]);
  });
});

it('ZendeskHttpError is exported for callers that need the status', () => {
  expect(new ZendeskHttpError('m', 'forbidden', 403, 'GET', 'u', null).status).toBe(403);
});
