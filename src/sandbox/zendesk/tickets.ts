// Tickets for the sandbox's Zendesk instances (issue 18): the seed's `tickets`, the cursor-based incremental
// ticket export zdsf reads them with, and the ticket endpoints a test or a demo uses to change them.
//
//   GET  /api/v2/incremental/tickets/cursor?start_time=T|cursor=C [&per_page=N (<= 1000)] [&include=users,organizations]
//        -> { tickets, after_cursor, after_url, before_cursor, before_url, end_of_stream [, users, organizations] }
//   GET  /api/v2/tickets/{id}, GET /api/v2/tickets (offset pages), POST /api/v2/tickets, PUT /api/v2/tickets/{id}
//
// `withTickets` wraps an instance's emulator (src/sandbox/zendesk/emulator.ts is left as it is): its routes
// come first, everything else goes to the wrapped emulator, whose public show_many endpoints give the
// sideloaded users and organizations. The export keeps Zendesk's own limit of 10 requests a minute per instance
// (the seed's `incremental_export_limit_per_minute` changes it), answering 429 with Retry-After past it.
//
// Where the sandbox differs on purpose: the export's order is the order of writes (every create or update moves
// a ticket to the end of the stream), and a cursor is that position, so a read never misses a ticket changed in
// the same second; `start_time` selects on `updated_at`; comments, audits and other sideloads are not emulated.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import type { ZendeskSeed } from '../../model/seed.js';
import type { ZdTicket } from '../../model/ticket.js';
import type { ZendeskEmulator } from './emulator.js';
import { checkAccess } from './credentials.js';
import { searchCount } from './ticket-search.js';
import { clone, isRecord, normalizeTags, timestamp } from './records.js';

export interface TicketsOptions {
  /** the instance's base URL without /api/v2 (for url attributes and after_url) */
  baseUrl: () => string;
  now?: () => number;
}

const EXPORT_LIMIT = 10;
const MAX_PAGE = 1000;
const STATUSES = new Set(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']);
const PRIORITIES = new Set(['urgent', 'high', 'normal', 'low']);

interface Stored {
  ticket: ZdTicket;
  /** position in the export stream */
  seq: number;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({ status, body, headers });
const invalid = (attribute: string, description: string): SandboxResponse =>
  json(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [attribute]: [{ description, error: 'InvalidValue' }] } });

