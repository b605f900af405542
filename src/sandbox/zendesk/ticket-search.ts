// Ticket search for ticket-aware retention (issue 17): GET /search/count?query=... over the sandbox's tickets
// (kept by tickets.ts, issue 18, which routes the endpoint here), answered
// `{ "count": N }` as Zendesk's "Show Results Count". The query terms understood are those zdsf sends and a
// few around them: `type:ticket`, `organization:<id>`, `requester:<id>`, `status:<s>`, `status<s`,
// `status>s` (in Zendesk's order new < open < pending < hold < solved < closed), `updated>YYYY-MM-DD`,
// `updated<YYYY-MM-DD` (compared by UTC day). Any other term answers 400, so that a query the sandbox does
// not understand fails a test instead of counting wrong. Deliberate difference: real search lags writes by
// minutes (its index), the sandbox's answers at once.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { badRequest, json } from './responses.js';

export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

export interface SeedTicket {
  id: number;
  status: TicketStatus;
  organization_id: number | null;
  requester_id: number | null;
  updated_at: string;
}

type Test = (t: SeedTicket) => boolean;

/** a ticket as the sandbox keeps it (tickets.ts, issue 18): the attributes search reads */
export interface TicketLike {
  id: number;
  status: string;
  organization_id?: number | null;
  requester_id?: number | null;
  updated_at?: string;
}

/** the attributes search reads, with the defaults of a ticket the seed left them out of */
export function asSearched(t: TicketLike): SeedTicket {
  return {
    id: t.id,
    status: (TICKET_STATUSES as readonly string[]).includes(t.status) ? (t.status as TicketStatus) : 'open',
    organization_id: t.organization_id ?? null,
    requester_id: t.requester_id ?? null,
    updated_at: t.updated_at ?? '2020-01-01T00:00:00Z',
  };
}

function term(t: string): Test | string {
  const m = /^(\w+)(:|<|>)(.+)$/.exec(t);
  if (!m) return `the sandbox understands no free-text ticket search (${JSON.stringify(t)})`;
  const [, key, op, raw] = m;
  const value = raw.replace(/^"|"$/g, '').toLowerCase();
  if (key === 'type' && op === ':') return value === 'ticket' ? () => true : `type:${value} is not a ticket search`;
  if ((key === 'organization' || key === 'requester') && op === ':' && /^\d+$/.test(value)) {
    const id = Number(value);
    return key === 'organization' ? (x) => x.organization_id === id : (x) => x.requester_id === id;
  }
  if (key === 'status') {
    const rank = TICKET_STATUSES.indexOf(value as TicketStatus);
    if (rank < 0) return `unknown status ${JSON.stringify(value)}`;
    const r = (x: SeedTicket): number => TICKET_STATUSES.indexOf(x.status);
    return op === ':' ? (x) => r(x) === rank : op === '<' ? (x) => r(x) < rank : (x) => r(x) > rank;
  }
  if (key === 'updated' && op !== ':' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return op === '>' ? (x) => x.updated_at.slice(0, 10) > value : (x) => x.updated_at.slice(0, 10) < value;
  }
  return `the sandbox does not search tickets by ${JSON.stringify(t)}`;
}

/** the tickets a query matches, or why the sandbox cannot answer it */
export function searchTickets(tickets: readonly SeedTicket[], query: string): SeedTicket[] | string {
  const tests: Test[] = [];
  const terms = query.trim().split(/\s+/).filter(Boolean);
  if (!terms.includes('type:ticket')) return 'the sandbox searches tickets only (type:ticket)';
  for (const t of terms) {
    const test = term(t);
    if (typeof test === 'string') return test;
    tests.push(test);
  }
  return tickets.filter((x) => tests.every((test) => test(x)));
}

/** GET /search/count?query=... over these tickets: `{ count }`, or 400 for a query the sandbox does not understand */
export function searchCount(req: SandboxRequest, tickets: () => readonly TicketLike[]): SandboxResponse {
  const query = req.url.searchParams.get('query');
  if (!query) return badRequest('InvalidSearchQuery', 'query is required');
  const found = searchTickets(tickets().map(asSearched), query);
  if (typeof found === 'string') return badRequest('UnsupportedSearchQuery', found);
  return json(200, { count: found.length });
}
