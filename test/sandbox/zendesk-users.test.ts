import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxSeed } from '../../src/model/seed.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { waitJob, withSandbox, type Answer } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function seed(multipleOrganizations: boolean): SandboxSeed {
  return {
    zendesk: {
      settings: { user: { multiple_organizations: multipleOrganizations } },
      organizations: [
        { id: 1, name: 'Alpha', external_id: 'A' },
        { id: 2, name: 'Beta', external_id: 'B' },
        { id: 3, name: 'Gamma', external_id: 'C' },
      ],
      users: [
        { id: 100, name: 'Ann', email: 'Ann@Example.com', role: 'end-user', organization_id: 1 },
        { id: 101, name: 'Boss', email: 'boss@example.com', role: 'admin' },
        { id: 102, name: 'Ext', email: 'ext@example.com', external_id: 'sf-102', role: 'end-user' },
      ],
      user_fields: [{ id: 9, key: 'tier', type: 'dropdown', title: 'Tier', active: true, custom_field_options: [{ id: 91, name: 'Gold', value: 'gold' }] }],
    },
  };
}

async function start(multi: boolean): Promise<(m: string, p: string, b?: unknown) => Promise<Answer>> {
  const s = await withSandbox(seed(multi));
  sandbox = s.sandbox;
  return s.api;
}

const memberships = async (api: (m: string, p: string) => Promise<Answer>, userId: number): Promise<{ organization_id: number; default: boolean | null }[]> =>
  (await api('GET', `/api/v2/users/${userId}/organization_memberships.json`)).body.organization_memberships as { organization_id: number; default: boolean | null }[];

