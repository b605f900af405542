// The sandbox's tickets and incremental ticket export, read over real HTTP by zdsf's ticket reader.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { checkSeed } from '../../src/sandbox/seed.js';
import { ZendeskTransport } from '../../src/zendesk/transport.js';
import { readTicketExport, ticketContexts } from '../../src/zendesk/tickets.js';
import { casesSeed } from '../cases/sandbox-seed.js';

let sandbox: Sandbox;
let clock = Date.parse('2026-12-01T12:00:00Z');
const now = () => clock;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: casesSeed(), port: 0, now });
});
beforeEach(() => sandbox.reset(casesSeed()));
afterAll(async () => sandbox.close());

const headers = { Authorization: 'Bearer sandbox', 'Content-Type': 'application/json' };
const transport = () =>
  new ZendeskTransport({ name: 'default', url: sandbox.zendeskUrl(), auth: { method: 'oauth', token: 'sandbox' }, multiple_organizations: false }, { now, sleep: async (ms) => void (clock += ms), random: () => 0.5 });

describe('sandbox tickets', () => {
  it('serves the seed tickets through the cursor export, with users and organizations sideloaded', async () => {
    const r = await readTicketExport(transport(), { start: { startTime: 0 }, now, sleep: async (ms) => void (clock += ms) });
    expect(r.requests).toBe(1);
    expect(r.next.endOfStream).toBe(true);
    const c = ticketContexts(r);
    expect(c.map((x) => [x.ticket.id, x.ticket.status, x.organization?.external_id ?? null, x.requester?.email ?? null])).toEqual([
      [123, 'open', '001SB0000000000001', 'ann@acme.example'],
      [124, 'pending', '001SB0000000000002', 'gus@globex.example'],
      [125, 'solved', null, 'gus@globex.example'],
      [126, 'new', null, 'gus@globex.example'],
    ]);
    expect(c[0].ticket).toMatchObject({ subject: 'Printer on fire', priority: 'urgent', tags: ['hardware'], custom_fields: [{ id: 360001, value: 'ultimate' }] });
  });

  it('pages by per_page, resumes from the returned cursor and serves a ticket updated since then, once', async () => {
    const t = transport();
    const sleep = async (ms: number) => void (clock += ms);
    const first = await readTicketExport(t, { start: { startTime: 0 }, perPage: 3, now, sleep });
    expect(first.requests).toBe(2);
    expect(first.tickets.map((x) => x.id)).toEqual([123, 124, 125, 126]);
    const empty = await readTicketExport(t, { start: { cursor: first.next.cursor! }, now, sleep });
    expect(empty.tickets).toEqual([]);
    expect(empty.next.cursor).toBe(first.next.cursor);

    const put = await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/123.json`, { method: 'PUT', headers, body: JSON.stringify({ ticket: { status: 'closed' } }) });
    expect(put.status).toBe(200);
    const again = await readTicketExport(t, { start: { cursor: first.next.cursor! }, now, sleep });
    expect(again.tickets.map((x) => [x.id, x.status])).toEqual([[123, 'closed']]);
    expect(sandbox.state().zendesk?.tickets?.find((x) => x.id === 123)?.status).toBe('closed');
  });

  it('keeps the export to 10 requests a minute (429 with Retry-After), refuses a too recent start_time and a bad cursor', async () => {
    const url = (q: string) => `${sandbox.zendeskUrl()}/api/v2/incremental/tickets/cursor.json?${q}`;
    for (let i = 0; i < 10; i++) expect((await fetch(url('start_time=0'), { headers })).status).toBe(200);
    const limited = await fetch(url('start_time=0'), { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    clock += 60_000;
    const recent = await fetch(url(`start_time=${Math.floor(clock / 1000) - 10}`), { headers });
    expect(recent.status).toBe(400);
    expect(await recent.json()).toEqual({ error: 'InvalidValue', description: 'Too recent start_time. Use a start_time at least one minute in the past' });
    expect((await fetch(url('cursor=bogus'), { headers })).status).toBe(400);
    expect((await fetch(url('start_time=0'), { headers: {} })).status).toBe(401);
  });

  it('creates and validates tickets; closed tickets cannot be changed', async () => {
    const post = await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets.json`, { method: 'POST', headers, body: JSON.stringify({ ticket: { subject: 'New one', requester_id: 501, organization_id: 900 } }) });
    expect(post.status).toBe(201);
    expect(((await post.json()) as { ticket: { id: number; status: string } }).ticket).toMatchObject({ id: 127, status: 'new' });
    const bad = await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/124.json`, { method: 'PUT', headers, body: JSON.stringify({ ticket: { status: 'done' } }) });
    expect(bad.status).toBe(422);
    await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/124.json`, { method: 'PUT', headers, body: JSON.stringify({ ticket: { status: 'closed' } }) });
    const locked = await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/124.json`, { method: 'PUT', headers, body: JSON.stringify({ ticket: { status: 'open' } }) });
    expect(locked.status).toBe(422);
  });

  it('keeps to the instance\'s credentials mode: an unknown token is refused, an agent may read but not write', async () => {
    const seed = casesSeed();
    seed.zendesk!.credentials = [{ token: 'admin-token', role: 'admin' }, { token: 'agent-token', role: 'agent' }];
    sandbox.reset(seed);
    const url = `${sandbox.zendeskUrl()}/api/v2/incremental/tickets/cursor.json?start_time=0`;
    expect((await fetch(url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { headers: { Authorization: 'Bearer agent-token' } })).status).toBe(200);
    const write = await fetch(`${sandbox.zendeskUrl()}/api/v2/tickets/123.json`, { method: 'PUT', headers: { Authorization: 'Bearer agent-token', 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket: { status: 'solved' } }) });
    expect(write.status).toBe(403);
  });

  it('checks tickets in seeds', () => {
    expect(() => checkSeed({ zendesk: { tickets: [1] } })).toThrow(/tickets must be a list of ticket objects/);
    expect(() => checkSeed({ zendesk: { incremental_export_limit_per_minute: 0 } })).toThrow(/whole number > 0/);
  });
});
