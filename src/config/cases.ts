/**
 * The `cases:` section of a sync (issue 18): offline checks (validate) and the typed CaseSync with defaults.
 *
 * Offline, validate checks what can be known without Salesforce: the ticket filters (statuses, dates, tags),
 * that `status_map` covers every status the filter lets through, that every `from` / `{placeholder}` is a
 * ticket attribute zdsf reads, that zdsf's own fields (Status, AccountId, ContactId, the ticket id field)
 * are not mapped by hand, and that `contact` has Contacts to match. Whether the Case fields exist and are
 * writable, and whether the ticket id field is an external id, is checked against describe of Case at plan
 * (src/cases/describe-check.ts), before anything is written.
 */
import { TICKET_STATUSES, type CaseSync, type Mapping, type TicketStatus } from '../model/config.js';
import { ticketPathProblem } from '../model/ticket.js';
import { displayPath, type Segment } from './diagnostics.js';
import { mapping } from './build.js';
import { CheckContext, entries, isObj, str, type Json } from './context.js';

/** Case fields zdsf sets itself: a mapping under `fields` may not name them. */
export const CASE_OWN_FIELDS = ['Status', 'AccountId', 'ContactId'] as const;

/** Case changes from which apply uses a Bulk API 2.0 ingest job (measured: docs/cases.md, npm run bench -- --cases). */
export const DEFAULT_BULK_THRESHOLD = 10_000;

const DEFAULT_FIELDS: Record<string, string> = { Subject: 'subject', Description: 'description' };

/** Whether the sync's users section reads Contacts (the users match that gives a requester its ContactId). */
function readsContacts(users: unknown): boolean {
  if (!isObj(users) || !Array.isArray(users.sources)) return false;
  return users.sources.some((s: unknown) => isObj(s) && (s.object === undefined || s.object === 'Contact'));
}

/** Offline checks of `syncs.<name>.cases` (the schema has checked shapes and enums already). */
export function checkCases(ctx: CheckContext, at: Segment[], cases: Json, sync: Json): void {
  const where = isObj(cases.where) ? cases.where : {};
  const statuses: TicketStatus[] = Array.isArray(where.status)
    ? where.status.filter((s: unknown): s is TicketStatus => (TICKET_STATUSES as readonly unknown[]).includes(s))
    : [...TICKET_STATUSES];

  const created = str(where.created_after);
  if (created !== undefined && !ctx.unresolved([...at, 'where', 'created_after'])) {
    const t = Date.parse(created);
    if (/^\d{4}-\d{2}-\d{2}/.test(created) && (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== created.slice(0, 10))) {
      ctx.report([...at, 'where', 'created_after'], `"${created}" is not a calendar date (write YYYY-MM-DD or an ISO date-time such as 2024-01-31T00:00:00Z)`);
    }
  }
  const tags = new Set(Array.isArray(where.tags) ? where.tags.filter((t: unknown): t is string => typeof t === 'string').map((t) => t.toLowerCase()) : []);
  if (Array.isArray(where.without_tags)) {
    where.without_tags.forEach((t: unknown, i: number) => {
      if (typeof t === 'string' && tags.has(t.toLowerCase())) {
        ctx.report([...at, 'where', 'without_tags', i], `tag "${t}" is both required (where.tags) and excluded (where.without_tags): no ticket can match`);
      }
    });
  }

  if (isObj(cases.status_map)) {
    const missing = statuses.filter((s) => !(s in (cases.status_map as Json)));
    if (missing.length > 0) {
      const filter = Array.isArray(where.status) ? `where.status lets ${missing.join(', ')} through` : `where.status is not set, so tickets of every status are read`;
      ctx.report([...at, 'status_map'], `no Case Status for ticket status ${missing.map((s) => `"${s}"`).join(', ')}: ${filter}; add ${missing.map((s) => `${s}: <Case Status>`).join(', ')} to status_map, or narrow where.status`, { atKey: true });
    }
    for (const key of Object.keys(cases.status_map)) {
      if ((TICKET_STATUSES as readonly string[]).includes(key) && !statuses.includes(key as TicketStatus)) {
        ctx.warn([...at, 'status_map', key], `ticket status "${key}" is mapped but where.status leaves those tickets out`, true);
      }
    }
  }

  const idField = str(cases.ticket_id_field);
  for (const [field, value] of entries(cases.fields)) {
    const fat: Segment[] = [...at, 'fields', field];
    if ((CASE_OWN_FIELDS as readonly string[]).includes(field)) {
      const how = field === 'Status' ? 'from status_map' : field === 'AccountId' ? 'from the ticket organization\'s external_id (account: true)' : 'from the requester\'s Contact (contact: true)';
      ctx.report(fat, `${field} is set by zdsf ${how}; remove it from fields`, { atKey: true });
      continue;
    }
    if (idField !== undefined && field.toLowerCase() === idField.toLowerCase()) {
      ctx.report(fat, `${field} is the ticket_id_field: zdsf writes the ticket id there; remove it from fields`, { atKey: true });
      continue;
    }
    checkTicketMapping(ctx, fat, value);
  }

  if (cases.contact === true && !readsContacts(sync.users)) {
    ctx.report([...at, 'contact'], 'contact: true needs a users section in this sync whose sources read Contacts (the requester\'s email is matched to a Contact through it); add one, or set contact: false');
  }
  if (cases.account !== false && isObj(sync.organizations) && sync.organizations.match === 'name') {
    ctx.warn([...at, 'account'], 'organizations.match is name, so organization external_ids may not be Account Ids; AccountId is taken from the ticket organization\'s external_id');
  }
}

