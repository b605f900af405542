// Plain-data builders for the cases tests.
import type { CaseSync } from '../../src/model/config.js';
import type { TicketContext, ZdTicket } from '../../src/model/ticket.js';

export function ticket(id: number, extra: Partial<ZdTicket> = {}): ZdTicket {
  return {
    id,
    external_id: null,
    type: 'problem',
    subject: `Ticket ${id}`,
    description: `Description of ${id}`,
    priority: 'normal',
    status: 'open',
    requester_id: 500 + id,
    organization_id: 900,
    tags: [],
    custom_fields: [],
    via: { channel: 'email' },
    created_at: '2024-03-01T10:00:00Z',
    updated_at: '2024-03-02T10:00:00Z',
    ...extra,
  };
}

export function ctx(t: ZdTicket, org: TicketContext['organization'] = { id: 900, name: 'Acme', external_id: '001AC0000000001AAA' }, email: string | null = `req${t.id}@acme.example`): TicketContext {
  return { ticket: t, organization: t.organization_id === null ? null : org, requester: t.requester_id === null ? null : { id: t.requester_id, name: `Requester ${t.id}`, email } };
}

export function casesConfig(extra: Partial<CaseSync> = {}): CaseSync {
  return {
    where: { status: ['new', 'open', 'pending', 'hold', 'solved', 'closed'], has_organization: true, tags: [], without_tags: [] },
    ticket_id_field: 'Zendesk_Ticket_Id__c',
    status_map: { new: 'New', open: 'Working', pending: 'Working', hold: 'Escalated', solved: 'Closed', closed: 'Closed' },
    fields: {
      Subject: { kind: 'field', from: 'subject', name: 'syncs.s.cases.fields.Subject' },
      Origin: { kind: 'value', value: 'Zendesk', name: 'syncs.s.cases.fields.Origin' },
      Priority: { kind: 'field', from: 'priority', map: { urgent: 'High', high: 'High', normal: 'Medium', low: 'Low' }, default: 'Medium', name: 'syncs.s.cases.fields.Priority' },
    },
    account: true,
    contact: true,
    bulk_threshold: 10_000,
    positions: {},
    ...extra,
  };
}
