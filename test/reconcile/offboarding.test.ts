// Offboarding's pure core (issue 17): who zdsf owns, why they left, the staged changes with an injected clock,
// the marker tag, tickets that keep a user; and the Salesforce look-up's queries.
import { describe, expect, it } from 'vitest';
import type { Sync } from '../../src/model/config.js';
import type { ZdUser } from '../../src/model/zendesk.js';
import { keepUsersWithTickets, offboardCandidates, offboardChanges, offboardReason, userTicketQuery } from '../../src/reconcile/offboarding.js';
import { deleteDue, suspendedOn, suspendedTag } from '../../src/reconcile/offboard-marker.js';
import { lookupQueries, lookupResult } from '../../src/salesforce/offboard-lookup.js';
import { dPerson, makeDesired, makeSync, userSync } from './helpers.js';

const C2 = '003000000000002AAA';
const rule = (over: Partial<NonNullable<Sync['users']>['offboard']> = {}) => ({ when: ['deleted', 'inactive', 'filtered_out'] as ('deleted' | 'inactive' | 'filtered_out')[], action: 'delete' as const, after_days: 30, keep_if_open_tickets: true, ...over });
const sync = (over = {}): Sync => ({ ...makeSync(), users: userSync({ match: 'external_id', offboard: rule(over) }), protected: { external_ids: [], names: [], domains: ['partner.example'] } });
const user = (id: number, over: Partial<ZdUser> = {}): ZdUser => ({ id, name: 'X', email: `u${id}@acme.example`, role: 'end-user', external_id: null, organization_id: null, tags: [], user_fields: {}, ...over });
const target = (users: ZdUser[]) => ({ organizations: [], users, memberships: [], organizationFields: [], userFields: [], settings: { multipleOrganizations: false }, rateLimitPerMinute: null });

describe('offboardCandidates', () => {
  it('only end users with a Contact / Lead Id of the sources that no desired person has', () => {
    const desired = makeDesired({ people: [dPerson('003000000000001AAA', 'ann@acme.example')] });
    const users = [
      user(1, { external_id: '003000000000001AAA' }), // still selected
      user(2, { external_id: C2 }), // candidate
      user(3, { external_id: '00Q000000000003AAA' }), // a Lead: the sync reads no Leads
      user(4, { external_id: 'sso-4' }), // not a Salesforce Id
      user(5, { external_id: '003000000000005AAA', role: 'agent' }),
      user(6, { external_id: '003000000000006AAA', email: 'x@partner.example' }), // protected
      user(7, { external_id: '003000000000007AAA', email: 'ann@acme.example' }), // a desired person's email
      user(8, { external_id: '003000000000008AAA', active: false }), // deleted in Zendesk
    ];
    expect(offboardCandidates(sync(), target(users), desired).map((c) => c.user.id)).toEqual([2]);
    expect(offboardCandidates({ ...sync(), users: userSync({ offboard: rule() }) }, target(users), desired)).toEqual([]); // match: email
  });
});

