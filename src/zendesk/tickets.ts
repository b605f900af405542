// Reads Zendesk tickets through the cursor-based incremental ticket export (issue 18):
//   GET /api/v2/incremental/tickets/cursor?start_time=T&include=users,organizations&per_page=1000
//   GET /api/v2/incremental/tickets/cursor?cursor=<after_cursor>&include=...&per_page=...
// until `end_of_stream`. The export has its own rate limit, 10 requests a minute (30 with the High Volume
// add-on), separate from the account's: this reader keeps to it with its own sliding window, and the transport
// still honours Retry-After if Zendesk answers 429 anyway.
//
// The read starts from a cursor (the mark a previous read returned, kept by the caller: later the snapshot
// store of src/state/) or, without one, from a start time (a bounded full read: every ticket updated since).
// It returns the next mark: the after_cursor of the last page, to start the next read from.
//
// Organizations and requesters are sideloaded (`include=users,organizations`), so no request is made per ticket.
import type { TicketContext, ZdTicket, ZdTicketOrganization, ZdTicketUser } from '../model/ticket.js';
import type { Progress } from '../model/ports.js';
import { silentProgress } from '../model/ports.js';
import { isRecord } from '../util/data.js';
import { ZdsfError } from '../util/errors.js';
import type { ZendeskTransport } from './transport.js';

export const EXPORT_PATH = '/incremental/tickets/cursor';
/** Zendesk's limit for incremental exports, requests a minute (without the High Volume API add-on). */
export const EXPORT_REQUESTS_PER_MINUTE = 10;
/** The largest page the cursor export serves. */
export const EXPORT_PAGE_SIZE = 1000;

export type TicketExportStart = { cursor: string } | { startTime: number };

export interface TicketExportOptions {
  /** where to start: a previous read's `next.cursor`, or a start time (unix seconds; 0 = every ticket) */
  start: TicketExportStart;
  /** tickets a page, default and at most 1000 */
  perPage?: number;
  /** default 10 (Zendesk's export limit); 30 with the High Volume add-on */
  maxRequestsPerMinute?: number;
  /** stop after this many pages even before end_of_stream (the returned cursor continues from there); default no limit */
  maxPages?: number;
  /** default: a real timer */
  sleep?: (ms: number) => Promise<void>;
  /** default Date.now */
  now?: () => number;
  progress?: Progress;
}

export interface TicketExportResult {
  /** every ticket read, once (a ticket changed during the read appears in its latest version), by id */
  tickets: ZdTicket[];
  organizations: Map<number, ZdTicketOrganization>;
  users: Map<number, ZdTicketUser>;
  /** the mark to start the next read from, and whether this read reached the end of the stream */
  next: { cursor: string | null; endOfStream: boolean };
  /** export requests sent (pages) */
  requests: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));

/** A ticket of the export, with the attributes zdsf reads (others kept as they are). */
export function toTicket(raw: unknown): ZdTicket {
  const r = isRecord(raw) ? raw : {};
  const id = num(r.id);
  if (id === null) throw new ZdsfError(`Zendesk's ticket export returned a ticket without an id (${JSON.stringify(raw).slice(0, 120)})`, 'zendesk_unexpected');
  return {
    ...r,
    id,
    external_id: text(r.external_id),
    type: text(r.type),
    subject: text(r.subject),
    description: text(r.description),
    priority: text(r.priority),
    status: text(r.status) ?? 'new',
    requester_id: num(r.requester_id),
    organization_id: num(r.organization_id),
    tags: Array.isArray(r.tags) ? r.tags.filter((t): t is string => typeof t === 'string') : [],
    custom_fields: Array.isArray(r.custom_fields)
      ? r.custom_fields.filter(isRecord).map((f) => ({ id: num(f.id) ?? 0, value: f.value ?? null }))
      : [],
    via: isRecord(r.via) ? { ...r.via, channel: text(r.via.channel) ?? undefined } : undefined,
    created_at: text(r.created_at) ?? '',
    updated_at: text(r.updated_at) ?? '',
  };
}

