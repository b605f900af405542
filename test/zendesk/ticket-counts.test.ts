// The ticket read of ticket-aware retention (issue 17), with nock: the exact search/count queries, one per
// candidate unless the day window needs a second, and a 403 surfaced (plan turns it into a message naming the setting).
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { readTicketActivity } from '../../src/zendesk/ticket-counts.js';
import { ZendeskHttpError, ZendeskTransport } from '../../src/zendesk/transport.js';
import { ticketQuery } from '../../src/reconcile/ticket-retention.js';
import { orgDelete, orgUpdate } from '../apply/helpers.js';
import { BASE, instance, testOptions } from './helpers.js';

afterEach(() => {
  nock.cleanAll();
});

describe('readTicketActivity', () => {
  it('asks tickets not closed, then (only when 0) tickets updated since the cut-off day', async () => {
    const scope = nock(BASE)
      .get('/api/v2/search/count')
      .query({ query: 'type:ticket organization:1 status<closed' })
      .reply(200, { count: 2 })
      .get('/api/v2/search/count')
      .query({ query: 'type:ticket organization:2 status<closed' })
      .reply(200, { count: 0 })
      .get('/api/v2/search/count')
      .query({ query: 'type:ticket organization:2 updated>2026-11-01' })
      .reply(200, { count: 3 });
    const t = new ZendeskTransport(instance(), testOptions());
    const out = await readTicketActivity(t, { organizationIds: [1, 2], open: true, since: new Date('2026-11-01T12:00:00Z') });
    expect(out).toEqual([
      { organizationId: 1, open: 2, recent: 0 },
      { organizationId: 2, open: 0, recent: 3 },
    ]);
    expect(scope.isDone()).toBe(true);
    expect(t.requestCount).toBe(3);
  });

  it('counts the requested tickets of users offboarding would act on (issue 17)', async () => {
    const scope = nock(BASE)
      .get('/api/v2/search/count')
      .query({ query: 'type:ticket requester:11 status<closed' })
      .reply(200, { count: 0 })
      .get('/api/v2/search/count')
      .query({ query: 'type:ticket requester:11 updated>2026-11-01' })
      .reply(200, { count: 1 });
    const t = new ZendeskTransport(instance(), testOptions());
    const out = await readTicketActivity(t, { organizationIds: [], requesterIds: [11], open: true, since: new Date('2026-11-01T12:00:00Z') });
    expect(out).toEqual([{ requesterId: 11, open: 0, recent: 1 }]);
    expect(scope.isDone()).toBe(true);
  });

  it('throws the 403 of credentials that cannot search tickets', async () => {
    nock(BASE).get('/api/v2/search/count').query(true).reply(403, { error: 'Forbidden' });
    const t = new ZendeskTransport(instance(), testOptions());
    await expect(readTicketActivity(t, { organizationIds: [1], open: true })).rejects.toBeInstanceOf(ZendeskHttpError);
  });
});

describe('ticketQuery', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  it('asks about the deletes only, with the cut-off keep_if_ticket_within_days before now', () => {
    const changes = [orgDelete(7, 'A', 'A'), orgUpdate(8, 'B', 'B', { notes: 'x' }, { notes: 'y' }), orgDelete(9, 'C', 'C')];
    expect(ticketQuery(changes, { delete_when: 'x' }, now)).toEqual({ organizationIds: [7, 9], open: true });
    expect(ticketQuery(changes, { delete_when: 'x', keep_if_ticket_within_days: 30 }, now)).toEqual({ organizationIds: [7, 9], open: true, since: new Date('2026-11-01T12:00:00Z') });
    expect(ticketQuery(changes, { delete_when: 'x', keep_if_open_tickets: false }, now)).toBeNull();
    expect(ticketQuery([changes[1]], { delete_when: 'x' }, now)).toBeNull();
  });
});
