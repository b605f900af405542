// Zendesk tickets -> desired Salesforce Cases, and desired vs existing Cases -> creates and updates with their
// attribute diffs (issue 18). Pure: plain data in, plain data out; the readers and the writer are adapters.
//
// One Case per ticket, keyed by the ticket id in `cases.ticket_id_field`. zdsf writes the key, `Status` (from
// `status_map`), `AccountId` (the ticket organization's external_id) and `ContactId` (the requester's Contact,
// by email through the users sync's match) besides the mapped fields. Only these fields are compared: a field
// the config does not name is never touched.
import type { CaseSync, CaseWhere, Mapping, Scalar, TicketStatus } from '../model/config.js';
import type { TicketContext } from '../model/ticket.js';

export interface CaseLookups {
  /** lower-cased email -> Contact Id, from the Contacts of the sync's users section (its match) */
  contactsByEmail: ReadonlyMap<string, string>;
  /** Ids of the Accounts that exist, when known: an organization external_id not among them gets no AccountId */
  accountIds?: ReadonlySet<string>;
  /** Case field -> its text length limit (describe); longer values are cut to it, as Salesforce would refuse them */
  lengths?: Readonly<Record<string, number>>;
}

/** A Case as the config says it should be. `fields` holds every field zdsf writes, the key included. */
export interface DesiredCase {
  /** the ticket id, as written into ticket_id_field */
  key: string;
  ticketId: number;
  subject: string | null;
  status: string;
  organizationName: string | null;
  fields: Record<string, Scalar>;
}

export type CaseWarningKind = 'no_account' | 'no_contact' | 'unmapped_status' | 'duplicate_case';

export interface CaseWarning {
  kind: CaseWarningKind;
  ticketId: number;
  message: string;
}

/** A Case as read from Salesforce: Id, the key field, the fields zdsf writes, and SystemModstamp when read. */
export interface ExistingCase {
  Id: string;
  SystemModstamp?: string;
  [field: string]: unknown;
}

export interface CaseDiff {
  field: string;
  from: unknown;
  to: Scalar;
}

export type CaseChange =
  | { action: 'create'; key: string; desired: DesiredCase }
  | { action: 'update'; key: string; caseId: string; systemModstamp?: string; diffs: CaseDiff[]; desired: DesiredCase };

export interface CaseComparison {
  changes: CaseChange[];
  unchanged: number;
  warnings: CaseWarning[];
}

const STATUSES = new Set<string>(['new', 'open', 'pending', 'hold', 'solved', 'closed']);

/** The tickets `where` lets through (deleted tickets never). */
export function selectTickets(contexts: readonly TicketContext[], where: CaseWhere): TicketContext[] {
  const allowed = new Set<string>(where.status);
  const since = where.created_after !== undefined ? Date.parse(where.created_after) : undefined;
  return contexts.filter(({ ticket }) => {
    if (!STATUSES.has(ticket.status) || !allowed.has(ticket.status)) return false;
    if (where.has_organization && (ticket.organization_id === null || ticket.organization_id === undefined)) return false;
    if (since !== undefined && !(Date.parse(ticket.created_at) >= since)) return false;
    const tags = new Set((ticket.tags ?? []).map((t) => t.toLowerCase()));
    if (where.tags.some((t) => !tags.has(t))) return false;
    if (where.without_tags.some((t) => tags.has(t))) return false;
    return true;
  });
}

/** The value of a ticket path (see src/model/ticket.ts) on a ticket with its organization and requester. */
export function ticketValue(ctx: TicketContext, path: string): unknown {
  const [head, ...rest] = path.split('.');
  if (head === 'organization') return ctx.organization ? (ctx.organization as unknown as Record<string, unknown>)[rest.join('.')] ?? null : null;
  if (head === 'requester') return ctx.requester ? (ctx.requester as unknown as Record<string, unknown>)[rest.join('.')] ?? null : null;
  if (head === 'custom_fields' && rest.length === 1) {
    const id = Number(rest[0]);
    return ctx.ticket.custom_fields?.find((f) => f.id === id)?.value ?? null;
  }
  if (head === 'via' && rest[0] === 'channel') return ctx.ticket.via?.channel ?? null;
  const v = ctx.ticket[head];
  return v === undefined ? null : v;
}

