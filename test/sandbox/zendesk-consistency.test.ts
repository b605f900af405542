import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { seedWithOrgs, withSandbox, type Answer } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

type Api = (m: string, p: string, b?: unknown) => Promise<Answer>;
const ids = (r: Answer, key = 'organizations'): number[] => (r.body[key] as { id: number }[]).map((o) => o.id);

describe('jobs and paging under change', () => {
  it('completing a later job first completes the earlier ones, in order', async () => {
    const s = await withSandbox({ zendesk: {} });
    sandbox = s.sandbox;
    const api: Api = s.api;
    const a = await api('POST', '/api/v2/users/create_or_update_many.json', { users: [{ email: 'fifo@example.com', name: 'First' }] });
    const b = await api('POST', '/api/v2/users/create_or_update_many.json', { users: [{ email: 'fifo@example.com', name: 'Second' }] });
    const pathOf = (r: Answer): string => (r.body.job_status as { url: string }).url.slice(s.sandbox.url.length);
    await api('GET', pathOf(b));
    const doneB = (await api('GET', pathOf(b))).body.job_status as { status: string; results: { status: string }[] };
    expect(doneB.status).toBe('completed');
    expect(doneB.results[0].status).toBe('Updated');
    const doneA = (await api('GET', pathOf(a))).body.job_status as { status: string; results: { status: string }[] };
    expect(doneA.status).toBe('completed');
    expect(doneA.results[0].status).toBe('Created');
    const user = (await api('GET', '/api/v2/users/search.json?query=type:user%20email:fifo@example.com')).body.users as { name: string }[];
    expect(user.map((u) => u.name)).toEqual(['Second']);
  });

  it('a cursor walk sees records created during it and skips deleted ones; page[before] walks back', async () => {
    const s = await withSandbox(seedWithOrgs(5));
    sandbox = s.sandbox;
    const api: Api = s.api;
    const p1 = await api('GET', '/api/v2/organizations.json?page[size]=2');
    expect(ids(p1)).toEqual([1000, 1001]);
    const created = await api('POST', '/api/v2/organizations.json', { organization: { name: 'Late' } });
    const lateId = (created.body.organization as { id: number }).id;
    await api('DELETE', '/api/v2/organizations/1002.json');
    const next = (p1.body.links as { next: string }).next.slice(s.sandbox.url.length);
    const p2 = await api('GET', next);
    expect(ids(p2)).toEqual([1003, 1004]);
    const p3 = await api('GET', (p2.body.links as { next: string }).next.slice(s.sandbox.url.length));
    expect(ids(p3)).toEqual([lateId]);
    expect((p3.body.meta as { has_more: boolean }).has_more).toBe(false);
    const back = await api('GET', (p3.body.links as { prev: string }).prev.slice(s.sandbox.url.length));
    expect(ids(back)).toEqual([1003, 1004]);
    const bad = await api('GET', '/api/v2/organizations.json?page[after]=nonsense');
    expect(bad.status).toBe(400);
  });

  it('seeds may hold what Zendesk would refuse (two orgs with one name) and it is served as is', async () => {
    const s = await withSandbox({ zendesk: { organizations: [{ id: 1, name: 'Twin' }, { id: 2, name: 'twin' }] } });
    sandbox = s.sandbox;
    const r = await s.api('GET', '/api/v2/organizations/search.json?name=TWIN');
    expect(ids(r)).toEqual([1, 2]);
    const dup = await s.api('POST', '/api/v2/organizations.json', { organization: { name: 'Twin' } });
    expect(dup.status).toBe(422);
    // renaming one frees the name for a new organization
    await s.api('PUT', '/api/v2/organizations/1.json', { organization: { name: 'Solo' } });
    await s.api('PUT', '/api/v2/organizations/2.json', { organization: { name: 'Duo' } });
    expect((await s.api('POST', '/api/v2/organizations.json', { organization: { name: 'Twin' } })).status).toBe(201);
  });
});

describe('account switches', () => {
  it('users bulk endpoints answer 403 when the seed turns bulk user import off', async () => {
    const s = await withSandbox({ zendesk: { settings: { sandbox: { bulk_user_import: false } } } });
    sandbox = s.sandbox;
    const r = await s.api('POST', '/api/v2/users/create_or_update_many.json', { users: [{ email: 'x@example.com', name: 'X' }] });
    expect(r.status).toBe(403);
    expect((await s.api('POST', '/api/v2/users/create_many.json', { users: [] })).status).toBe(403);
    // single-record endpoints still work
    expect((await s.api('POST', '/api/v2/users/create_or_update.json', { user: { email: 'x@example.com', name: 'X' } })).status).toBe(201);
  });

  it('a known path with another method answers 405', async () => {
    const s = await withSandbox({});
    sandbox = s.sandbox;
    expect((await s.api('PATCH', '/api/v2/organizations.json', {})).status).toBe(405);
  });
});
