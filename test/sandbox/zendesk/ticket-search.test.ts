// The sandbox's ticket search (issue 17): the terms zdsf sends, Zendesk's status order, and a 400 for any
// term it does not understand (so that a wrong query fails a test instead of counting wrong).
import { describe, expect, it } from 'vitest';
import { asSearched, searchTickets } from '../../../src/sandbox/zendesk/ticket-search.js';

const tickets = [
    { id: 1, status: 'new', organization_id: 1, requester_id: 10, updated_at: '2026-11-30T10:00:00Z' },
    { id: 2, status: 'solved', organization_id: 1, requester_id: 11, updated_at: '2026-10-01T00:00:00Z' },
    { id: 3, status: 'closed', organization_id: 1, requester_id: 10, updated_at: '2026-11-29T00:00:00Z' },
    { id: 4, status: 'closed', organization_id: 2 },
].map(asSearched);
const ids = (q: string): number[] | string => {
  const r = searchTickets(tickets, q);
  return typeof r === 'string' ? r : r.map((t) => t.id);
};

describe('searchTickets', () => {
  it('counts tickets not closed, by organization (solved is not closed)', () => {
    expect(ids('type:ticket organization:1 status<closed')).toEqual([1, 2]);
    expect(ids('type:ticket organization:2 status<closed')).toEqual([]);
  });

  it('compares updated by UTC day, and filters by status and requester', () => {
    expect(ids('type:ticket organization:1 updated>2026-11-28')).toEqual([1, 3]);
    expect(ids('type:ticket updated<2026-11-01')).toEqual([2, 4]);
    expect(ids('type:ticket status:closed')).toEqual([3, 4]);
    expect(ids('type:ticket status>pending requester:10')).toEqual([3]);
  });

  it('refuses what it does not understand', () => {
    expect(ids('organization:1 status<closed')).toMatch(/type:ticket/);
    expect(ids('type:ticket brand:2')).toMatch(/does not search tickets by "brand:2"/);
    expect(ids('type:ticket status<done')).toMatch(/unknown status "done"/);
    expect(ids('type:ticket printer')).toMatch(/free-text/);
  });
});
