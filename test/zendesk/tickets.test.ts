import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZendeskTransport } from '../../src/zendesk/transport.js';
import { fullReadStart, readTicketExport, ticketContexts } from '../../src/zendesk/tickets.js';
import { BASE, fakeClock, instance, testOptions } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const PATH = '/api/v2/incremental/tickets/cursor';
const RL = { 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '690' };

// The shape of Zendesk's CursorBasedExportIncrementalTicketsResponse (OAS "Support API" 2.0.0 example), with sideloads.
function ticket(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    url: `${BASE}/api/v2/tickets/${id}.json`,
    external_id: null,
    type: 'incident',
    subject: `Subject ${id}`,
    raw_subject: `Subject ${id}`,
    description: 'The fire is very colorful.',
    priority: 'high',
    status: 'open',
    recipient: 'support@acme.example',
    requester_id: 20000 + id,
    submitter_id: 20000 + id,
    assignee_id: 235323,
    organization_id: 509974,
    group_id: 98738,
    collaborator_ids: [],
    follower_ids: [],
    has_incidents: false,
    due_at: null,
    tags: ['enterprise', 'other_tag'],
    custom_fields: [{ id: 27642, value: '745' }, { id: 27648, value: 'yes' }],
    via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
    created_at: '2024-07-20T22:55:29Z',
    updated_at: '2024-07-21T22:55:29Z',
    generated_timestamp: 1721602529,
    ...extra,
  };
}

function page(tickets: unknown[], after: string | null, end: boolean, sideloads: Record<string, unknown[]> = {}) {
  return {
    tickets,
    after_cursor: after,
    after_url: after ? `${BASE}${PATH}.json?cursor=${after}` : null,
    before_cursor: null,
    before_url: null,
    end_of_stream: end,
    ...sideloads,
  };
}

function transport(clock = fakeClock(Date.parse('2026-12-01T00:00:00Z'))) {
  return { clock, t: new ZendeskTransport(instance(), testOptions(clock)) };
}