describe('users', () => {
  it('a seeded organization_id becomes a default membership', async () => {
    const api = await start(true);
    expect(await memberships(api, 100)).toMatchObject([{ organization_id: 1, default: true }]);
    const user = (await api('GET', '/api/v2/users/100.json')).body.user as Record<string, unknown>;
    expect(user).toMatchObject({ email: 'ann@example.com', organization_id: 1, role: 'end-user', url: `${sandbox?.url}/api/v2/users/100.json` });
  });

  it('create_or_update matches by email, case-insensitive: 200 updated, 201 created', async () => {
    const api = await start(true);
    const upd = await api('POST', '/api/v2/users/create_or_update.json', { user: { email: 'ANN@example.COM', name: 'Ann B', tags: ['Sf Contact'] } });
    expect(upd.status).toBe(200);
    expect(upd.body.user).toMatchObject({ id: 100, name: 'Ann B', tags: ['sf_contact'] });
    const created = await api('POST', '/api/v2/users/create_or_update.json', { user: { email: 'new@example.com', name: 'New', verified: true, skip_verify_email: true } });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ role: 'end-user', verified: true });
    expect(created.headers.get('location')).toMatch(/\/api\/v2\/users\/\d+\.json$/);
    expect(sandbox?.stats().zendesk.default.welcome_emails_sent).toBe(0);
    await api('POST', '/api/v2/users/create_or_update.json', { user: { email: 'mailed@example.com', name: 'Mailed' } });
    expect(sandbox?.stats().zendesk.default.welcome_emails_sent).toBe(1);
  });

  it('create_or_update matches by external_id', async () => {
    const api = await start(true);
    const r = await api('POST', '/api/v2/users/create_or_update.json', { user: { external_id: 'SF-102', name: 'Renamed' } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: 102, name: 'Renamed' });
  });

  it('refuses a duplicate email on create, an unknown dropdown value, a blank name', async () => {
    const api = await start(true);
    const dup = await api('POST', '/api/v2/users.json', { user: { email: 'boss@EXAMPLE.com', name: 'B2' } });
    expect(dup.status).toBe(422);
    expect((dup.body.details as Record<string, { error: string }[]>).email[0].error).toBe('DuplicateValue');
    const bad = await api('PUT', '/api/v2/users/100.json', { user: { user_fields: { tier: 'platinum' } } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.details as object)).toEqual(['tier']);
    const blank = await api('POST', '/api/v2/users.json', { user: { email: 'x@example.com' } });
    expect(blank.status).toBe(422);
  });

  it('search by email query and by external_id; show_many by ids and external_ids; list filtered by role', async () => {
    const api = await start(true);
    const byEmail = await api('GET', `/api/v2/users/search.json?query=${encodeURIComponent('email:ANN@example.com')}`);
    expect((byEmail.body.users as { id: number }[]).map((u) => u.id)).toEqual([100]);
    const byExt = await api('GET', '/api/v2/users/search.json?external_id=sf-102');
    expect((byExt.body.users as { id: number }[]).map((u) => u.id)).toEqual([102]);
    const many = await api('GET', '/api/v2/users/show_many.json?ids=100,101');
    expect((many.body.users as { id: number }[]).map((u) => u.id)).toEqual([100, 101]);
    const manyExt = await api('GET', '/api/v2/users/show_many.json?external_ids=sf-102');
    expect((manyExt.body.users as { id: number }[]).map((u) => u.id)).toEqual([102]);
    const admins = await api('GET', '/api/v2/users.json?role=admin&page[size]=100');
    expect((admins.body.users as { id: number }[]).map((u) => u.id)).toEqual([101]);
  });

  it('create_or_update_many answers a job with Created/Updated results and per-item failures', async () => {
    const api = await start(true);
    const r = await api('POST', '/api/v2/users/create_or_update_many.json', {
      users: [
        { email: 'ann@example.com', name: 'Ann C' },
        { email: 'fresh@example.com', name: 'Fresh', organization_id: 2 },
        { email: 'not-an-email', name: 'Bad' },
        { email: 'boss@example.com', name: 'Boss Renamed' },
      ],
    });
    expect(r.status).toBe(200);
    const job = await waitJob(api, (r.body.job_status as { url: string }).url, sandbox?.url ?? '');
    const results = job.results as Record<string, unknown>[];
    expect(results[0]).toEqual({ id: 100, action: 'update', status: 'Updated', success: true });
    expect(results[1]).toEqual({ id: expect.any(Number) as number, status: 'Created' });
    expect(results[2]).toMatchObject({ index: 2, error: 'InvalidFormat' });
    // Real Zendesk lets an admin token update an admin through this endpoint; so does the sandbox.
    expect(results[3]).toMatchObject({ id: 101, status: 'Updated', success: true });
    expect(await memberships(api, results[1].id as number)).toMatchObject([{ organization_id: 2, default: true }]);
  });

  it('update_many changes several users', async () => {
    const api = await start(true);
    const r = await api('PUT', '/api/v2/users/update_many.json', { users: [{ id: 100, notes: 'x' }, { id: 102, notes: 'y' }] });
    const job = await waitJob(api, (r.body.job_status as { url: string }).url, sandbox?.url ?? '');
    expect((job.results as { status: string }[]).map((x) => x.status)).toEqual(['Updated', 'Updated']);
    const same = await api('PUT', '/api/v2/users/update_many.json?ids=100,102', { user: { tags: ['t'] } });
    await waitJob(api, (same.body.job_status as { url: string }).url, sandbox?.url ?? '');
    const users = (await api('GET', '/api/v2/users/show_many.json?ids=100,102')).body.users as { tags: string[]; notes: string }[];
    expect(users.map((u) => [u.notes, u.tags])).toEqual([['x', ['t']], ['y', ['t']]]);
  });
});

