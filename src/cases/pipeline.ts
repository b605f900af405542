// Cases end to end over ports (issue 18): what a `case` resource on the plan contract (issue 11) calls.
//
//   planCases:  describe of Case -> the config checked against it (fails before any read or write) -> tickets
//               from the export (from a mark, or a bounded full read) -> Accounts that exist -> desired Cases ->
//               existing Cases by the ticket id field -> creates and updates with diffs, warnings, the next mark.
//   applyCases: the Cases of the changes read again (stale check: a Case changed in Salesforce since the plan,
//               or created for a create, is skipped and reported) -> upserts keyed by the ticket id.
//
// The mark (the export's cursor) is returned, not stored: the caller keeps it (the snapshot store of
// src/state/, issue 13) once apply has succeeded, so a failed apply reads the same tickets again.
import type { CaseSync } from '../model/config.js';
import type { SalesforceWriter } from '../model/ports.js';
import type { SfRecord } from '../model/salesforce.js';
import type { TicketExportResult, TicketExportStart } from '../zendesk/tickets.js';
import { fullReadStart, ticketContexts } from '../zendesk/tickets.js';
import type { CaseUpsertResult } from '../salesforce/case-writer.js';
import { assertCaseConfig } from './describe-check.js';
import { compareCases, desiredCases, staleCaseUpdates, upsertRecord, type CaseChange, type CaseWarning, type ExistingCase } from './map.js';

/** The Salesforce side: the SalesforceWriter port (src/salesforce/writer.ts), its request count aside. */
export type CaseTarget = Omit<SalesforceWriter, 'requestCount'>;

/** The Zendesk side: src/zendesk/tickets.ts's readTicketExport on an instance's transport. */
export type TicketSource = (start: TicketExportStart) => Promise<TicketExportResult>;

export interface CasePlanInput {
  syncName: string;
  cases: CaseSync;
  /** the Salesforce instance's name, for messages */
  instanceName: string;
  /** lower-cased email -> Contact Id (contactsByEmail() over the users sync's records); empty when contact is off */
  contactsByEmail: ReadonlyMap<string, string>;
  /** Zendesk organization id -> the external_id the same plan writes on it (organization updates) */
  organizationExternalIds?: ReadonlyMap<number, string>;
  /** the mark of the last applied read; absent: a bounded full read from where.created_after */
  start?: TicketExportStart;
}

export interface CasePlan {
  keyField: string;
  changes: CaseChange[];
  unchanged: number;
  warnings: CaseWarning[];
  /** tickets read, and those `where` let through */
  ticketsRead: number;
  ticketsSelected: number;
  /** where the next read starts once this plan is applied */
  mark: { cursor: string | null; endOfStream: boolean };
}

export interface CaseApplyResult {
  created: CaseUpsertResult[];
  updated: CaseUpsertResult[];
  failed: CaseUpsertResult[];
  stale: { key: string; reason: string }[];
}

/** Fields zdsf writes on a Case (and so reads to compare). */
export function writtenFields(cases: CaseSync): string[] {
  const out = [...Object.keys(cases.fields), 'Status'];
  if (cases.account) out.push('AccountId');
  if (cases.contact) out.push('ContactId');
  return out;
}

function pathValue(rec: Record<string, unknown>, path: string): unknown {
  let cur: unknown = rec;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const obj = cur as Record<string, unknown>;
    const key = part in obj ? part : Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : obj[key];
  }
  return cur;
}

/**
 * The users sync's match, from email to Contact: Contacts (attributes.type Contact) by their `emailPath` value,
 * lower-cased. An email two Contacts share matches neither (as the users sync drops them).
 */
export function contactsByEmail(people: readonly SfRecord[], emailPath: string): Map<string, string> {
  const out = new Map<string, string>();
  const shared = new Set<string>();
  for (const p of people) {
    if (p.attributes?.type !== undefined && p.attributes.type !== 'Contact') continue;
    const v = pathValue(p, emailPath);
    if (typeof v !== 'string' || v.trim() === '') continue;
    const email = v.trim().toLowerCase();
    if (out.has(email) && out.get(email) !== p.Id) shared.add(email);
    else out.set(email, p.Id);
  }
  for (const e of shared) out.delete(e);
  return out;
}

export async function planCases(input: CasePlanInput, ports: { tickets: TicketSource; salesforce: CaseTarget }): Promise<CasePlan> {
  const { cases } = input;
  const describe = await ports.salesforce.describeCase();
  assertCaseConfig(input.syncName, cases, describe, input.instanceName);

  const read = await ports.tickets(input.start ?? fullReadStart(cases.where.created_after));
  // an organization the same plan gives an external_id (adopted by name) is linked to that Account already
  const planned = input.organizationExternalIds;
  const contexts = ticketContexts(read).map((c) => {
    const ext = c.organization ? planned?.get(c.organization.id) : undefined;
    return ext !== undefined && c.organization ? { ...c, organization: { ...c.organization, external_id: ext } } : c;
  });
  const accountIds = cases.account
    ? await ports.salesforce.existingAccountIds(contexts.map((c) => c.organization?.external_id ?? '').filter((x) => x !== ''))
    : undefined;
  const lengths: Record<string, number> = {};
  for (const f of describe.fields) if (f.length !== undefined && ['string', 'textarea', 'email', 'phone', 'url'].includes(f.type)) lengths[f.name] = f.length;
  const { cases: desired, warnings } = desiredCases(contexts, cases, { contactsByEmail: input.contactsByEmail, accountIds, lengths });
  const existing = desired.length > 0 ? ((await ports.salesforce.readCasesByKeys(cases.ticket_id_field, desired.map((d) => d.key), writtenFields(cases))) as ExistingCase[]) : [];
  const compared = compareCases(desired, existing, cases);
  return {
    keyField: cases.ticket_id_field,
    changes: compared.changes,
    unchanged: compared.unchanged,
    warnings: [...warnings, ...compared.warnings],
    ticketsRead: read.tickets.length,
    ticketsSelected: desired.length + warnings.filter((w) => w.kind === 'unmapped_status').length,
    mark: read.next,
  };
}

/** Carries out a plan's case changes: stale ones are skipped, the others upserted (idempotent: safe to run again). */
export async function applyCases(
  plan: Pick<CasePlan, 'keyField' | 'changes'>,
  salesforce: CaseTarget,
  options: { fields: readonly string[] },
): Promise<CaseApplyResult> {
  const result: CaseApplyResult = { created: [], updated: [], failed: [], stale: [] };
  if (plan.changes.length === 0) return result;
  const current = (await salesforce.readCasesByKeys(plan.keyField, plan.changes.map((c) => c.key), options.fields)) as ExistingCase[];
  result.stale = staleCaseUpdates(plan.changes, current, plan.keyField);
  const skip = new Set(result.stale.map((s) => s.key));
  const todo = plan.changes.filter((c) => !skip.has(c.key));
  const answers = await salesforce.upsert(plan.keyField, todo.map((c) => upsertRecord(c, plan.keyField)));
  for (const a of answers) {
    if (!a.ok) result.failed.push(a);
    else if (a.created) result.created.push(a);
    else result.updated.push(a);
  }
  return result;
}
