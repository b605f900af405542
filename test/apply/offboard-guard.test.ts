// The guard and stale checks of user:suspend, user:delete and membership:delete (issue 17), pure: hand-written
// (hostile) plans against the config and against live records.
import { describe, expect, it } from 'vitest';
import type { Sync } from '../../src/model/config.js';
import type { Change, MembershipDelete, SyncPlan, UserDelete, UserSuspend } from '../../src/model/plan.js';
import type { ZdUser } from '../../src/model/zendesk.js';
import { checkOffboardChange, defaultMaxOffboard, guardOffboardLive, guardOffboardStatic } from '../../src/apply/offboard-apply.js';
import { LiveIndex } from '../../src/apply/live.js';
import { syncConfig } from './helpers.js';

const EXT = '003000000000002AAA';
const offboarding = (action: 'suspend' | 'delete' | 'remove_tags', extra: Partial<NonNullable<Sync['users']>['offboard']> = {}): Sync => {
  const base = syncConfig('people');
  return { ...base, users: { ...base.users!, match: 'external_id', offboard: { when: ['deleted'], action, after_days: 30, keep_if_open_tickets: true, ...extra } } };
};

function suspend(over: Partial<UserSuspend> = {}): UserSuspend {
  return { type: 'user', action: 'suspend', key: EXT, zendesk_id: 11, label: 'ben@acme.example', before: { suspended: false, tags: ['vip'] }, after: { suspended: true, tags: ['vip', 'zdsf_suspended_20261201'] }, diff: [], ...over };
}
function del(over: Partial<UserDelete> = {}): UserDelete {
  return { type: 'user', action: 'delete', key: EXT, zendesk_id: 11, label: 'ben@acme.example', before: { id: 11, email: 'ben@acme.example', external_id: EXT, suspended: true, tags: ['zdsf_suspended_20261101'] }, after: null, diff: [], ...over };
}
function mdel(): MembershipDelete {
  return {
    type: 'membership',
    action: 'delete',
    key: 'ann -> 001',
    zendesk_id: 5002,
    label: 'ann -> Other',
    before: { user_id: 10, organization_id: 200 },
    after: null,
    user: { id: 10, key: 'ann', email: 'ann@acme.example' },
    organization: { id: 200, key: '001', name: 'Other' },
    diff: [],
  };
}
function zuser(over: Partial<ZdUser> = {}): ZdUser {
  return { id: 11, name: 'Ben', email: 'ben@acme.example', role: 'end-user', external_id: EXT, organization_id: null, tags: ['vip'], user_fields: {}, suspended: false, active: true, ...over };
}
const index = (users: ZdUser[], memberships: { id: number; user_id: number; organization_id: number; default: boolean | null }[] = []) =>
  new LiveIndex({ organizations: [], users, memberships }, { organizations: 'external_id', users: 'external_id' });

describe('the static guard', () => {
  it('accepts what the rule allows', () => {
    expect(guardOffboardStatic(suspend(), offboarding('suspend'), false)).toEqual([]);
    expect(guardOffboardStatic(del(), offboarding('delete'), false)).toEqual([]);
    expect(guardOffboardStatic(mdel(), { ...syncConfig(), memberships: 'mirror' }, true)).toEqual([]);
  });

  it('refuses suspends and deletes the config does not allow', () => {
    expect(guardOffboardStatic(suspend(), syncConfig(), false)).toEqual(['the sync has no users.offboard rule: zdsf suspends and deletes no user without one']);
    expect(guardOffboardStatic(suspend(), offboarding('remove_tags'), false)).toContain('users.offboard.action is remove_tags: zdsf suspends no user');
    expect(guardOffboardStatic(del(), offboarding('suspend'), false)).toContain('users.offboard.action is suspend: zdsf deletes no user');
    expect(guardOffboardStatic(mdel(), syncConfig(), true)).toContain('the sync does not say memberships: mirror: zdsf deletes no membership without it');
  });

  it('refuses a suspend that writes more than suspended and the marker, and a delete of a user zdsf did not suspend', () => {
    const sneaky = suspend({ after: { suspended: true, tags: ['zdsf_suspended_20261201'], role: 'admin' } as unknown as UserSuspend['after'] });
    expect(guardOffboardStatic(sneaky, offboarding('suspend'), false)).toEqual([
      'a suspend writes suspended: true and the tags, nothing else',
      "a suspend adds zdsf's zdsf_suspended_YYYYMMDD tag and changes no other tag",
    ]);
    const handSuspended = del({ before: { id: 11, email: null, external_id: EXT, suspended: true, tags: ['vip'] } });
    expect(guardOffboardStatic(handSuspended, offboarding('delete'), false)).toEqual(['zdsf deletes only users it suspended (suspended, with its zdsf_suspended_ tag)']);
  });
});