describe('organization memberships', () => {
  it('writing organization_id replaces all of a user\'s memberships', async () => {
    const api = await start(true);
    expect((await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: 100, organization_id: 2 } })).status).toBe(201);
    expect((await memberships(api, 100)).map((m) => m.organization_id).sort()).toEqual([1, 2]);
    const r = await api('PUT', '/api/v2/users/100.json', { user: { organization_id: 3 } });
    expect(r.status).toBe(200);
    expect((r.body.user as Record<string, unknown>).organization_id).toBe(3);
    expect(await memberships(api, 100)).toMatchObject([{ organization_id: 3, default: true }]);
  });

  it('a first membership is the default; create 422 when it exists; make_default moves organization_id', async () => {
    const api = await start(true);
    const first = await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: 102, organization_id: 2 } });
    expect(first.status).toBe(201);
    expect(first.body.organization_membership).toMatchObject({ user_id: 102, organization_id: 2, default: true, organization_name: 'Beta' });
    const second = await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: 102, organization_id: 3 } });
    expect((second.body.organization_membership as Record<string, unknown>).default).toBeNull();
    const again = await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: 102, organization_id: 3 } });
    expect(again.status).toBe(422);
    expect(again.body.error).toBe('RecordInvalid');
    const mid = (second.body.organization_membership as { id: number }).id;
    const md = await api('PUT', `/api/v2/users/102/organization_memberships/${mid}/make_default.json`);
    expect(md.status).toBe(200);
    expect((md.body.organization_memberships as { organization_id: number; default: boolean | null }[])[0]).toMatchObject({ organization_id: 3, default: true });
    expect(((await api('GET', '/api/v2/users/102.json')).body.user as Record<string, unknown>).organization_id).toBe(3);
    // deleting the default membership promotes the remaining one
    expect((await api('DELETE', `/api/v2/organization_memberships/${mid}.json`)).status).toBe(204);
    expect(((await api('GET', '/api/v2/users/102.json')).body.user as Record<string, unknown>).organization_id).toBe(2);
  });

  it('refuses a second membership when multiple organizations are off', async () => {
    const api = await start(false);
    const r = await api('POST', '/api/v2/organization_memberships.json', { organization_membership: { user_id: 100, organization_id: 2 } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.details)).toContain('multiple organizations');
    const settings = await api('GET', '/api/v2/account/settings.json');
    expect((settings.body.settings as { user: Record<string, unknown> }).user.multiple_organizations).toBe(false);
  });

  it('create_many memberships is a job with per-item failures; lists by organization and for the account', async () => {
    const api = await start(true);
    const r = await api('POST', '/api/v2/organization_memberships/create_many.json', {
      organization_memberships: [
        { user_id: 100, organization_id: 2 },
        { user_id: 100, organization_id: 1 },
        { user_id: 999, organization_id: 1 },
      ],
    });
    const job = await waitJob(api, (r.body.job_status as { url: string }).url, sandbox?.url ?? '');
    expect((job.results as { status?: string; error?: string }[]).map((x) => x.status ?? x.error)).toEqual(['Created', 'DuplicateValue', 'InvalidValue']);
    expect((job.results as Record<string, unknown>[])[1]).toMatchObject({ error: 'DuplicateValue' });
    const byOrg = await api('GET', '/api/v2/organizations/2/organization_memberships.json');
    expect((byOrg.body.organization_memberships as { user_id: number }[]).map((m) => m.user_id)).toEqual([100]);
    const all = await api('GET', '/api/v2/organization_memberships.json?page[size]=1');
    expect((all.body.organization_memberships as unknown[]).length).toBe(1);
    expect((all.body.meta as { has_more: boolean }).has_more).toBe(true);
  });

  it('lists field definitions with options', async () => {
    const api = await start(true);
    const r = await api('GET', '/api/v2/user_fields.json');
    const f = (r.body.user_fields as Record<string, unknown>[])[0];
    expect(f).toMatchObject({ id: 9, key: 'tier', type: 'dropdown', active: true, url: `${sandbox?.url}/api/v2/user_fields/9.json` });
    expect(f.custom_field_options).toMatchObject([{ id: 91, name: 'Gold', value: 'gold' }]);
    expect((await api('GET', '/api/v2/organization_fields.json')).body.organization_fields).toEqual([]);
  });
});
