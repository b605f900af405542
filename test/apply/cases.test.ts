// Apply's checks of case changes (src/apply/cases.ts, issue 18), the unknown-outcome recovery of the Salesforce
// phase (src/apply/case-phase.ts) and the one-line rendering of case changes. Plain data, fake writers.
import { describe, expect, it } from 'vitest';
import { caseConfigProblems, checkCaseChanges } from '../../src/apply/cases.js';
import { upsertCases } from '../../src/apply/case-phase.js';
import type { CaseSync, Sync } from '../../src/model/config.js';
import type { CaseCreate, CaseUpdate } from '../../src/model/plan.js';
import type { SalesforceWriter } from '../../src/model/ports.js';
import { changeLines } from '../../src/render/lines.js';

const ACME = '001SB0000000000001';
const CASE_ID = '500SB0000000000001';

const cases: CaseSync = {
  where: { status: ['new', 'open', 'pending', 'hold', 'solved', 'closed'], has_organization: true, tags: [], without_tags: [] },
  ticket_id_field: 'Zendesk_Ticket_Id__c',
  status_map: { new: 'New', open: 'Working', solved: 'Closed', closed: 'Closed' },
  fields: { Subject: { kind: 'field', from: 'subject' } },
  account: true,
  contact: false,
  positions: {},
} as unknown as CaseSync;
const sync = { name: 'support', from: 'sf', to: 'zd', cases, protected: { organizations: [], emails: [], domains: [] } } as unknown as Sync;

function create(over: Partial<CaseCreate> = {}): CaseCreate {
  return {
    type: 'case',
    action: 'create',
    key: '123',
    label: 'Printer on fire',
    zendesk_id: 123,
    key_field: 'Zendesk_Ticket_Id__c',
    salesforce_id: null,
    ticket: { id: 123, subject: 'Printer on fire', status: 'open' },
    account: { id: ACME, name: 'Acme' },
    contact: null,
    before: null,
    after: { Subject: 'Printer on fire', Status: 'Working', AccountId: ACME, Zendesk_Ticket_Id__c: '123' },
    diff: [],
    ...over,
  };
}

function update(over: Partial<CaseUpdate> = {}): CaseUpdate {
  return {
    ...create(),
    action: 'update',
    salesforce_id: CASE_ID,
    before: { Status: 'Working' },
    after: { Zendesk_Ticket_Id__c: '123', Status: 'Closed' },
    diff: [{ path: 'Status', before: 'Working', after: 'Closed' }],
    ...over,
  } as CaseUpdate;
}

describe('the guard of case changes', () => {
  it('allows the changes the config maps', () => {
    expect(caseConfigProblems(create(), sync)).toEqual([]);
    expect(caseConfigProblems(update(), sync)).toEqual([]);
  });

  it('refuses unmapped fields, another key field, a key that is not the ticket, a Status status_map never gives, a sync without cases', () => {
    expect(caseConfigProblems(create({ after: { ...create().after, OwnerId: '005000000000001' } }), sync)).toEqual(['Case field OwnerId is not mapped by the config']);
    expect(caseConfigProblems(create({ key_field: 'Other__c' }), sync)).toEqual(['the key field "Other__c" is not the config\'s ticket_id_field "Zendesk_Ticket_Id__c"']);
    expect(caseConfigProblems(create({ key: '124' }), sync)).toEqual(['the key is not the ticket id', "the record's Zendesk_Ticket_Id__c is not the ticket id 124"]);
    expect(caseConfigProblems(update({ after: { Zendesk_Ticket_Id__c: '123', Status: 'Deleted' } }), sync)).toEqual(['Status "Deleted" is no value of status_map']);
    expect(caseConfigProblems(update({ salesforce_id: 'x' }), sync)).toEqual(['an update needs the Case Id']);
    expect(caseConfigProblems(create(), { ...sync, cases: undefined })).toEqual(['the sync has no cases section']);
  });
});

