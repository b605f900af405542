import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/model/ports.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { nextPageUrl } from '../../src/zendesk/pagination.js';
import { BASE, fakeClock, instance, testOptions } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const RL = { 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '690' };

function cursorPage(key: string, items: unknown[], next: string | null) {
  return {
    [key]: items,
    meta: { has_more: next !== null, after_cursor: next ? 'x' : null, before_cursor: null },
    links: { next, prev: null },
  };
}

function recordingProgress() {
  const events: string[] = [];
  const progress: Progress = {
    start: (label) => events.push(`start ${label}`),
    tick: (n = 1) => events.push(`tick ${n}`),
    done: (message) => events.push(`done ${message ?? ''}`),
  };
  return { progress, events };
}

/** settings + empty field, org and membership lists; users given by the test */
function stubAllBut(users: boolean) {
  nock(BASE).get('/api/v2/account/settings.json').reply(200, { settings: { user: { multiple_organizations: true, tagging: true } } }, RL);
  nock(BASE)
    .get('/api/v2/organization_fields')
    .query({ 'page[size]': '100' })
    .reply(200, cursorPage('organization_fields', [{ id: 1, key: 'health', type: 'dropdown', title: 'Health', active: true, custom_field_options: [{ id: 9, name: 'Healthy', value: 'healthy' }] }], null), RL);
  nock(BASE)
    .get('/api/v2/user_fields')
    .query({ 'page[size]': '100' })
    .reply(200, cursorPage('user_fields', [{ id: 2, key: 'salesforce_contact_id', type: 'text', title: 'SF id', active: false }], null), RL);
  nock(BASE)
    .get('/api/v2/organizations')
    .query({ 'page[size]': '100' })
    .reply(
      200,
      cursorPage('organizations', [{ id: 10, name: 'Acme', external_id: '001A', tags: ['sf_customer'], domain_names: ['acme.com'], notes: null, details: '', organization_fields: { health: 'healthy' }, group_id: null, shared_tickets: false }], null),
      RL,
    );
  nock(BASE)
    .get('/api/v2/organization_memberships')
    .query({ 'page[size]': '100' })
    .reply(200, cursorPage('organization_memberships', [{ id: 100, user_id: 1, organization_id: 10, default: true, organization_name: 'Acme' }], null), RL);
  if (!users) return;
  nock(BASE)
    .get('/api/v2/users')
    .query({ 'page[size]': '100' })
    .reply(200, cursorPage('users', [{ id: 1, name: 'A', email: 'a@x.com', role: 'end-user' }], null), RL);
}

