// The Zendesk adapter over real HTTP against the local sandbox (src/sandbox), with the real clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { fakeClock, instance } from './helpers.js';

const seed: SandboxSeed = {
  zendesk: {
    settings: { user: { multiple_organizations: true } },
    organizations: [
      { id: 1, name: 'Existing Co', external_id: '001EXIST', tags: ['keep'], domain_names: [], notes: null, details: null, organization_fields: {} },
      { id: 2, name: 'Orphan Ltd', external_id: null, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} },
    ],
    users: [
      { id: 11, name: 'Agent Smith', email: 'agent@acme.example', role: 'agent', external_id: null, organization_id: null, tags: [], user_fields: {} },
      { id: 12, name: 'Jane Roe', email: 'jane@customer.example', role: 'end-user', external_id: null, organization_id: 1, tags: [], user_fields: {} },
    ],
    organization_memberships: [{ id: 21, user_id: 12, organization_id: 1, default: true }],
    organization_fields: [{ id: 31, key: 'health', type: 'dropdown', title: 'Health', active: true, custom_field_options: [{ id: 1, name: 'Healthy', value: 'healthy' }] }],
    user_fields: [{ id: 41, key: 'salesforce_contact_id', type: 'text', title: 'Salesforce contact', active: true }],
  },
};

let sandbox: Sandbox;
const clock = fakeClock(Date.now());

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0, now: clock.now });
});
afterEach(() => sandbox.reset(seed));
afterAll(async () => {
  await sandbox.close();
});

const zd = () => instance({ url: sandbox.zendeskUrl(), auth: { method: 'api_token', email: 'ops@acme.example', token: 'sandbox-token' } });
const opts = () => ({ now: clock.now, sleep: clock.sleep, random: () => 0.5, pollIntervalMs: 10, maxPollIntervalMs: 50 });