describe('the stale check of case changes', () => {
  const live = (fields: Record<string, unknown>) => ({ Id: CASE_ID, Zendesk_Ticket_Id__c: '123', ...fields });

  it('create: pending without a Case, done when the Case is as planned (a re-run), stale when another Case is there', () => {
    expect(checkCaseChanges([create()], [])[0].status).toBe('pending');
    expect(checkCaseChanges([create()], [live({ Subject: 'Printer on fire', Status: 'Working', AccountId: ACME })])[0]).toMatchObject({ status: 'done', reason: `Case ${CASE_ID} already exists` });
    expect(checkCaseChanges([create()], [live({ Subject: 'Other', Status: 'Working', AccountId: ACME })])[0]).toMatchObject({
      status: 'stale',
      reason: `case for ticket #123: would be created, but Case ${CASE_ID} now exists and differs: Subject "Printer on fire" in the plan, "Other" in Salesforce`,
    });
  });

  it('update: pending as the plan saw it, done when already applied, stale when changed or gone', () => {
    expect(checkCaseChanges([update()], [live({ Status: 'Working' })])[0].status).toBe('pending');
    expect(checkCaseChanges([update()], [live({ Status: 'Closed' })])[0].status).toBe('done');
    expect(checkCaseChanges([update()], [live({ Status: 'Escalated' })])[0]).toMatchObject({
      status: 'stale',
      reason: `case for ticket #123: Case ${CASE_ID} Status changed since the plan: "Working" -> "Escalated"`,
    });
    expect(checkCaseChanges([update()], [])[0].status).toBe('stale');
    expect(checkCaseChanges([update()], [live({ Status: 'Working' }), { ...live({ Status: 'Working' }), Id: '500SB0000000000002' }])[0].reason).toContain('2 Cases');
  });
});

describe('the Salesforce phase', () => {
  const writer = (upsert: SalesforceWriter['upsert'], found: Record<string, unknown>[]): SalesforceWriter => ({
    describeCase: async () => ({ name: 'Case', fields: [] }),
    readCasesByKeys: async () => found as ({ Id: string } & Record<string, unknown>)[],
    existingAccountIds: async () => new Set(),
    upsert,
    requestCount: 0,
  });

  it('reports per-record outcomes with the Case Id and Salesforce errors', async () => {
    const w = writer(async () => [
      { key: '123', ok: true, id: CASE_ID, created: true, errors: [], attempts: 1 },
      { key: '124', ok: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Subject]', fields: ['Subject'] }], attempts: 1 },
    ], []);
    const other = create({ key: '124', zendesk_id: 124, after: { Status: 'Working', Zendesk_Ticket_Id__c: '124' } });
    expect(await upsertCases(w, [create().after, other.after], [create(), other])).toEqual([
      { index: 0, ok: true, status: 'Created', note: `Case ${CASE_ID} created` },
      { index: 1, ok: false, status: 'Failed', error: 'REQUIRED_FIELD_MISSING: Required fields are missing: [Subject] (Subject)' },
    ]);
  });

  it('an unknown outcome is settled by looking the Cases up by the key: found as sent is written, absent is not', async () => {
    const lost = async (): Promise<never> => {
      throw new Error('socket hang up');
    };
    const other = create({ key: '124', zendesk_id: 124, after: { Status: 'Working', Zendesk_Ticket_Id__c: '124' } });
    const w = writer(lost, [{ Id: CASE_ID, Zendesk_Ticket_Id__c: '123', Subject: 'Printer on fire', Status: 'Working', AccountId: ACME }]);
    const results = await upsertCases(w, [create().after, other.after], [create(), other]);
    expect(results[0]).toMatchObject({ ok: true, status: 'Found' });
    expect(results[0].note).toContain(`Case ${CASE_ID} found in Salesforce afterwards`);
    expect(results[1]).toMatchObject({ ok: false, error: 'not written (socket hang up); the upsert is keyed by Zendesk_Ticket_Id__c: run apply again' });
  });
});

describe('rendering case changes', () => {
  it('one line each', () => {
    expect(changeLines(create())).toEqual([{ sign: '+', indent: 1, text: 'case for ticket #123 "Printer on fire" -> account "Acme"' }]);
    expect(changeLines(update())).toEqual([{ sign: '~', indent: 1, text: `case ${CASE_ID} (ticket #123) Status "Working" -> "Closed"` }]);
    expect(changeLines(create({ account: null, contact: { id: '003SB0000000000001', email: 'ann@acme.example' } }))[0].text).toBe('case for ticket #123 "Printer on fire" -> no account, contact "ann@acme.example"');
  });
});