describe('createZendeskReader', () => {
  it('reads everything, following cursor pages of users over 3 pages', async () => {
    stubAllBut(false);
    const next1 = `${BASE}/api/v2/users?page%5Bsize%5D=100&page%5Bafter%5D=c1`;
    const next2 = `${BASE}/api/v2/users?page%5Bsize%5D=100&page%5Bafter%5D=c2`;
    const page = (from: number, n: number, role = 'end-user') =>
      Array.from({ length: n }, (_, i) => ({
        id: from + i,
        name: `U${from + i}`,
        email: `u${from + i}@x.com`,
        role,
        external_id: null,
        organization_id: null,
        tags: [],
        user_fields: {},
        photo: { big: 'blob' },
      }));
    nock(BASE).get('/api/v2/users').query({ 'page[size]': '100' }).reply(200, cursorPage('users', page(1, 100), next1), RL);
    nock(BASE).get('/api/v2/users').query({ 'page[size]': '100', 'page[after]': 'c1' }).reply(200, cursorPage('users', page(101, 100, 'agent'), next2), RL);
    nock(BASE)
      .get('/api/v2/users')
      .query({ 'page[size]': '100', 'page[after]': 'c2' })
      // Zendesk may still give links.next on the last page; meta.has_more = false is what ends it
      .reply(200, { users: page(201, 42, 'admin'), meta: { has_more: false }, links: { next: `${BASE}/api/v2/users?page%5Bafter%5D=c3` } }, RL);

    const { progress, events } = recordingProgress();
    const reader = createZendeskReader(testOptions(fakeClock()));
    const data = await reader.read({ instance: instance(), progress });

    expect(data.users).toHaveLength(242);
    expect(data.users.filter((u) => u.role === 'agent')).toHaveLength(100);
    expect(data.users.filter((u) => u.role === 'admin')).toHaveLength(42);
    expect(data.users[0]).toEqual({ id: 1, name: 'U1', email: 'u1@x.com', role: 'end-user', external_id: null, organization_id: null, tags: [], user_fields: {} });
    expect(data.organizations).toEqual([
      { id: 10, name: 'Acme', external_id: '001A', tags: ['sf_customer'], domain_names: ['acme.com'], notes: null, details: '', organization_fields: { health: 'healthy' } },
    ]);
    // organization_name (and timestamps, URLs) are not kept: nothing reads them, and at 500k users they cost ~100 MB
    expect(data.memberships).toEqual([{ id: 100, user_id: 1, organization_id: 10, default: true }]);
    // tag lists are shared, frozen copies (src/util/intern.ts)
    expect(Object.isFrozen(data.organizations[0].tags)).toBe(true);
    expect(data.users[0].tags).toBe(data.users[1].tags);
    expect(data.organizationFields[0]).toEqual({
      id: 1,
      key: 'health',
      type: 'dropdown',
      title: 'Health',
      active: true,
      custom_field_options: [{ id: 9, name: 'Healthy', value: 'healthy' }],
    });
    expect(data.userFields[0].active).toBe(false);
    expect(data.settings).toEqual({ multipleOrganizations: true });
    expect(data.rateLimitPerMinute).toBe(700);
    expect(reader.lastTransport?.requestCount).toBe(8);
    expect(events.filter((e) => e.startsWith('tick'))).toEqual(['tick 1', 'tick 1', 'tick 1', 'tick 100', 'tick 100', 'tick 42', 'tick 1']);
    expect(events).toContain('done Read 242 Zendesk users from global');
    expect(nock.isDone()).toBe(true);
  });

  it('multiple_organizations false, and no rate-limit header: null', async () => {
    nock(BASE).get('/api/v2/account/settings.json').reply(200, { settings: { user: { multiple_organizations: false } } });
    for (const [path, key] of [
      ['/api/v2/organization_fields', 'organization_fields'],
      ['/api/v2/user_fields', 'user_fields'],
      ['/api/v2/organizations', 'organizations'],
      ['/api/v2/users', 'users'],
      ['/api/v2/organization_memberships', 'organization_memberships'],
    ])
      nock(BASE).get(path).query({ 'page[size]': '100' }).reply(200, cursorPage(key, [], null));
    const data = await createZendeskReader(testOptions()).read({ instance: instance() });
    expect(data.settings.multipleOrganizations).toBe(false);
    expect(data.rateLimitPerMinute).toBeNull();
    expect(data.users).toEqual([]);
  });

  it('429 in the middle of paging waits and carries on (node-zendesk getAll would stop)', async () => {
    const clock = fakeClock();
    stubAllBut(false);
    const next1 = `${BASE}/api/v2/users?page%5Bsize%5D=100&page%5Bafter%5D=c1`;
    nock(BASE).get('/api/v2/users').query({ 'page[size]': '100' }).reply(200, cursorPage('users', [{ id: 1, role: 'end-user' }], next1));
    nock(BASE).get('/api/v2/users').query({ 'page[size]': '100', 'page[after]': 'c1' }).reply(429, {}, { 'Retry-After': '20' });
    nock(BASE).get('/api/v2/users').query({ 'page[size]': '100', 'page[after]': 'c1' }).reply(200, cursorPage('users', [{ id: 2, role: 'end-user' }], null));
    const data = await createZendeskReader(testOptions(clock)).read({ instance: instance() });
    expect(data.users.map((u) => u.id)).toEqual([1, 2]);
    expect(clock.sleeps).toContain(20_000);
  });

  it('a 401 on the first request fails with the credentials message, nothing else is read', async () => {
    nock(BASE).get('/api/v2/account/settings.json').reply(401, { error: "Couldn't authenticate you" });
    const reader = createZendeskReader(testOptions());
    await expect(reader.read({ instance: instance({ auth: { method: 'oauth', token: 'tok-123' } }) })).rejects.toThrow(
      `Zendesk rejected the oauth token for instance global (${BASE})`,
    );
    expect(reader.lastTransport?.requestCount).toBe(1);
  });

  it('a page without the expected array is an error, not an empty list', async () => {
    stubAllBut(false);
    nock(BASE).get('/api/v2/users').query({ 'page[size]': '100' }).reply(200, { error: 'not this' });
    await expect(createZendeskReader(testOptions()).read({ instance: instance() })).rejects.toThrow(/without a "users" array/);
  });
});

describe('nextPageUrl', () => {
  it('follows links.next while meta.has_more, next_page for offset pages', () => {
    expect(nextPageUrl({ meta: { has_more: true }, links: { next: 'n' } })).toBe('n');
    expect(nextPageUrl({ meta: { has_more: false }, links: { next: 'n' } })).toBeNull();
    expect(nextPageUrl({ next_page: 'p2' })).toBe('p2');
    expect(nextPageUrl({ next_page: null })).toBeNull();
    expect(() => nextPageUrl({ meta: { has_more: true }, links: { next: null } })).toThrow(/no links.next/);
  });
});