const encodeCursor = (seq: number): string => Buffer.from(`zdsf-sandbox:${seq}`).toString('base64url');
function decodeCursor(c: string): number | undefined {
  const m = /^zdsf-sandbox:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

/** Adds tickets and the incremental ticket export to a Zendesk emulator. */
export function withTickets(inner: ZendeskEmulator, seed: ZendeskSeed | undefined, options: TicketsOptions): ZendeskEmulator {
  const now = options.now ?? Date.now;
  let original = clone(seed ?? {});
  let tickets = new Map<number, Stored>();
  let seq = 0;
  let nextId = 1;
  let windowStart = 0;
  let windowCount = 0;

  const base = (): string => options.baseUrl().replace(/\/+$/, '');
  const limit = (): number => (typeof original.incremental_export_limit_per_minute === 'number' ? original.incremental_export_limit_per_minute : EXPORT_LIMIT);

  function normalize(raw: Partial<ZdTicket>, id: number, at: string): ZdTicket {
    return {
      url: `${base()}/api/v2/tickets/${id}.json`,
      external_id: null,
      type: null,
      subject: null,
      raw_subject: raw.subject ?? null,
      description: null,
      priority: null,
      status: 'new',
      requester_id: null,
      submitter_id: raw.requester_id ?? null,
      assignee_id: null,
      organization_id: null,
      group_id: null,
      brand_id: null,
      custom_fields: [],
      via: { channel: 'web' },
      due_at: null,
      created_at: at,
      updated_at: at,
      ...raw,
      tags: normalizeTags(raw.tags ?? []),
      id,
    } as ZdTicket;
  }

  function load(s: ZendeskSeed): void {
    tickets = new Map();
    seq = 0;
    windowStart = now();
    windowCount = 0;
    const list = (s.tickets ?? []).map((t, i) => ({ t, i }));
    nextId = Math.max(0, ...list.map(({ t }) => (typeof t.id === 'number' ? t.id : 0))) + 1;
    const at = timestamp(new Date(now()));
    const normalized = list.map(({ t }) => normalize(t, typeof t.id === 'number' ? t.id : nextId++, at));
    normalized.sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
    for (const t of normalized) tickets.set(t.id, { ticket: t, seq: ++seq });
  }

  function problem(t: Record<string, unknown>): SandboxResponse | undefined {
    if ('status' in t && !(typeof t.status === 'string' && STATUSES.has(t.status) && t.status !== 'deleted')) return invalid('status', `Status: ${String(t.status)} is not a valid status`);
    if ('priority' in t && t.priority !== null && !(typeof t.priority === 'string' && PRIORITIES.has(t.priority))) return invalid('priority', `Priority: ${String(t.priority)} is not valid`);
    return undefined;
  }

  async function sideload(req: SandboxRequest, path: 'users' | 'organizations', ids: number[]): Promise<unknown[]> {
    const out: unknown[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      const url = new URL(`/api/v2/${path}/show_many.json?ids=${unique.slice(i, i + 100).join(',')}`, req.url);
      const res = await inner.route({ method: 'GET', url, headers: req.headers, body: undefined, rawBody: '' });
      const body = res && isRecord(res.body) ? res.body : {};
      if (Array.isArray(body[path])) out.push(...(body[path] as unknown[]));
    }
    return out;
  }

  async function exportPage(req: SandboxRequest): Promise<SandboxResponse> {
    const t = now();
    if (t - windowStart >= 60_000) {
      windowStart = t;
      windowCount = 0;
    }
    if (windowCount >= limit()) {
      const wait = Math.max(1, Math.ceil((windowStart + 60_000 - t) / 1000));
      return json(429, { error: 'APIRateLimitExceeded', description: `Number of allowed incremental export API requests per minute exceeded (${limit()})` }, { 'Retry-After': String(wait) });
    }
    windowCount += 1;
    const q = req.url.searchParams;
    const perPage = q.has('per_page') ? Number(q.get('per_page')) : MAX_PAGE;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PAGE) return json(400, { error: 'InvalidPaginationParameter', description: `per_page must be 1 to ${MAX_PAGE}` });
    let list = [...tickets.values()].sort((a, b) => a.seq - b.seq);
    const cursor = q.get('cursor');
    if (cursor !== null) {
      const after = decodeCursor(cursor);
      if (after === undefined) return json(400, { error: 'InvalidValue', description: 'Invalid cursor' });
      list = list.filter((s) => s.seq > after);
    } else {
      const raw = q.get('start_time');
      const start = raw === null ? NaN : Number(raw);
      if (!Number.isInteger(start) || start < 0) return json(400, { error: 'InvalidValue', description: 'start_time or cursor is required: start_time is a unix time in seconds' });
      if (start > Math.floor(t / 1000) - 60) return json(400, { error: 'InvalidValue', description: 'Too recent start_time. Use a start_time at least one minute in the past' });
      list = list.filter((s) => Math.floor(Date.parse(s.ticket.updated_at) / 1000) >= start);
    }
    if (q.get('exclude_deleted') === 'true') list = list.filter((s) => s.ticket.status !== 'deleted');
    const pageItems = list.slice(0, perPage);
    const end = list.length <= perPage;
    const lastSeq = pageItems.length > 0 ? pageItems[pageItems.length - 1].seq : cursor !== null ? (decodeCursor(cursor) as number) : 0;
    const after = encodeCursor(lastSeq);
    const body: Record<string, unknown> = {
      tickets: pageItems.map((s) => ({ ...clone(s.ticket), generated_timestamp: Math.floor(Date.parse(s.ticket.updated_at) / 1000) })),
      after_cursor: after,
      after_url: `${base()}/api/v2/incremental/tickets/cursor.json?cursor=${after}`,
      before_cursor: null,
      before_url: null,
      end_of_stream: end,
    };
    const include = (q.get('include') ?? '').split(',').map((s) => s.trim());
    if (include.includes('users')) {
      body.users = await sideload(req, 'users', pageItems.flatMap((s) => [s.ticket.requester_id, s.ticket.submitter_id, s.ticket.assignee_id]).filter((x): x is number => typeof x === 'number'));
    }
    if (include.includes('organizations')) {
      body.organizations = await sideload(req, 'organizations', pageItems.map((s) => s.ticket.organization_id).filter((x): x is number => typeof x === 'number'));
    }
    return json(200, body);
  }

  function write(id: number, changes: Record<string, unknown>, create: boolean): ZdTicket {
    const at = timestamp(new Date(now()));
    const current = tickets.get(id)?.ticket;
    const merged = create ? normalize(changes as Partial<ZdTicket>, id, at) : { ...(current as ZdTicket), ...changes, id, updated_at: at };
    if ('tags' in changes) merged.tags = normalizeTags(changes.tags as string[] | string);
    tickets.set(id, { ticket: merged, seq: ++seq });
    return merged;
  }

  async function route(req: SandboxRequest): Promise<SandboxResponse | undefined> {
    const path = req.url.pathname.replace(/\.json$/, '').replace(/\/+$/, '');
    const m = /^\/api\/v2\/(incremental\/tickets\/cursor|tickets|search\/count)(?:\/(\d+))?$/.exec(path);
    if (!m) return inner.route(req);
    const refused = checkAccess(req, original.credentials); // credentials mode as the emulator's own endpoints
    if (refused) return refused;
    // retention's ticket counts (issue 17, ticket-search.ts) over the live tickets (deleted ones left out)
    if (m[1] === 'search/count') {
      if (req.method !== 'GET' || m[2]) return json(405, { error: 'MethodNotAllowed', description: `${req.method} is not allowed on ${path}` });
      return searchCount(req, () => [...tickets.values()].map((t) => t.ticket).filter((t) => t.status !== 'deleted'));
    }
    if (m[1] !== 'tickets') return req.method === 'GET' && !m[2] ? exportPage(req) : json(405, { error: 'MethodNotAllowed', description: `${req.method} is not allowed on ${path}` });
    const id = m[2] ? Number(m[2]) : undefined;
    const body = isRecord(req.body) && isRecord(req.body.ticket) ? req.body.ticket : undefined;
    if (id === undefined && req.method === 'GET') {
      const list = [...tickets.values()].map((s) => s.ticket).sort((a, b) => a.id - b.id);
      return json(200, { tickets: clone(list), next_page: null, previous_page: null, count: list.length });
    }
    if (id === undefined && req.method === 'POST') {
      if (!body) return json(400, { error: 'InvalidEndpoint', description: 'POST /api/v2/tickets takes { "ticket": { ... } }' });
      const bad = problem(body);
      if (bad) return bad;
      const t = write(nextId++, { status: 'new', ...body }, true);
      return json(201, { ticket: clone(t) });
    }
    if (id === undefined) return json(405, { error: 'MethodNotAllowed', description: `${req.method} is not allowed on ${path}` });
    const found = tickets.get(id);
    if (!found || found.ticket.status === 'deleted') return json(404, { error: 'RecordNotFound', description: 'Not found' });
    if (req.method === 'GET') return json(200, { ticket: clone(found.ticket) });
    if (req.method === 'PUT') {
      if (!body) return json(400, { error: 'InvalidEndpoint', description: 'PUT /api/v2/tickets/{id} takes { "ticket": { ... } }' });
      const bad = problem(body);
      if (bad) return bad;
      if (found.ticket.status === 'closed') return invalid('status', 'Status: closed prevents ticket update');
      return json(200, { ticket: clone(write(id, body, false)) });
    }
    if (req.method === 'DELETE') {
      write(id, { status: 'deleted' }, false);
      return { status: 204 };
    }
    return json(405, { error: 'MethodNotAllowed', description: `${req.method} is not allowed on ${path}` });
  }

  load(original);
  return {
    ...inner,
    route,
    state(): ZendeskSeed {
      const st = inner.state();
      const list = [...tickets.values()].map((s) => s.ticket).sort((a, b) => a.id - b.id);
      const out: ZendeskSeed = list.length > 0 || original.tickets ? { ...st, tickets: clone(list) } : { ...st };
      if (original.incremental_export_limit_per_minute !== undefined) out.incremental_export_limit_per_minute = original.incremental_export_limit_per_minute;
      return out;
    },
    reset(next?: ZendeskSeed) {
      if (next) original = clone(next);
      inner.reset(next);
      load(original);
    },
  };
}