describe('readTicketExport', () => {
  it('reads from a start time to end_of_stream with sideloads, and returns the last after_cursor as the next mark', async () => {
    const { clock, t } = transport();
    const first = nock(BASE)
      .get(PATH)
      .query({ start_time: '1704067200', include: 'users,organizations', per_page: '1000' })
      .reply(200, page([ticket(1), ticket(2)], 'MTU3NjYxMzUzOS4wfHw0Njd8', false, {
        organizations: [{ id: 509974, name: 'Acme', external_id: '001AC0000000001AAA', tags: [] }],
        users: [{ id: 20001, name: 'Ann', email: 'ann@acme.example', role: 'end-user' }],
      }), RL);
    const second = nock(BASE)
      .get(PATH)
      .query({ cursor: 'MTU3NjYxMzUzOS4wfHw0Njd8', include: 'users,organizations', per_page: '1000' })
      .reply(200, page([ticket(3, { organization_id: null, status: 'solved' }), ticket(1, { status: 'closed', updated_at: '2024-07-22T00:00:00Z' })], 'MTU3NjYxMzUzOS4wfHw0NzB8', true, {
        users: [{ id: 20003, name: 'Bob', email: null }],
      }), RL);
    const r = await readTicketExport(t, { start: fullReadStart('2024-01-01'), now: clock.now, sleep: clock.sleep });
    expect(first.isDone() && second.isDone()).toBe(true);
    expect(r.requests).toBe(2);
    expect(r.next).toEqual({ cursor: 'MTU3NjYxMzUzOS4wfHw0NzB8', endOfStream: true });
    // ticket 1 changed during the read: its latest version, once
    expect(r.tickets.map((x) => [x.id, x.status])).toEqual([[2, 'open'], [3, 'solved'], [1, 'closed']]);
    expect(r.tickets[0]).toMatchObject({ subject: 'Subject 2', priority: 'high', organization_id: 509974, requester_id: 20002, tags: ['enterprise', 'other_tag'], custom_fields: [{ id: 27642, value: '745' }, { id: 27648, value: 'yes' }], via: { channel: 'web' } });
    const contexts = ticketContexts(r);
    expect(contexts.map((c) => [c.ticket.id, c.organization?.external_id ?? null, c.requester?.email ?? null])).toEqual([
      [2, '001AC0000000001AAA', null],
      [3, null, null],
      [1, '001AC0000000001AAA', 'ann@acme.example'],
    ]);
    expect(clock.sleeps).toEqual([]);
  });

  it('resumes from a cursor, and an empty stream keeps that cursor as the mark', async () => {
    const { clock, t } = transport();
    nock(BASE).get(PATH).query({ cursor: 'abc', include: 'users,organizations', per_page: '1000' }).reply(200, page([], null, true), RL);
    const r = await readTicketExport(t, { start: { cursor: 'abc' }, now: clock.now, sleep: clock.sleep });
    expect(r).toMatchObject({ tickets: [], requests: 1, next: { cursor: 'abc', endOfStream: true } });
  });

  it('keeps to 10 export requests a minute on its own: the 11th page waits for the window, no 429 needed', async () => {
    const { clock, t } = transport();
    const pages = 12;
    nock(BASE).get(PATH).query({ start_time: '0', include: 'users,organizations', per_page: '2' }).reply(200, page([ticket(1)], 'c1', false), RL);
    for (let i = 1; i < pages; i++) {
      nock(BASE).get(PATH).query({ cursor: `c${i}`, include: 'users,organizations', per_page: '2' }).reply(200, page([ticket(i + 1)], `c${i + 1}`, i === pages - 1), RL);
    }
    const r = await readTicketExport(t, { start: { startTime: 0 }, perPage: 2, now: clock.now, sleep: clock.sleep });
    expect(r.requests).toBe(12);
    expect(r.tickets).toHaveLength(12);
    expect(clock.sleeps).toEqual([60_000]);
    expect(t.rateLimitedCount).toBe(0);
  });

  it('waits out a 429 with Retry-After (the transport), then continues', async () => {
    const { clock, t } = transport();
    nock(BASE).get(PATH).query(true).reply(429, { error: 'APIRateLimitExceeded' }, { 'Retry-After': '93' });
    nock(BASE).get(PATH).query(true).reply(200, page([ticket(1)], 'c1', true), RL);
    const r = await readTicketExport(t, { start: { startTime: 0 }, now: clock.now, sleep: clock.sleep });
    expect(r.tickets.map((x) => x.id)).toEqual([1]);
    expect(clock.sleeps.some((ms) => ms >= 93_000)).toBe(true);
    expect(t.rateLimitedCount).toBe(1);
  });

  it('moves a start time in the last minute back to a minute ago (Zendesk refuses it otherwise)', async () => {
    const { clock, t } = transport();
    const nowSec = Math.floor(clock.now() / 1000);
    const stub = nock(BASE).get(PATH).query({ start_time: String(nowSec - 60), include: 'users,organizations', per_page: '1000' }).reply(200, page([], null, true), RL);
    await readTicketExport(t, { start: { startTime: nowSec + 3600 }, now: clock.now, sleep: clock.sleep });
    expect(stub.isDone()).toBe(true);
  });

  it('stops at maxPages with the cursor to continue from', async () => {
    const { clock, t } = transport();
    nock(BASE).get(PATH).query(true).reply(200, page([ticket(1)], 'c1', false), RL);
    const r = await readTicketExport(t, { start: { startTime: 0 }, maxPages: 1, now: clock.now, sleep: clock.sleep });
    expect(r.next).toEqual({ cursor: 'c1', endOfStream: false });
  });

  it('refuses a page without tickets, a missing after_cursor, and the same cursor twice', async () => {
    const { clock, t } = transport();
    const opts = { start: { startTime: 0 }, now: clock.now, sleep: clock.sleep };
    nock(BASE).get(PATH).query(true).reply(200, { results: [] }, RL);
    await expect(readTicketExport(t, opts)).rejects.toThrow(/without a "tickets" array/);
    nock(BASE).get(PATH).query(true).reply(200, page([], null, false), RL);
    await expect(readTicketExport(t, opts)).rejects.toThrow(/end_of_stream: false\) but gave no after_cursor/);
    nock(BASE).get(PATH).query(true).reply(200, page([], 'same', false), RL);
    nock(BASE).get(PATH).query(true).reply(200, page([], 'same', false), RL);
    await expect(readTicketExport(t, opts)).rejects.toThrow(/same cursor twice \(same\)/);
  });
});