describe('offboardChanges', () => {
  const desired = makeDesired();
  const status = { live: new Set<string>(), inactive: new Set<string>() };
  const NOW = new Date('2026-12-01T15:00:00Z');

  it('reasons: gone -> deleted, inactive_when -> inactive, else filtered_out', () => {
    expect(offboardReason(C2, status)).toBe('deleted');
    expect(offboardReason(C2, { live: new Set([C2]), inactive: new Set([C2]) })).toBe('inactive');
    expect(offboardReason(C2, { live: new Set([C2]), inactive: new Set() })).toBe('filtered_out');
  });

  it('stage 1 suspends with the marker; stage 2 waits for after_days, then deletes', () => {
    const candidates = [{ user: user(2, { external_id: C2, tags: ['vip'] }), sourceId: C2, object: 'Contact' as const }];
    const [s] = offboardChanges({ sync: sync(), desired, candidates, status, now: NOW }).changes;
    expect(s).toMatchObject({ type: 'user', action: 'suspend', zendesk_id: 2, after: { suspended: true, tags: ['vip', 'zdsf_suspended_20261201'] }, reason: 'offboard: deleted (suspend; delete after 30 days, on 2026-12-31)' });
    const suspended = [{ ...candidates[0], user: { ...candidates[0].user, suspended: true, tags: ['vip', 'zdsf_suspended_20261201'] } }];
    const early = offboardChanges({ sync: sync(), desired, candidates: suspended, status, now: new Date('2026-12-30T23:59:00Z') });
    expect(early.changes).toEqual([]);
    expect(early.warnings.map((w) => w.code)).toEqual(['offboard_pending']);
    const due = offboardChanges({ sync: sync(), desired, candidates: suspended, status, now: new Date('2026-12-31T00:00:00Z') });
    expect(due.changes.map((c) => c.action)).toEqual(['delete']);
  });

  it('when filters reasons; action suspend leaves suspended users alone', () => {
    const candidates = [{ user: user(2, { external_id: C2 }), sourceId: C2, object: 'Contact' as const }];
    expect(offboardChanges({ sync: sync({ when: ['inactive'] }), desired, candidates, status, now: NOW }).changes).toEqual([]);
    const suspended = [{ ...candidates[0], user: { ...candidates[0].user, suspended: true } }];
    expect(offboardChanges({ sync: sync({ action: 'suspend' }), desired, candidates: suspended, status, now: NOW })).toEqual({ changes: [], warnings: [] });
  });

  it('tickets keep a user: one query per user about to be offboarded', () => {
    const candidates = [{ user: user(2, { external_id: C2 }), sourceId: C2, object: 'Contact' as const }];
    const { changes } = offboardChanges({ sync: sync(), desired, candidates, status, now: NOW });
    expect(userTicketQuery(changes, rule(), NOW)).toEqual({ requesterIds: [2], open: true });
    expect(userTicketQuery(changes, rule({ keep_if_open_tickets: false }), NOW)).toBeNull();
    const kept = keepUsersWithTickets(changes, [{ requesterId: 2, open: 1, recent: 0 }], rule());
    expect(kept.changes).toEqual([]);
    expect(kept.kept[0].code).toBe('kept_for_tickets');
    expect(keepUsersWithTickets(changes, [{ requesterId: 2, open: 0, recent: 0 }], rule()).changes).toHaveLength(1);
  });
});

describe('the marker and the look-up', () => {
  it('the tag carries the UTC day', () => {
    expect(suspendedTag(new Date('2026-12-01T23:30:00Z'))).toBe('zdsf_suspended_20261201');
    expect(suspendedOn(['vip', 'zdsf_suspended_20261101', 'zdsf_suspended_20261201'])?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(suspendedOn(['zdsf_suspended_x'])).toBeNull();
    expect(deleteDue(new Date('2026-12-01T00:00:00Z'), 30).toISOString()).toBe('2026-12-31T00:00:00.000Z');
  });

  it('queries 200 Ids at a time, queryAll for existence, and the inactive condition', () => {
    const ids = Array.from({ length: 201 }, (_v, i) => `003${String(i).padStart(15, '0')}`);
    const q = lookupQueries({ object: 'Contact', ids, inactive_when: "Status__c = 'Left'" });
    expect(q.map((x) => [x.kind, x.all])).toEqual([['exists', true], ['inactive', false], ['exists', true], ['inactive', false]]);
    expect(q[1].query.soql).toMatch(/^SELECT Id FROM Contact WHERE \(Id IN \('003000000000000000', .*\)\) AND \(Status__c = 'Left'\)$/);
    expect(lookupResult(['exists', 'inactive'], [[{ Id: 'a', IsDeleted: false }, { Id: 'b', IsDeleted: true }], [{ Id: 'a' }, { Id: 'b' }]])).toEqual({ live: ['a'], inactive: ['a'] });
  });
});