function checkTicketMapping(ctx: CheckContext, at: Segment[], value: unknown): void {
  if (typeof value === 'string') {
    if (ctx.unresolved(at)) return;
    const problem = ticketPathProblem(value);
    if (problem) ctx.report(at, problem);
    return;
  }
  if (!isObj(value)) return;
  if (typeof value.from === 'string' && !ctx.unresolved([...at, 'from'])) {
    const problem = ticketPathProblem(value.from);
    if (problem) ctx.report([...at, 'from'], problem);
  }
  if (typeof value.template === 'string' && !ctx.unresolved([...at, 'template'])) {
    const template = value.template;
    const rest = template.replace(/\{[^{}]*\}/g, '');
    if (rest.includes('{') || rest.includes('}')) {
      ctx.report([...at, 'template'], 'unbalanced { or } in template: placeholders are written {ticket.path}, e.g. {id} or {organization.name}');
      return;
    }
    const placeholders = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1].trim());
    if (placeholders.length === 0) ctx.warn([...at, 'template'], 'template has no {placeholder}: use { value: ... } for a constant');
    for (const p of placeholders) {
      const problem = ticketPathProblem(p);
      if (problem) ctx.report([...at, 'template'], `placeholder {${p}}: ${problem}`);
    }
  }
}

/** The typed `cases` section, with defaults. */
export function buildCases(ctx: CheckContext, c: Json, at: Segment[], sync: Json): CaseSync {
  const where = isObj(c.where) ? c.where : {};
  const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const out: CaseSync = {
    where: {
      status: Array.isArray(where.status) ? (strs(where.status) as TicketStatus[]) : [...TICKET_STATUSES],
      has_organization: where.has_organization !== false,
      tags: strs(where.tags).map((t) => t.toLowerCase()),
      without_tags: strs(where.without_tags).map((t) => t.toLowerCase()),
      pos: ctx.pos([...at, 'where'], true),
    },
    ticket_id_field: String(c.ticket_id_field),
    status_map: Object.fromEntries(entries(c.status_map).map(([k, v]) => [k, String(v)])),
    fields: {},
    account: c.account !== false,
    contact: typeof c.contact === 'boolean' ? c.contact : readsContacts(sync.users),
    bulk_threshold: typeof c.bulk_threshold === 'number' ? c.bulk_threshold : DEFAULT_BULK_THRESHOLD,
    positions: {},
    pos: ctx.pos(at, true),
  };
  out.positions.ticket_id_field = ctx.pos([...at, 'ticket_id_field']);
  for (const k of Object.keys(out.status_map)) out.positions[`status_map.${k}`] = ctx.pos([...at, 'status_map', k]);
  for (const k of ['account', 'contact']) out.positions[k] = k in c ? ctx.pos([...at, k]) : ctx.pos(at, true);
  if (typeof where.created_after === 'string') out.where.created_after = where.created_after;
  const fields = isObj(c.fields) ? c.fields : undefined;
  if (fields) for (const [key, m] of Object.entries(fields)) out.fields[key] = caseMapping(ctx, m, [...at, 'fields', key]);
  else for (const [key, from] of Object.entries(DEFAULT_FIELDS)) out.fields[key] = { kind: 'field', from, name: displayPath([...at, 'fields', key]), pos: ctx.pos(at, true) };
  return out;
}

/** Normalises a case mapping: the forms of src/config/build.ts's mapping(), without aggregates. */
function caseMapping(ctx: CheckContext, v: unknown, at: Segment[]): Mapping {
  const m = mapping(ctx, v, at);
  if (m.kind === 'field') {
    delete m.aggregate;
    delete m.separator;
  }
  return m;
}