describe('the live guard', () => {
  const plan = (changes: Change[]): SyncPlan =>
    ({ name: 'people', changes, match: { organizations: 'external_id', users: 'external_id' } }) as unknown as SyncPlan;
  const name = (c: Change) => `${c.type} ${c.action} ${c.label}`;

  it('refuses agents, protected domains and users zdsf does not own', () => {
    const config = { ...offboarding('suspend', { max_offboard: 10 }), protected: { external_ids: [], names: [], domains: ['acme.example'] } };
    const out = guardOffboardLive({ sync: plan([suspend()]), config, live: index([zuser({ role: 'agent' })]), userCount: 100, allowDelete: false, force: false }, name);
    expect(out.changes).toEqual(['user suspend ben@acme.example: Zendesk user 11 is an agent: zdsf never writes agents or admins']);
    const prot = guardOffboardLive({ sync: plan([suspend()]), config, live: index([zuser()]), userCount: 100, allowDelete: false, force: false }, name);
    expect(prot.changes).toEqual(['user suspend ben@acme.example: the user is in a protected email domain']);
    const notOurs = guardOffboardLive({ sync: plan([suspend()]), config: offboarding('suspend', { max_offboard: 10 }), live: index([zuser({ external_id: null })]), userCount: 100, allowDelete: false, force: false }, name);
    expect(notOurs.changes).toEqual(["user suspend ben@acme.example: the user's external_id is not the Salesforce Id the plan names: zdsf offboards only users it owns"]);
  });

  it('deletes need --allow-delete; max_offboard and its default', () => {
    const live = index([zuser({ suspended: true, tags: ['zdsf_suspended_20261101'] })]);
    expect(guardOffboardLive({ sync: plan([del()]), config: offboarding('delete', { max_offboard: 5 }), live, userCount: 100, allowDelete: false, force: false }, name).deletes).toEqual([
      'sync "people" would delete 1 user ("ben@acme.example"): deletes need --allow-delete',
    ]);
    expect(guardOffboardLive({ sync: plan([del()]), config: offboarding('delete', { max_offboard: 0 }), live, userCount: 100, allowDelete: true, force: false }, name).deletes[0]).toMatch(/more than max_offboard \(0\)/);
    expect(guardOffboardLive({ sync: plan([del()]), config: offboarding('delete', { max_offboard: 0 }), live, userCount: 100, allowDelete: true, force: true }, name).deletes).toEqual([]);
    expect(guardOffboardLive({ sync: plan([del()]), config: offboarding('delete'), live, userCount: undefined, allowDelete: true, force: false }, name).deletes[0]).toMatch(/is unknown, so the default max_offboard/);
    expect(defaultMaxOffboard(9)).toBe(1);
    expect(defaultMaxOffboard(250)).toBe(25);
  });
});

describe('stale checks', () => {
  it('suspend: pending, done once suspended with the marker, stale when the tags or the suspension changed', () => {
    expect(checkOffboardChange(suspend(), index([zuser()])).status).toBe('pending');
    expect(checkOffboardChange(suspend(), index([zuser({ suspended: true, tags: ['vip', 'zdsf_suspended_20261201'] })])).status).toBe('done');
    expect(checkOffboardChange(suspend(), index([zuser({ tags: ['gold'] })])).reason).toMatch(/tags changed since the plan/);
    expect(checkOffboardChange(suspend(), index([zuser({ suspended: true })])).reason).toMatch(/suspended changed since the plan: false -> true/);
    expect(checkOffboardChange(suspend(), index([zuser({ role: 'admin' })])).reason).toMatch(/is now an admin/);
  });

  it('delete: done when gone (or soft-deleted), stale when unsuspended', () => {
    expect(checkOffboardChange(del(), index([])).status).toBe('done');
    expect(checkOffboardChange(del(), index([zuser({ active: false })])).status).toBe('done');
    expect(checkOffboardChange(del(), index([zuser({ suspended: true, tags: ['zdsf_suspended_20261101'] })])).status).toBe('pending');
    expect(checkOffboardChange(del(), index([zuser({ suspended: false, tags: ['zdsf_suspended_20261101'] })])).reason).toMatch(/no longer suspended/);
  });

  it('membership delete: done when gone, stale when it joins something else', () => {
    expect(checkOffboardChange(mdel(), index([])).status).toBe('done');
    expect(checkOffboardChange(mdel(), index([], [{ id: 5002, user_id: 10, organization_id: 200, default: null }])).status).toBe('pending');
    expect(checkOffboardChange(mdel(), index([], [{ id: 5002, user_id: 10, organization_id: 300, default: null }])).status).toBe('stale');
  });
});
