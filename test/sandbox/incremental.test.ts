// The sandbox's incremental pieces (issue 13): Salesforce records changed between runs through
// POST /__sandbox/salesforce/changes keep SystemModstamp / LastModifiedDate / IsDeleted, queryAll sees deleted
// rows; the Zendesk incremental exports answer with the documented shapes, deleted records and their own limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { SandboxSeed } from '../../src/model/seed.js';

const seed: SandboxSeed = {
  salesforce: {
    Account: [{ Id: '001000000000001AAA', Name: 'Acme', CreatedDate: '2024-01-01T00:00:00.000+0000' }],
    Contact: [{ Id: '003000000000001AAA', LastName: 'One', Email: 'one@acme.example', AccountId: '001000000000001AAA', CreatedDate: '2024-01-02T00:00:00.000+0000' }],
  },
  zendesk: {
    organizations: [{ id: 1, name: 'Acme', external_id: '001000000000001AAA', updated_at: '2024-01-01T00:00:00Z' }],
    users: [{ id: 11, name: 'One', email: 'one@acme.example', role: 'end-user', organization_id: 1, updated_at: '2024-01-01T00:00:00Z' }],
  },
};

let sandbox: Sandbox;
let t = Date.parse('2026-12-01T10:00:00Z');
const headers = { authorization: 'Bearer x', 'content-type': 'application/json' };
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
};
const soql = async (q: string, all = false) =>
  (await api('GET', `/services/data/v62.0/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(q)}`)).body.records as Record<string, unknown>[];

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0, now: () => t, incrementalRateLimitPerMinute: 3 });
});
afterAll(async () => {
  await sandbox.close();
});

describe('Salesforce changes between runs', () => {
  it('moves SystemModstamp on every change, keeps deleted rows for queryAll, cascades and undeletes', async () => {
    const [before] = await soql('SELECT Id, SystemModstamp, LastModifiedDate, IsDeleted FROM Account');
    expect(before).toMatchObject({ SystemModstamp: '2024-01-01T00:00:00.000+0000', LastModifiedDate: '2024-01-01T00:00:00.000+0000', IsDeleted: false });
    const created = await api('POST', '/__sandbox/salesforce/changes', {
      changes: [
        { action: 'update', id: '001000000000001AAA', fields: { Name: 'Acme Corp', SystemModstamp: 'ignored' } },
        { action: 'create', object: 'Contact', fields: { LastName: 'Two', Email: 'two@acme.example', AccountId: '001000000000001AAA' } },
      ],
    });
    expect(created.status).toBe(200);
    const results = created.body.results as { id: string; action: string }[];
    expect(results[1].id).toMatch(/^003/);
    const stamped = await soql('SELECT Id, Name, SystemModstamp FROM Account WHERE SystemModstamp > 2026-12-01T09:00:00Z');
    expect(stamped).toEqual([expect.objectContaining({ Name: 'Acme Corp', SystemModstamp: '2026-12-01T10:00:00.000+0000' })]);

    t += 60_000;
    const del = await api('POST', '/__sandbox/salesforce/changes', { changes: [{ action: 'delete', id: '001000000000001AAA' }] });
    expect(del.body.results).toEqual([{ id: '001000000000001AAA', object: 'Account', action: 'delete', cascaded: ['003000000000001AAA', results[1].id] }]);
    expect(await soql('SELECT Id FROM Contact')).toEqual([]);
    const gone = await soql('SELECT Id, IsDeleted, SystemModstamp FROM Contact WHERE SystemModstamp > 2026-12-01T10:00:30Z', true);
    expect(gone.map((r) => r.IsDeleted)).toEqual([true, true]);

    t += 60_000;
    await api('POST', '/__sandbox/salesforce/changes', { changes: [{ action: 'undelete', id: '001000000000001AAA' }] });
    expect((await soql('SELECT Id FROM Contact')).length).toBe(2);

    const refused = await api('POST', '/__sandbox/salesforce/changes', { changes: [{ action: 'update', id: 'nope' }] });
    expect(refused).toMatchObject({ status: 400, body: { error: 'InvalidChange' } });
  });
});

describe('Zendesk incremental exports', () => {
  it('organizations: time-based, with end_time, next_page, end_of_stream and deleted_at', async () => {
    t = Date.parse('2026-12-01T11:00:00Z');
    await api('PUT', '/api/v2/organizations/1', { organization: { notes: 'changed' } });
    await api('POST', '/api/v2/organizations', { organization: { name: 'By hand' } });
    const start = Math.floor(Date.parse('2026-12-01T10:59:00Z') / 1000);
    const page = await api('GET', `/api/v2/incremental/organizations?start_time=${start}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ count: 2, end_of_stream: true, end_time: Math.floor(t / 1000) });
    expect(page.body.next_page).toBe(`${sandbox.url}/api/v2/incremental/organizations.json?start_time=${Math.floor(t / 1000)}`);
    expect((page.body.organizations as { name: string }[]).map((o) => o.name)).toEqual(['Acme', 'By hand']);
    const byHand = (page.body.organizations as { id: number }[])[1].id;
    t += 5000;
    await api('DELETE', `/api/v2/organizations/${byHand}`);
    const next = await api('GET', `/api/v2/incremental/organizations?start_time=${Math.floor(t / 1000)}`);
    expect(next.body.organizations).toEqual([expect.objectContaining({ id: byHand, deleted_at: expect.any(String) })]);
    expect((await api('GET', '/api/v2/incremental/organizations')).status).toBe(400);
  });

  it('users: cursor-based, after_cursor / after_url, deleted users with active: false; membership changes move the user', async () => {
    t = Date.parse('2026-12-01T12:00:00Z');
    const first = await api('GET', `/api/v2/incremental/users/cursor?start_time=${Math.floor(t / 1000) - 10}`);
    expect(first.body).toMatchObject({ users: [], end_of_stream: true, before_cursor: null, before_url: null, after_cursor: expect.any(String) });
    expect(first.body.after_url).toBe(`${sandbox.url}/api/v2/incremental/users/cursor.json?cursor=${String(first.body.after_cursor)}`);
    await api('DELETE', '/api/v2/users/11/organization_memberships/' + String(((await api('GET', '/api/v2/users/11/organization_memberships')).body.organization_memberships as { id: number }[])[0].id));
    const changed = await api('GET', `/api/v2/incremental/users/cursor?cursor=${String(first.body.after_cursor)}`);
    expect(changed.body.users).toEqual([expect.objectContaining({ id: 11, organization_id: null, updated_at: '2026-12-01T12:00:00Z' })]);
    await api('DELETE', '/api/v2/users/11');
    const deleted = await api('GET', String(changed.body.after_url).replace(sandbox.url, ''));
    expect(deleted.body.users).toEqual([expect.objectContaining({ id: 11, active: false })]);
  });

  it('has its own per-minute limit, answered 429 with Retry-After', async () => {
    t = Date.parse('2026-12-01T13:00:00Z');
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await api('GET', `/api/v2/incremental/organizations?start_time=${Math.floor(t / 1000)}`);
      statuses.push(r.status);
      retry = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retry)).toBeGreaterThan(0);
    expect((await api('GET', '/api/v2/organizations')).status).toBe(200); // the instance's own limit is apart
  });
});