describe('Zendesk adapter against the sandbox', () => {
  it('reads organizations, users of every role, memberships, fields, settings and the rate limit', async () => {
    const data = await createZendeskReader(opts()).read({ instance: zd() });
    expect(data.organizations.map((o) => [o.id, o.name, o.external_id])).toEqual([
      [1, 'Existing Co', '001EXIST'],
      [2, 'Orphan Ltd', null],
    ]);
    expect(data.users.map((u) => [u.email, u.role])).toEqual([
      ['agent@acme.example', 'agent'],
      ['jane@customer.example', 'end-user'],
    ]);
    expect(data.memberships).toMatchObject([{ id: 21, user_id: 12, organization_id: 1, default: true }]);
    expect(data.organizationFields.map((f) => [f.key, f.type])).toEqual([['health', 'dropdown']]);
    expect(data.userFields.map((f) => f.key)).toEqual(['salesforce_contact_id']);
    expect(data.settings.multipleOrganizations).toBe(true);
    expect(data.rateLimitPerMinute).toBe(700);
  });

  it('pages through 250 organizations in cursor pages of 100', async () => {
    const many: SandboxSeed = {
      zendesk: {
        ...seed.zendesk,
        organizations: Array.from({ length: 250 }, (_, i) => ({ id: 1000 + i, name: `Org ${i}`, external_id: `X${i}`, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} })),
      },
    };
    sandbox.reset(many);
    const reader = createZendeskReader(opts());
    const data = await reader.read({ instance: zd() });
    expect(data.organizations).toHaveLength(250);
    expect(new Set(data.organizations.map((o) => o.id)).size).toBe(250);
    const listed = Object.entries(sandbox.stats().requests)
      .filter(([k]) => k === 'GET /api/v2/organizations')
      .reduce((n, [, v]) => n + v, 0);
    expect(listed).toBe(3);
  });

  it('creates organizations with create_many, follows the job, and a name already taken fails per item', async () => {
    const w = createZendeskWriter(zd(), opts());
    const results = await w.createOrganizations([
      { name: 'New Account', external_id: '001NEW', tags: ['sf_customer'], domain_names: ['new.example'], notes: 'hello', organization_fields: { health: 'healthy' } },
      { name: 'Existing Co', external_id: '001OTHER' },
      { name: 'Second New', external_id: '001NEW2' },
    ]);
    expect(results.map((r) => [r.index, r.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(results[1].error).toMatch(/already been taken/i);
    expect(typeof results[0].id).toBe('number');

    const back = await createZendeskReader(opts()).read({ instance: zd() });
    const created = back.organizations.find((o) => o.external_id === '001NEW');
    expect(created).toMatchObject({ id: results[0].id, name: 'New Account', tags: ['sf_customer'], domain_names: ['new.example'], notes: 'hello' });
    expect(created?.organization_fields.health).toBe('healthy');
    expect(back.organizations.filter((o) => o.name === 'Existing Co')).toHaveLength(1);

    const found = await w.findOrganizations({ external_ids: ['001NEW', '001NEW2'], names: ['orphan ltd'] });
    expect(found.map((o) => o.name).sort()).toEqual(['New Account', 'Orphan Ltd', 'Second New']);
  });

  it('updates and deletes organizations by id', async () => {
    const w = createZendeskWriter(zd(), opts());
    const updated = await w.updateOrganizations([{ id: 1, notes: 'updated notes' }, { id: 999_999, notes: 'x' }]);
    expect(updated[0]).toMatchObject({ index: 0, ok: true, id: 1 });
    expect(updated[1]).toMatchObject({ index: 1, ok: false, id: 999_999 });
    const deleted = await w.deleteOrganizations([2]);
    expect(deleted).toMatchObject([{ index: 0, ok: true, id: 2 }]);
    const orgs = (await createZendeskReader(opts()).read({ instance: zd() })).organizations;
    expect(orgs.map((o) => [o.id, o.notes])).toEqual([[1, 'updated notes']]);
  });

  it('upserts users by email, adds a membership and makes it the default', async () => {
    const w = createZendeskWriter(zd(), opts());
    const upserted = await w.upsertUsers([
      { name: 'Jane Roe-Smith', email: 'JANE@customer.example' },
      { name: 'New Person', email: 'new@customer.example', organization_id: 2, skip_verify_email: true, verified: true },
    ]);
    expect(upserted.map((r) => [r.ok, r.status])).toEqual([
      [true, 'Updated'],
      [true, 'Created'],
    ]);
    expect(upserted[0].id).toBe(12);
    const [jane] = await w.findUsers({ emails: ['jane@customer.example'] });
    expect(jane).toMatchObject({ id: 12, name: 'Jane Roe-Smith' });

    const created = await w.createMemberships([
      { user_id: 12, organization_id: 2 },
      { user_id: 12, organization_id: 1 }, // already a member
    ]);
    expect(created[0]).toMatchObject({ index: 0, ok: true });
    expect(created[1]).toMatchObject({ index: 1, ok: true, status: 'Found' }); // "already a member": looked up
    const made = await w.makeDefaultMembership(12, created[0].id as number);
    expect(made).toMatchObject({ ok: true, id: created[0].id });
    const ms = await w.findMemberships({ user_ids: [12] });
    expect(ms.filter((m) => m.default).map((m) => m.organization_id)).toEqual([2]);
    expect(ms.map((m) => m.organization_id).sort()).toEqual([1, 2]);
  });

  it('paces itself under the limit the sandbox announces: no 429 at all', async () => {
    sandbox.faults({ rate_limit_per_minute: 3 });
    const started = clock.now();
    const reader = createZendeskReader(opts());
    const data = await reader.read({ instance: zd() });
    expect(data.organizations).toHaveLength(2);
    expect(data.rateLimitPerMinute).toBe(3);
    expect(reader.lastTransport?.requestCount).toBe(6);
    expect(sandbox.stats().rate_limited).toBe(0);
    // six requests at three a minute take at least a minute (of the fake clock)
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000);
  });

  it('waits Retry-After when the window is already used up by someone else, then carries on', async () => {
    sandbox.faults({ rate_limit_per_minute: 3 });
    for (let i = 0; i < 3; i++) await fetch(`${sandbox.zendeskUrl()}/api/v2/users/me`, { headers: { Authorization: 'Bearer x' } });
    const sleepsBefore = clock.sleeps.length;
    const reader = createZendeskReader(opts());
    const data = await reader.read({ instance: zd() });
    expect(data.users).toHaveLength(2);
    expect(sandbox.stats().rate_limited).toBe(1);
    const waited = clock.sleeps.slice(sleepsBefore);
    expect(waited[0]).toBeGreaterThan(0);
    expect(reader.lastTransport?.rateLimitedCount).toBe(1);
  });
});
