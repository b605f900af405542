import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, seedWithOrgs, waitJob, withSandbox, type Answer } from './helpers.js';

let sandbox: Sandbox;
let api: (method: string, path: string, body?: unknown) => Promise<Answer>;

beforeAll(async () => {
  ({ sandbox, api } = await withSandbox(
    seedWithOrgs(250, {
      organization_fields: [
        { id: 1, key: 'health', type: 'dropdown', title: 'Health', active: true, custom_field_options: [{ id: 11, name: 'Healthy', value: 'healthy' }, { id: 12, name: 'At risk', value: 'at_risk' }] },
        { id: 2, key: 'seats', type: 'integer', title: 'Seats', active: true },
      ],
    }),
  ));
});
afterAll(async () => sandbox.close());

describe('authentication', () => {
  it('answers 401 without Authorization, accepts Basic and Bearer', async () => {
    const none = await call(sandbox.url, 'GET', '/api/v2/organizations.json', undefined, {});
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: "Couldn't authenticate you" });
    const bearer = await call(sandbox.url, 'GET', '/api/v2/organizations/1000.json', undefined, { Authorization: 'Bearer abc' });
    expect(bearer.status).toBe(200);
  });
});

describe('organization paging', () => {
  it('walks all organizations with cursor pagination through links.next', async () => {
    const seen: number[] = [];
    let path: string | null = '/api/v2/organizations.json?page[size]=100';
    let pages = 0;
    while (path) {
      const r = await api('GET', path);
      expect(r.status).toBe(200);
      const orgs = r.body.organizations as { id: number }[];
      seen.push(...orgs.map((o) => o.id));
      const meta = r.body.meta as { has_more: boolean; after_cursor: string };
      const links = r.body.links as { next: string | null };
      pages++;
      if (meta.has_more) {
        expect(links.next).toContain(sandbox.url);
        expect(links.next).toContain(`page%5Bafter%5D=${meta.after_cursor}`);
        path = (links.next as string).slice(sandbox.url.length);
      } else {
        // as live Zendesk: the last page keeps links.next; following it gives an empty page
        const empty = await api('GET', (links.next as string).slice(sandbox.url.length));
        expect(empty.body.organizations).toEqual([]);
        expect((empty.body.links as { next: string | null }).next).toBeNull();
        path = null;
      }
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('refuses page[size] above 100', async () => {
    const r = await api('GET', '/api/v2/organizations?page[size]=101');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('InvalidPaginationParameter');
  });

  it('offers offset paging with next_page and count when no page[size] is given', async () => {
    const first = await api('GET', '/api/v2/organizations.json?per_page=100');
    expect(first.body.count).toBe(250);
    expect((first.body.organizations as unknown[]).length).toBe(100);
    expect(first.body.next_page).toBe(`${sandbox.url}/api/v2/organizations.json?page=2&per_page=100`);
    const last = await api('GET', '/api/v2/organizations.json?page=3&per_page=100');
    expect((last.body.organizations as unknown[]).length).toBe(50);
    expect(last.body.next_page).toBeNull();
  });

  it('answers with and without .json', async () => {
    const a = await api('GET', '/api/v2/organizations/1000.json');
    const b = await api('GET', '/api/v2/organizations/1000');
    expect(a.body).toEqual(b.body);
    expect((a.body.organization as Record<string, unknown>).url).toBe(`${sandbox.url}/api/v2/organizations/1000.json`);
  });
});

describe('organization reads', () => {
  it('show_many by ids and by external_ids', async () => {
    const byId = await api('GET', '/api/v2/organizations/show_many.json?ids=1001,1002,999999');
    expect((byId.body.organizations as { id: number }[]).map((o) => o.id)).toEqual([1001, 1002]);
    const byExt = await api('GET', '/api/v2/organizations/show_many.json?external_ids=EXT-5,ext-6');
    expect((byExt.body.organizations as { id: number }[]).map((o) => o.id)).toEqual([1005, 1006]);
  });

  it('search by external_id or name, case-insensitive', async () => {
    const ext = await api('GET', '/api/v2/organizations/search.json?external_id=EXT-7');
    expect((ext.body.organizations as { name: string }[]).map((o) => o.name)).toEqual(['Org 7']);
    const name = await api('GET', `/api/v2/organizations/search.json?name=${encodeURIComponent('org 8')}`);
    expect((name.body.organizations as { id: number }[]).map((o) => o.id)).toEqual([1008]);
    const both = await api('GET', '/api/v2/organizations/search.json?name=x&external_id=y');
    expect(both.status).toBe(400);
  });

  it('404 for an unknown organization', async () => {
    const r = await api('GET', '/api/v2/organizations/424242.json');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('RecordNotFound');
  });
});

describe('organization writes', () => {
  it('creates (201) and refuses a duplicate name, case-insensitive, with 422 DuplicateValue', async () => {
    const created = await api('POST', '/api/v2/organizations.json', { organization: { name: 'Acme Corp', external_id: 'acc-1', tags: ['Big Customer', 'big customer', 'VIP'] } });
    expect(created.status).toBe(201);
    const org = created.body.organization as Record<string, unknown>;
    expect(org.tags).toEqual(['big_customer', 'vip']);
    expect(org.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(org.organization_fields).toEqual({ health: null, seats: null });
    const dup = await api('POST', '/api/v2/organizations.json', { organization: { name: 'ACME corp' } });
    expect(dup.status).toBe(422);
    expect(dup.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { name: [{ description: 'Name: has already been taken', error: 'DuplicateValue' }] },
    });
  });

  it('refuses a duplicate external_id', async () => {
    const dup = await api('POST', '/api/v2/organizations.json', { organization: { name: 'Other', external_id: 'EXT-1' } });
    expect(dup.status).toBe(422);
    expect((dup.body.details as Record<string, { error: string }[]>).external_id[0].error).toBe('DuplicateValue');
  });

  it('checks dropdown values against the field options and converts integers', async () => {
    const bad = await api('PUT', '/api/v2/organizations/1010.json', { organization: { organization_fields: { health: 'Green' } } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.details as object)).toEqual(['health']);
    const good = await api('PUT', '/api/v2/organizations/1010.json', { organization: { organization_fields: { health: 'at_risk', seats: '12' } } });
    expect(good.status).toBe(200);
    expect((good.body.organization as Record<string, unknown>).organization_fields).toEqual({ health: 'at_risk', seats: 12 });
    // fields not sent are kept (organization_fields merge)
    const again = await api('PUT', '/api/v2/organizations/1010.json', { organization: { notes: 'n' } });
    expect((again.body.organization as Record<string, unknown>).organization_fields).toEqual({ health: 'at_risk', seats: 12 });
  });

  it('create_or_update matches by external_id: 200 when it exists, 201 when new', async () => {
    const upd = await api('POST', '/api/v2/organizations/create_or_update.json', { organization: { external_id: 'ext-20', notes: 'updated' } });
    expect(upd.status).toBe(200);
    expect((upd.body.organization as Record<string, unknown>).id).toBe(1020);
    const created = await api('POST', '/api/v2/organizations/create_or_update.json', { organization: { external_id: 'new-1', name: 'Brand New' } });
    expect(created.status).toBe(201);
  });

  it('create_many answers a queued job that moves queued -> working -> completed with per-item results', async () => {
    const r = await api('POST', '/api/v2/organizations/create_many.json', {
      organizations: [{ name: 'Bulk A', external_id: 'bulk-a' }, { name: 'Org 3' }, { name: 'Bulk B', organization_fields: { health: 'nope' } }, { name: 'Bulk C' }],
    });
    expect(r.status).toBe(200);
    const job = r.body.job_status as Record<string, unknown>;
    expect(job).toMatchObject({ status: 'queued', total: 4, progress: null, results: null });
    expect(job.id).toMatch(/^V3-[0-9a-f]{32}$/);
    // not visible before the job completes
    expect((await api('GET', '/api/v2/organizations/search.json?external_id=bulk-a')).body.organizations).toEqual([]);
    const path = (job.url as string).slice(sandbox.url.length);
    const p1 = await api('GET', path);
    expect(p1.body.job_status).toMatchObject({ status: 'working', progress: 2, message: 'Creating organization #2', results: null });
    const p2 = await api('GET', path);
    const done = p2.body.job_status as { status: string; progress: number; results: Record<string, unknown>[]; message: string };
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(4);
    expect(done.message).toMatch(/^Completed at /);
    // live-shaped results: creates { id, status } with no index; failures { index, error, details }
    expect(done.results[0]).toEqual({ id: expect.any(Number) as number, status: 'Created' });
    expect(done.results[1]).toEqual({ index: 1, error: 'DuplicateValue', details: 'Name: has already been taken' });
    expect(done.results[2]).toMatchObject({ index: 2, error: 'InvalidValue' });
    expect(done.results[3]).toEqual({ id: expect.any(Number) as number, status: 'Created' });
    const found = await api('GET', '/api/v2/organizations/search.json?external_id=bulk-a');
    expect((found.body.organizations as { id: number }[])[0].id).toBe(done.results[0].id);
  });

  it('refuses bulk requests with more than 100 records', async () => {
    const r = await api('POST', '/api/v2/organizations/create_many.json', { organizations: Array.from({ length: 101 }, (_, i) => ({ name: `X${i}` })) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'TooManyValues', description: 'Parameter  cannot specify more than 100 values', max_count: 100 });
  });

  it('update_many in batch form and in ids= form', async () => {
    const batch = await api('PUT', '/api/v2/organizations/update_many.json', { organizations: [{ id: 1030, notes: 'one' }, { id: 1031, tags: 'a b' }, { id: 99, notes: 'x' }] });
    const job = await waitJob(api, (batch.body.job_status as { url: string }).url, sandbox.url);
    const results = job.results as Record<string, unknown>[];
    expect(results.map((x) => x.success)).toEqual([true, true, undefined]);
    expect(results[0]).toEqual({ id: 1030, action: 'update', status: 'Updated', success: true });
    expect(results[2]).toMatchObject({ index: 2, id: 99, error: 'RecordNotFound' });
    expect(((await api('GET', '/api/v2/organizations/1031.json')).body.organization as Record<string, unknown>).tags).toEqual(['a', 'b']);
    const same = await api('PUT', '/api/v2/organizations/update_many.json?ids=1032,1033', { organization: { notes: 'same' } });
    await waitJob(api, (same.body.job_status as { url: string }).url, sandbox.url);
    const both = await api('GET', '/api/v2/organizations/show_many.json?ids=1032,1033');
    expect((both.body.organizations as { notes: string }[]).map((o) => o.notes)).toEqual(['same', 'same']);
  });

  it('destroy_many by external_ids, and DELETE one', async () => {
    const r = await api('DELETE', '/api/v2/organizations/destroy_many.json?external_ids=ext-40,ext-41');
    const job = await waitJob(api, (r.body.job_status as { url: string }).url, sandbox.url);
    expect(job.results).toEqual([
      { id: 1040, action: 'delete', status: 'Deleted', success: true },
      { id: 1041, action: 'delete', status: 'Deleted', success: true },
    ]);
    expect((await api('GET', '/api/v2/organizations/1040.json')).status).toBe(404);
    expect((await api('DELETE', '/api/v2/organizations/1042.json')).status).toBe(204);
    expect((await api('GET', '/api/v2/organizations/1042.json')).status).toBe(404);
  });

  it('job_statuses/show_many lists several jobs', async () => {
    const a = await api('POST', '/api/v2/organizations/create_many.json', { organizations: [{ name: 'J1' }] });
    const b = await api('POST', '/api/v2/organizations/create_many.json', { organizations: [{ name: 'J2' }] });
    const idA = (a.body.job_status as { id: string }).id;
    const idB = (b.body.job_status as { id: string }).id;
    const r = await api('GET', `/api/v2/job_statuses/show_many.json?ids=${idA},${idB}`);
    expect((r.body.job_statuses as { id: string }[]).map((j) => j.id)).toEqual([idA, idB]);
  });
});
