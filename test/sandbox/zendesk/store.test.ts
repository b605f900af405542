import { describe, expect, it } from 'vitest';
import { ZendeskStore, type Org, type User } from '../../../src/sandbox/zendesk/store.js';

const store = (): ZendeskStore => new ZendeskStore({ baseUrl: () => 'http://zd.test/', now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
const org = (id: number, name: string, external_id: string | null = null): Org =>
  ({ id, name, external_id, shared_tickets: false, shared_comments: false, created_at: '', updated_at: '', domain_names: [], details: null, notes: null, group_id: null, tags: [], organization_fields: {} });

describe('ZendeskStore', () => {
  it('keeps the name and external_id indexes in step when an organization is renamed or dropped', () => {
    const s = store();
    s.putOrg(org(1, 'Acme', 'A-1'));
    expect(s.orgByName('  ACME ')?.id).toBe(1);
    s.putOrg(org(1, 'Acme Corp', 'A-2'));
    expect(s.orgByName('acme')).toBeUndefined();
    expect(s.orgByExternalId('a-1')).toBeUndefined();
    expect(s.orgByExternalId('A-2')?.id).toBe(1);
    s.dropOrg(s.orgs.get(1) as Org);
    expect(s.orgByName('acme corp')).toBeUndefined();
    expect(s.orgs.size).toBe(0);
  });

  it('caches ids in order and rebuilds the cache after an insert or a delete', () => {
    const s = store();
    s.putOrg(org(1, 'a'));
    s.putOrg(org(2, 'b'));
    expect(s.idsOf(s.orgs)).toEqual([1, 2]);
    s.putOrg(org(3, 'c'));
    expect(s.idsOf(s.orgs)).toEqual([1, 2, 3]);
    s.dropOrg(s.orgs.get(2) as Org);
    expect(s.idsOf(s.orgs)).toEqual([1, 3]);
  });

  it('indexes memberships by user and by organization, sorted by id', () => {
    const s = store();
    s.putUser({ id: 7, name: 'U', email: 'u@x.test', external_id: null } as User);
    for (const [id, orgId] of [[12, 1], [11, 2]]) s.putMembership({ id, user_id: 7, organization_id: orgId, default: null, created_at: '', updated_at: '' });
    expect(s.userMemberships(7).map((m) => m.id)).toEqual([11, 12]);
    expect(s.orgMemberships(2).map((m) => m.id)).toEqual([11]);
    s.dropMembership(s.memberships.get(11) as never);
    expect(s.hasMemberships(7)).toBe(true);
    expect(s.orgMemberships(2)).toEqual([]);
    expect(s.userByEmail('U@X.TEST')?.id).toBe(7);
  });

  it('renders urls from the base URL (trailing slash dropped) and timestamps without milliseconds', () => {
    const s = store();
    s.putOrg(org(5, 'Acme'));
    expect(s.orgOut(s.orgs.get(5) as Org).url).toBe('http://zd.test/api/v2/organizations/5.json');
    expect(s.ts()).toBe('2026-01-02T03:04:05Z');
  });
});