function toScalar(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.map(String).join(' ');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

const empty = (v: Scalar): boolean => v === null || v === '';

/** Evaluates one case mapping on a ticket (map and default as in the Salesforce -> Zendesk direction). */
export function evaluateCaseMapping(m: Mapping, ctx: TicketContext): Scalar {
  switch (m.kind) {
    case 'value':
      return m.value;
    case 'template':
      return m.template.replace(/\{([^{}]*)\}/g, (_all, p: string) => {
        const v = toScalar(ticketValue(ctx, p.trim()));
        return v === null ? '' : String(v);
      });
    case 'field': {
      const raw = toScalar(ticketValue(ctx, m.from));
      if (m.map) {
        const key = raw === null ? '' : String(raw);
        if (!empty(raw) && Object.prototype.hasOwnProperty.call(m.map, key)) return m.map[key];
        if (m.default !== undefined) return m.default;
        return raw;
      }
      if (empty(raw) && m.default !== undefined) return m.default;
      return raw;
    }
  }
}

/** Desired Cases of the selected tickets, with warnings for missing Accounts and Contacts. */
export function desiredCases(
  contexts: readonly TicketContext[],
  config: CaseSync,
  lookups: CaseLookups,
): { cases: DesiredCase[]; warnings: CaseWarning[] } {
  const cases: DesiredCase[] = [];
  const warnings: CaseWarning[] = [];
  for (const ctx of selectTickets(contexts, config.where)) {
    const t = ctx.ticket;
    const status = config.status_map[t.status as TicketStatus];
    if (status === undefined) {
      warnings.push({ kind: 'unmapped_status', ticketId: t.id, message: `ticket #${t.id} has status "${t.status}", which status_map does not map: skipped` });
      continue;
    }
    const key = String(t.id);
    const fields: Record<string, Scalar> = {};
    for (const [field, m] of Object.entries(config.fields)) fields[field] = cut(evaluateCaseMapping(m, ctx), lookups.lengths?.[field]);
    fields.Status = status;
    if (config.account) fields.AccountId = accountOf(ctx, lookups, warnings);
    if (config.contact) fields.ContactId = contactOf(ctx, lookups, warnings);
    fields[config.ticket_id_field] = key;
    cases.push({ key, ticketId: t.id, subject: t.subject ?? null, status: t.status, organizationName: ctx.organization?.name ?? null, fields });
  }
  return { cases, warnings };
}

function cut(v: Scalar, limit: number | undefined): Scalar {
  return typeof v === 'string' && limit !== undefined && limit > 0 && v.length > limit ? v.slice(0, limit) : v;
}

function accountOf(ctx: TicketContext, lookups: CaseLookups, warnings: CaseWarning[]): string | null {
  const org = ctx.organization;
  const id = ctx.ticket.id;
  if (!org) {
    if (ctx.ticket.organization_id !== null && ctx.ticket.organization_id !== undefined) {
      warnings.push({ kind: 'no_account', ticketId: id, message: `ticket #${id}: its organization ${ctx.ticket.organization_id} was not found in Zendesk; the Case gets no Account` });
    }
    return null;
  }
  const ext = org.external_id?.trim() ?? '';
  if (ext === '') {
    warnings.push({ kind: 'no_account', ticketId: id, message: `ticket #${id}: organization "${org.name}" has no external_id (no Account); the Case gets no Account` });
    return null;
  }
  if (lookups.accountIds && !lookups.accountIds.has(ext)) {
    warnings.push({ kind: 'no_account', ticketId: id, message: `ticket #${id}: organization "${org.name}" has external_id ${ext}, which is no Account in Salesforce; the Case gets no Account` });
    return null;
  }
  return ext;
}

function contactOf(ctx: TicketContext, lookups: CaseLookups, warnings: CaseWarning[]): string | null {
  const id = ctx.ticket.id;
  const email = ctx.requester?.email?.trim().toLowerCase() ?? '';
  if (email === '') {
    warnings.push({ kind: 'no_contact', ticketId: id, message: `ticket #${id}: its requester has no email; the Case gets no Contact` });
    return null;
  }
  const contact = lookups.contactsByEmail.get(email);
  if (contact === undefined) {
    warnings.push({ kind: 'no_contact', ticketId: id, message: `ticket #${id}: requester ${email} is no Contact of the users sync; the Case gets no Contact` });
    return null;
  }
  return contact;
}

/** Whether a value read from Salesforce equals the desired one (null, undefined and "" are one; 5 and "5" are one). */
export function sameCaseValue(current: unknown, desired: Scalar): boolean {
  const a = current === undefined || current === '' ? null : current;
  const b = desired === '' ? null : desired;
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
  return String(a) === String(b);
}

/** Finds a field of a record case-insensitively (SOQL answers use the describe's spelling). */
function read(rec: ExistingCase, field: string): unknown {
  if (field in rec) return rec[field];
  const l = field.toLowerCase();
  const k = Object.keys(rec).find((x) => x.toLowerCase() === l);
  return k === undefined ? undefined : rec[k];
}

/**
 * Desired vs existing Cases (existing: those whose ticket_id_field holds a desired key). A ticket without a
 * Case is a create; one whose Case differs is an update carrying only the differing fields. Two Cases with one
 * ticket id (possible when the field is not Unique) are a warning, and the ticket is left alone.
 */
export function compareCases(desired: readonly DesiredCase[], existing: readonly ExistingCase[], config: CaseSync): CaseComparison {
  const byKey = new Map<string, ExistingCase[]>();
  for (const c of existing) {
    const k = read(c, config.ticket_id_field);
    if (k === null || k === undefined || k === '') continue;
    const key = typeof k === 'number' ? String(Math.trunc(k)) : String(k).trim();
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  const changes: CaseChange[] = [];
  const warnings: CaseWarning[] = [];
  let unchanged = 0;
  for (const d of desired) {
    const found = byKey.get(d.key) ?? [];
    if (found.length === 0) {
      changes.push({ action: 'create', key: d.key, desired: d });
      continue;
    }
    if (found.length > 1) {
      warnings.push({
        kind: 'duplicate_case',
        ticketId: d.ticketId,
        message: `ticket #${d.ticketId} has ${found.length} Cases (${found.map((c) => c.Id).join(', ')}) with ${config.ticket_id_field} = ${d.key}: left alone; merge them, and make ${config.ticket_id_field} Unique`,
      });
      continue;
    }
    const current = found[0];
    const diffs: CaseDiff[] = [];
    for (const [field, to] of Object.entries(d.fields)) {
      if (field === config.ticket_id_field) continue;
      const from = read(current, field);
      if (!sameCaseValue(from, to)) diffs.push({ field, from: from === undefined ? null : from, to });
    }
    if (diffs.length === 0) unchanged += 1;
    else {
      const change: CaseChange = { action: 'update', key: d.key, caseId: current.Id, diffs, desired: d };
      if (typeof current.SystemModstamp === 'string') change.systemModstamp = current.SystemModstamp;
      changes.push(change);
    }
  }
  return { changes, unchanged, warnings };
}

/** The upsert record of a change: the key and the fields to write (all of them for a create, the diffs for an update). */
export function upsertRecord(change: CaseChange, keyField: string): Record<string, Scalar> {
  if (change.action === 'create') return { ...change.desired.fields, [keyField]: change.key };
  const out: Record<string, Scalar> = { [keyField]: change.key };
  for (const d of change.diffs) out[d.field] = d.to;
  return out;
}

/**
 * Changes made stale since the plan read the Cases (apply re-reads them): an update whose field no longer holds
 * the value the plan saw (nor already the new one), a Case gone, or a create whose ticket got another Case
 * meanwhile (a Case exactly as planned is this plan's own, from an apply that stopped half-way). Keys and why.
 */
export function staleCaseUpdates(changes: readonly CaseChange[], current: readonly ExistingCase[], keyField: string): { key: string; reason: string }[] {
  const byKey = new Map<string, ExistingCase>();
  for (const c of current) {
    const k = read(c, keyField);
    if (k !== null && k !== undefined) byKey.set(typeof k === 'number' ? String(Math.trunc(k)) : String(k), c);
  }
  const out: { key: string; reason: string }[] = [];
  for (const ch of changes) {
    const now = byKey.get(ch.key);
    if (ch.action === 'create') {
      // a Case as the plan would create it is this plan's own, from an apply that stopped half-way: not stale
      const same = now && Object.entries(ch.desired.fields).every(([f, v]) => sameCaseValue(read(now, f), v));
      if (now && !same) out.push({ key: ch.key, reason: `a Case (${now.Id}) for ticket #${ch.key} was created since the plan` });
      continue;
    }
    if (!now) {
      out.push({ key: ch.key, reason: `Case ${ch.caseId} of ticket #${ch.key} is gone since the plan` });
      continue;
    }
    for (const d of ch.diffs) {
      const v = read(now, d.field);
      const unchangedSincePlan = sameCaseValue(v, toScalar(d.from));
      if (!unchangedSincePlan && !sameCaseValue(v, d.to)) {
        out.push({ key: ch.key, reason: `Case ${ch.caseId} ${d.field} is now ${JSON.stringify(v ?? null)} (the plan saw ${JSON.stringify(d.from)})` });
        break;
      }
    }
  }
  return out;
}