/** A paced, resumable read of the incremental ticket export. */
export async function readTicketExport(transport: ZendeskTransport, options: TicketExportOptions): Promise<TicketExportResult> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const perPage = Math.max(1, Math.min(EXPORT_PAGE_SIZE, options.perPage ?? EXPORT_PAGE_SIZE));
  const limit = Math.max(1, options.maxRequestsPerMinute ?? EXPORT_REQUESTS_PER_MINUTE);
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  const progress = options.progress ?? silentProgress;
  const name = transport.instance.name;

  const byId = new Map<number, ZdTicket>();
  const organizations = new Map<number, ZdTicketOrganization>();
  const users = new Map<number, ZdTicketUser>();
  const sent: number[] = [];
  const seen = new Set<string>();

  const pace = async (): Promise<void> => {
    for (;;) {
      const t = now();
      while (sent.length > 0 && t - sent[0] >= 60_000) sent.shift();
      if (sent.length < limit) break;
      await sleep(sent[0] + 60_000 - t);
    }
    sent.push(now());
  };

  const common = { include: 'users,organizations', per_page: perPage };
  let query: Record<string, string | number> =
    'cursor' in options.start
      ? { cursor: options.start.cursor, ...common }
      : // start_time must be at least a minute in the past (Zendesk answers 400 otherwise)
        { start_time: Math.max(0, Math.min(Math.floor(options.start.startTime), Math.floor(now() / 1000) - 60)), ...common };

  progress.start(`Reading Zendesk tickets (${name}, incremental export)`);
  let requests = 0;
  let cursor: string | null = 'cursor' in options.start ? options.start.cursor : null;
  let endOfStream = false;
  while (requests < maxPages) {
    const key = JSON.stringify(query);
    if (seen.has(key)) throw new ZdsfError(`Zendesk's ticket export of ${name} returned the same cursor twice (${String(query.cursor)}); stopping to avoid a loop.`, 'zendesk_paging');
    seen.add(key);
    await pace();
    const res = await transport.get(EXPORT_PATH, query);
    requests += 1;
    const body = isRecord(res.body) ? res.body : {};
    if (!Array.isArray(body.tickets)) {
      throw new ZdsfError(`Zendesk answered ${res.url} without a "tickets" array; is ${transport.instance.url} a Zendesk Support API, and the token an admin's?`, 'zendesk_unexpected');
    }
    for (const raw of body.tickets) {
      const t = toTicket(raw);
      byId.delete(t.id); // a ticket seen again moved on: keep its latest version, in stream order
      byId.set(t.id, t);
    }
    for (const o of Array.isArray(body.organizations) ? body.organizations.filter(isRecord) : []) {
      const id = num(o.id);
      if (id !== null) organizations.set(id, { id, name: text(o.name) ?? '', external_id: text(o.external_id) });
    }
    for (const u of Array.isArray(body.users) ? body.users.filter(isRecord) : []) {
      const id = num(u.id);
      if (id !== null) users.set(id, { id, name: text(u.name) ?? '', email: text(u.email) });
    }
    progress.tick(body.tickets.length);
    const after = typeof body.after_cursor === 'string' && body.after_cursor !== '' ? body.after_cursor : null;
    if (after !== null) cursor = after;
    if (body.end_of_stream === true) {
      endOfStream = true;
      break;
    }
    if (after === null) {
      throw new ZdsfError(`Zendesk's ticket export of ${name} said more tickets follow (end_of_stream: false) but gave no after_cursor; cannot continue.`, 'zendesk_paging');
    }
    query = { cursor: after, ...common };
  }
  progress.done(`Read ${byId.size} Zendesk tickets from ${name} (${requests} export request${requests === 1 ? '' : 's'})`);
  return { tickets: [...byId.values()], organizations, users, next: { cursor, endOfStream }, requests };
}

/** Each ticket with its sideloaded organization and requester. */
export function ticketContexts(result: Pick<TicketExportResult, 'tickets' | 'organizations' | 'users'>): TicketContext[] {
  return result.tickets.map((ticket) => ({
    ticket,
    organization: ticket.organization_id === null ? null : (result.organizations.get(ticket.organization_id) ?? null),
    requester: ticket.requester_id === null ? null : (result.users.get(ticket.requester_id) ?? null),
  }));
}

/** The start of a bounded full read for `cases.where.created_after` (tickets created after it were updated after it). */
export function fullReadStart(createdAfter: string | undefined): TicketExportStart {
  if (createdAfter === undefined) return { startTime: 0 };
  const t = Date.parse(createdAfter);
  return { startTime: Number.isFinite(t) ? Math.floor(t / 1000) : 0 };
}
