// Zendesk tickets as the incremental ticket export returns them (only the attributes zdsf reads), and the
// ticket attribute paths a `cases` mapping may name (checked offline by validate, resolved by src/cases/map.ts).

export interface ZdTicket {
  id: number;
  url?: string;
  external_id: string | null;
  type: string | null;
  subject: string | null;
  raw_subject?: string | null;
  description: string | null;
  priority: string | null;
  /** new, open, pending, hold, solved, closed; `deleted` in the export for deleted tickets */
  status: string;
  requester_id: number | null;
  submitter_id?: number | null;
  assignee_id?: number | null;
  organization_id: number | null;
  group_id?: number | null;
  brand_id?: number | null;
  tags: string[];
  custom_fields: { id: number; value: unknown }[];
  via?: { channel?: string; [k: string]: unknown };
  created_at: string;
  updated_at: string;
  due_at?: string | null;
  [attr: string]: unknown;
}

/** The organization of a ticket as far as cases need it (sideloaded by the export). */
export interface ZdTicketOrganization {
  id: number;
  name: string;
  external_id: string | null;
}

/** The requester of a ticket as far as cases need it (sideloaded by the export). */
export interface ZdTicketUser {
  id: number;
  name: string;
  email: string | null;
}

/** A ticket with its organization and requester resolved: what a case mapping reads. */
export interface TicketContext {
  ticket: ZdTicket;
  organization: ZdTicketOrganization | null;
  requester: ZdTicketUser | null;
}

/** Plain ticket attributes a mapping may name as `from` or `{placeholder}`. */
export const TICKET_ATTRIBUTES = [
  'id',
  'url',
  'external_id',
  'type',
  'subject',
  'raw_subject',
  'description',
  'priority',
  'status',
  'requester_id',
  'submitter_id',
  'assignee_id',
  'organization_id',
  'group_id',
  'brand_id',
  'tags',
  'created_at',
  'updated_at',
  'due_at',
] as const;

/** Nested paths: `via.channel`, the sideloaded organization and requester, and custom fields by id. */
export const TICKET_NESTED_PATHS = ['via.channel', 'organization.id', 'organization.name', 'organization.external_id', 'requester.id', 'requester.name', 'requester.email'] as const;

/** Why a ticket path cannot be read, or null when it can. */
export function ticketPathProblem(path: string): string | null {
  if ((TICKET_ATTRIBUTES as readonly string[]).includes(path) || (TICKET_NESTED_PATHS as readonly string[]).includes(path)) return null;
  if (/^custom_fields\.\d+$/.test(path)) return null;
  if (path.startsWith('custom_fields')) return `"${path}" is not a ticket custom field: write custom_fields.<field id>, e.g. custom_fields.360001234`;
  return `"${path}" is not a ticket attribute zdsf reads: use one of ${TICKET_ATTRIBUTES.join(', ')}, ${TICKET_NESTED_PATHS.join(', ')} or custom_fields.<field id>`;
}
