// The `case` resource (issue 18): the pure step from the cases pipeline's comparison (src/cases/map.ts: desired
// Cases vs the Cases found by the ticket id field) to the plan's typed changes and warnings. Each change carries
// the exact upsert record apply sends (`after`, the key field included), what the plan saw (`before`, for the
// stale check) and its references (ticket, Account, Contact) for the reader.
import type { CaseSync } from '../../model/config.js';
import type { AttributeDiff, CaseAttributes, CaseChange, CaseValue, Warning } from '../../model/plan.js';
import { upsertRecord, type CaseChange as ComparedCase, type CaseWarning, type DesiredCase } from '../../cases/map.js';
import type { Resource, ResourceResult } from './resource.js';

export type CasesResult = ResourceResult;

/**
 * The registry's entry for cases. Cases do not fit the registry's pure pass over the two reads: their desired
 * state comes from tickets, and the Cases to compare with are read from Salesforce by the desired keys (a read
 * between desired and compare). So this pass plans nothing; services/plan-cases.ts runs the cases pipeline after
 * reconcile (with the organizations this plan adopts) and turns its result into changes with caseChange below.
 */
export const caseResource: Resource<'case', CasesResult> = {
  type: 'case',
  needs: [],
  reconcile: () => ({ changes: [], warnings: [] }),
};

/** Contact Id -> email, the reverse of contactsByEmail (for the changes' contact references). */
export function contactEmails(byEmail: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [email, id] of byEmail) out.set(id, email);
  return out;
}

/** The typed change of one compared Case (`contacts`: Contact Id -> email, see contactEmails). */
export function caseChange(compared: ComparedCase, cases: CaseSync, contacts: ReadonlyMap<string, string>): CaseChange {
  const d = compared.desired;
  const keyField = cases.ticket_id_field;
  const after = upsertRecord(compared, keyField) as CaseAttributes;
  const base = {
    type: 'case' as const,
    key: d.key,
    label: d.subject ?? `ticket #${d.ticketId}`,
    zendesk_id: d.ticketId,
    key_field: keyField,
    ticket: { id: d.ticketId, subject: d.subject, status: d.status },
    account: accountRef(d),
    contact: contactRef(d, contacts),
    sources: [`ticket #${d.ticketId}`],
  };
  if (compared.action === 'create') {
    const diff: AttributeDiff[] = Object.entries(after)
      .filter(([f, v]) => f !== keyField && v !== null)
      .map(([path, v]) => ({ path, before: null, after: v }));
    return { ...base, action: 'create', salesforce_id: null, before: null, after, diff };
  }
  const before: CaseAttributes = {};
  const diff: AttributeDiff[] = [];
  for (const x of compared.diffs) {
    const from = toValue(x.from);
    before[x.field] = from;
    diff.push({ path: x.field, before: from, after: x.to });
  }
  return { ...base, action: 'update', salesforce_id: compared.caseId, before, after, diff };
}

function toValue(v: unknown): CaseValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

function accountRef(d: DesiredCase): CaseChange['account'] {
  const id = d.fields.AccountId;
  return typeof id === 'string' && id !== '' ? { id, name: d.organizationName ?? id } : null;
}

function contactRef(d: DesiredCase, contacts: ReadonlyMap<string, string>): CaseChange['contact'] {
  const id = d.fields.ContactId;
  if (typeof id !== 'string' || id === '') return null;
  return { id, email: contacts.get(id) ?? '' };
}

const WARNING_CODES: Record<CaseWarning['kind'], string> = {
  no_account: 'case_no_account',
  no_contact: 'case_no_contact',
  unmapped_status: 'case_unmapped_status',
  duplicate_case: 'duplicate_case',
};

/** A pipeline warning as a plan warning (records: the ticket id). */
export function caseWarning(w: CaseWarning): Warning {
  return { code: WARNING_CODES[w.kind], message: w.message, records: [`#${w.ticketId}`] };
}

/** Changes in the order apply sends them: by ticket id. */
export function orderCaseChanges(changes: CaseChange[]): CaseChange[] {
  return [...changes].sort((a, b) => a.zendesk_id - b.zendesk_id || (a.action === b.action ? 0 : a.action === 'create' ? -1 : 1));
}

/** Salesforce requests apply needs for these changes: the stale check's look-ups (300 keys a query) and the upserts (200 a request). */
export function caseRequests(changes: readonly { key: string }[]): number {
  return changes.length === 0 ? 0 : Math.ceil(changes.length / 300) + Math.ceil(changes.length / 200);
}
