// The cases part of a sync's plan (issue 18): tickets from the export (from the stored mark, or a bounded full
// read), desired Cases compared with the Cases found by the ticket id field (src/cases/pipeline.ts), turned into
// typed changes and warnings by the `case` resource (src/reconcile/resources/cases.ts), appended after the
// Zendesk changes, with what apply needs to know of the Salesforce side (SyncPlan.cases).
import type { Sync } from '../model/config.js';
import type { Plan, SyncPlan } from '../model/plan.js';
import type { SalesforceWriter } from '../model/ports.js';
import type { SfRecord } from '../model/salesforce.js';
import { contactsByEmail, planCases, type TicketSource } from '../cases/pipeline.js';
import { caseChange, caseRequests, caseWarning, contactEmails, orderCaseChanges } from '../reconcile/resources/cases.js';
import { summarize } from '../reconcile/index.js';
import { casesDigest, readCaseMark, writeCaseMark } from '../state/case-mark.js';
import type { TicketExportStart } from '../zendesk/tickets.js';
import type { Config } from '../model/config.js';

/** What planning a sync's cases reads through. */
export interface CasePorts {
  tickets: TicketSource;
  salesforce: SalesforceWriter;
}

export interface CasePlanOptions {
  config: Config;
  /** the ports of a sync (default adapters: src/services/adapters.ts) */
  cases?: (sync: Sync) => CasePorts;
  /** where the sync's ticket read starts (the stored mark), undefined: a bounded full read */
  caseStart?: (sync: Sync) => Promise<TicketExportStart | undefined>;
}

/** The users sync's match from email to Contact, when the cases link Contacts (before the people are let go). */
export function caseContacts(sync: Sync, people: readonly SfRecord[]): Map<string, string> {
  return sync.cases?.contact && sync.users ? contactsByEmail(people, sync.users.email) : new Map();
}

/** Adds the sync's case changes, warnings and cases section to its plan. */
export async function addCasesToPlan(plan: SyncPlan, sync: Sync, contacts: ReadonlyMap<string, string>, options: CasePlanOptions): Promise<void> {
  const cases = sync.cases;
  if (!cases) return;
  // a caller that wires no case ports (a plan service used without the CLI's adapters) plans no Cases
  const ports = options.cases?.(sync);
  if (!ports) return;
  const zendesk = options.config.zendesk[sync.to];
  const start = await options.caseStart?.(sync);
  const organizationExternalIds = new Map<number, string>();
  for (const c of plan.changes) {
    if (c.type === 'organization' && c.action === 'update' && typeof c.after.external_id === 'string' && c.after.external_id !== '') organizationExternalIds.set(c.zendesk_id, c.after.external_id);
  }
  const planned = await planCases({ syncName: sync.name, cases, instanceName: sync.from, contactsByEmail: contacts, organizationExternalIds, ...(start ? { start } : {}) }, ports);
  // Contact Id -> email for the changes' references: a map of every Contact, so only when there are changes
  const emails = planned.changes.length > 0 ? contactEmails(contacts) : new Map<string, string>();
  const changes = orderCaseChanges(planned.changes.map((c) => caseChange(c, cases, emails)));
  plan.changes = [...plan.changes, ...changes];
  plan.warnings.push(...planned.warnings.map(caseWarning));
  plan.summary = summarize(plan.changes);
  plan.cases = {
    salesforce: { name: sync.from, url: options.config.salesforce[sync.from].login_url },
    key_field: cases.ticket_id_field,
    tickets_read: planned.ticketsRead,
    mark: { cursor: planned.mark.cursor, end_of_stream: planned.mark.endOfStream },
    digest: casesDigest(sync, zendesk),
    requests: caseRequests(changes),
  };
}

/** The case ports of every sync, from the run's adapters (src/services/adapters.ts); undefined when they cannot write Salesforce. */
export function casePortsOf(
  adapters: { salesforceWriterFor?: (i: Config['salesforce'][string]) => SalesforceWriter; ticketsFor?: (i: Config['zendesk'][string]) => TicketSource },
  config: Config,
): ((sync: Sync) => CasePorts) | undefined {
  const { salesforceWriterFor, ticketsFor } = adapters;
  if (!salesforceWriterFor || !ticketsFor) return undefined;
  return (sync) => ({ tickets: ticketsFor(config.zendesk[sync.to]), salesforce: salesforceWriterFor(config.salesforce[sync.from]) });
}

/** Where each sync's ticket read starts with a state directory: its stored mark, unless --refresh; says which in one line. */
export function caseStartFrom(dir: string, config: Config, refresh: boolean, say: (line: string) => void): (sync: Sync) => Promise<TicketExportStart | undefined> {
  return async (sync) => {
    const label = `sync ${sync.name}: Zendesk ${sync.to} tickets`;
    if (refresh) {
      say(`${label}: full read (--refresh)`);
      return undefined;
    }
    const got = await readCaseMark(dir, sync.name, casesDigest(sync, config.zendesk[sync.to]));
    if ('start' in got) {
      say(`${label}: incremental read from the mark of the last apply`);
      return got.start;
    }
    say(`${label}: full read (${got.reason})`);
    return undefined;
  };
}

/**
 * Stores the ticket mark of every sync of the plan for which `done` holds (apply: every change carried out; plan:
 * no case change to carry out), so that the next plan reads only tickets changed since. Returns the syncs stored.
 */
export async function storeCaseMarks(plan: Plan, dir: string, done: (sync: SyncPlan) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const sync of plan.syncs) {
    const cursor = sync.cases?.mark.cursor;
    if (!sync.cases || !cursor || sync.error !== undefined || !done(sync)) continue;
    await writeCaseMark(dir, sync.name, sync.cases.digest, cursor);
    out.push(sync.name);
  }
  return out;
}
