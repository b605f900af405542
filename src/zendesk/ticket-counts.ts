// What retention needs to know of an organization's tickets (issue 17 part 2), read with Zendesk's search
// counts (GET /api/v2/search/count?query=..., answered `{ "count": N }`): per organization about to be
// deleted, one count of its tickets not closed (`type:ticket organization:<id> status<closed`), and only
// when that is 0 and keep_if_ticket_within_days is set, one count of its tickets updated since the cut-off
// (`type:ticket organization:<id> updated>YYYY-MM-DD`). So 1 or 2 requests per delete candidate and none for
// any other organization: deletes are few (max_deletes), listing an instance's tickets would be millions.
// Counts are not pages: one small answer each. Zendesk's search index lags writes by a few minutes.
import type { TicketActivity, TicketActivityQuery } from '../model/ports.js';
import { isRecord } from '../util/data.js';
import { ZdsfError } from '../util/errors.js';
import type { ZendeskTransport } from './transport.js';

/** `2026-11-01`: the date form Zendesk search compares `updated>` with (UTC). */
export function searchDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function openTicketsQuery(organizationId: number): string {
  return `type:ticket organization:${organizationId} status<closed`;
}

export function recentTicketsQuery(organizationId: number, since: Date): string {
  return `type:ticket organization:${organizationId} updated>${searchDate(since)}`;
}

async function searchCount(transport: ZendeskTransport, query: string): Promise<number> {
  const { body } = await transport.get('/search/count', { query });
  const count = isRecord(body) ? body.count : undefined;
  if (typeof count !== 'number') throw new ZdsfError(`Zendesk instance ${transport.instance.name}: search/count answered without a count (query ${JSON.stringify(query)}).`, 'zendesk_unexpected');
  return count;
}

export function openRequestedQuery(userId: number): string {
  return `type:ticket requester:${userId} status<closed`;
}

export function recentRequestedQuery(userId: number, since: Date): string {
  return `type:ticket requester:${userId} updated>${searchDate(since)}`;
}

export async function readTicketActivity(transport: ZendeskTransport, q: TicketActivityQuery): Promise<TicketActivity[]> {
  const out: TicketActivity[] = [];
  for (const id of q.organizationIds) {
    const open = q.open ? await searchCount(transport, openTicketsQuery(id)) : 0;
    const recent = q.since && open === 0 ? await searchCount(transport, recentTicketsQuery(id, q.since)) : 0;
    out.push({ organizationId: id, open, recent });
  }
  // offboarding (issue 17): the same two counts per user about to be offboarded, by requester
  for (const id of q.requesterIds ?? []) {
    const open = q.open ? await searchCount(transport, openRequestedQuery(id)) : 0;
    const recent = q.since && open === 0 ? await searchCount(transport, recentRequestedQuery(id, q.since)) : 0;
    out.push({ requesterId: id, open, recent });
  }
  return out;
}
