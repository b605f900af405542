import { describe, expect, it } from 'vitest';
import { compareCases, desiredCases, evaluateCaseMapping, selectTickets, staleCaseUpdates, upsertRecord, type ExistingCase } from '../../src/cases/map.js';
import { casesConfig, ctx, ticket } from './helpers.js';

const contacts = new Map([['req1@acme.example', '003C00000000001AAA']]);

describe('selectTickets', () => {
  const where = casesConfig().where;
  it('keeps tickets with an organization, drops deleted ones and those without organization', () => {
    const list = [ctx(ticket(1)), ctx(ticket(2, { organization_id: null })), ctx(ticket(3, { status: 'deleted' }))];
    expect(selectTickets(list, where).map((c) => c.ticket.id)).toEqual([1]);
    expect(selectTickets(list, { ...where, has_organization: false }).map((c) => c.ticket.id)).toEqual([1, 2]);
  });

  it('filters by status, created_after, tags and without_tags', () => {
    const list = [
      ctx(ticket(1, { status: 'solved', tags: ['Salesforce', 'vip'] })),
      ctx(ticket(2, { status: 'open', tags: ['salesforce'] })),
      ctx(ticket(3, { status: 'solved', tags: ['salesforce', 'spam'] })),
      ctx(ticket(4, { status: 'solved', tags: ['salesforce'], created_at: '2023-12-31T23:59:59Z' })),
    ];
    const w = { ...where, status: ['solved' as const], created_after: '2024-01-01', tags: ['salesforce'], without_tags: ['spam'] };
    expect(selectTickets(list, w).map((c) => c.ticket.id)).toEqual([1]);
  });
});

describe('evaluateCaseMapping', () => {
  const c = ctx(ticket(7, { priority: 'urgent', tags: ['a', 'b'], custom_fields: [{ id: 360001, value: 'gitlab_ultimate' }] }));
  it('reads attributes, nested paths and custom fields; maps with default; fills templates', () => {
    expect(evaluateCaseMapping({ kind: 'field', from: 'priority', map: { urgent: 'High' }, default: 'Medium', name: 'p' }, c)).toBe('High');
    expect(evaluateCaseMapping({ kind: 'field', from: 'priority', map: { low: 'Low' }, default: 'Medium', name: 'p' }, c)).toBe('Medium');
    expect(evaluateCaseMapping({ kind: 'field', from: 'priority', map: { low: 'Low' }, name: 'p' }, c)).toBe('urgent');
    expect(evaluateCaseMapping({ kind: 'field', from: 'custom_fields.360001', name: 'x' }, c)).toBe('gitlab_ultimate');
    expect(evaluateCaseMapping({ kind: 'field', from: 'custom_fields.1', default: 'none', name: 'x' }, c)).toBe('none');
    expect(evaluateCaseMapping({ kind: 'field', from: 'via.channel', name: 'x' }, c)).toBe('email');
    expect(evaluateCaseMapping({ kind: 'field', from: 'tags', name: 'x' }, c)).toBe('a b');
    expect(evaluateCaseMapping({ kind: 'template', template: '#{id} for {organization.name} ({requester.email})', name: 't' }, c)).toBe('#7 for Acme (req7@acme.example)');
    expect(evaluateCaseMapping({ kind: 'value', value: 'Zendesk', name: 'v' }, c)).toBe('Zendesk');
  });
});

describe('desiredCases', () => {
  it('builds the Case payload: mapped fields, Status from status_map, AccountId, ContactId and the key', () => {
    const { cases, warnings } = desiredCases([ctx(ticket(1, { subject: 'Printer on fire', status: 'solved', priority: 'high' }))], casesConfig(), { contactsByEmail: contacts });
    expect(warnings).toEqual([]);
    expect(cases).toEqual([
      {
        key: '1',
        ticketId: 1,
        subject: 'Printer on fire',
        status: 'solved',
        organizationName: 'Acme',
        fields: {
          Subject: 'Printer on fire',
          Origin: 'Zendesk',
          Priority: 'High',
          Status: 'Closed',
          AccountId: '001AC0000000001AAA',
          ContactId: '003C00000000001AAA',
          Zendesk_Ticket_Id__c: '1',
        },
      },
    ]);
  });

  it('warns for an organization without Account and a requester without Contact, and still plans the Case', () => {
    const list = [
      ctx(ticket(2), { id: 901, name: 'No Ext', external_id: null }),
      ctx(ticket(3), { id: 902, name: 'Gone', external_id: '001GONE00000000AAA' }),
      ctx(ticket(4), undefined, null),
    ];
    const { cases, warnings } = desiredCases(list, casesConfig(), { contactsByEmail: contacts, accountIds: new Set(['001AC0000000001AAA']) });
    expect(cases.map((c) => [c.key, c.fields.AccountId, c.fields.ContactId])).toEqual([
      ['2', null, null],
      ['3', null, null],
      ['4', '001AC0000000001AAA', null],
    ]);
    expect(warnings.map((w) => `${w.kind} ${w.ticketId}`)).toEqual(['no_account 2', 'no_contact 2', 'no_account 3', 'no_contact 3', 'no_contact 4']);
    expect(warnings[0].message).toBe('ticket #2: organization "No Ext" has no external_id (no Account); the Case gets no Account');
    expect(warnings[2].message).toContain('001GONE00000000AAA, which is no Account');
    expect(warnings[4].message).toBe('ticket #4: its requester has no email; the Case gets no Contact');
  });

  it('leaves AccountId and ContactId alone when account and contact are off, and cuts text to the field length', () => {
    const { cases, warnings } = desiredCases([ctx(ticket(5, { subject: 'x'.repeat(300) }))], casesConfig({ account: false, contact: false }), { contactsByEmail: new Map(), lengths: { Subject: 255 } });
    expect(warnings).toEqual([]);
    expect(Object.keys(cases[0].fields).sort()).toEqual(['Origin', 'Priority', 'Status', 'Subject', 'Zendesk_Ticket_Id__c']);
    expect((cases[0].fields.Subject as string).length).toBe(255);
  });
});

describe('compareCases', () => {
  const config = casesConfig({ contact: false });
  const want = desiredCases([ctx(ticket(1, { subject: 'Printer on fire', status: 'closed' })), ctx(ticket(2)), ctx(ticket(3))], config, { contactsByEmail: new Map() }).cases;
  const existing: ExistingCase[] = [
    { Id: '500C00000000001AAA', Zendesk_Ticket_Id__c: '1', Subject: 'Printer on fire', Origin: 'Zendesk', Priority: 'Medium', Status: 'New', AccountId: '001AC0000000001AAA', SystemModstamp: '2024-03-03T00:00:00.000+0000' },
    { Id: '500C00000000002AAA', zendesk_ticket_id__c: 2, Subject: 'Ticket 2', Origin: 'Zendesk', Priority: 'Medium', Status: 'Working', AccountId: '001AC0000000001AAA', Description: 'not managed' },
  ];

  it('creates missing Cases, updates only differing fields, counts the unchanged', () => {
    const { changes, unchanged, warnings } = compareCases(want, existing, config);
    expect(warnings).toEqual([]);
    expect(unchanged).toBe(1);
    expect(changes.map((c) => [c.action, c.key])).toEqual([
      ['update', '1'],
      ['create', '3'],
    ]);
    const upd = changes[0];
    expect(upd.action === 'update' && upd.diffs).toEqual([{ field: 'Status', from: 'New', to: 'Closed' }]);
    expect(upd.action === 'update' && upd.systemModstamp).toBe('2024-03-03T00:00:00.000+0000');
    expect(upsertRecord(upd, config.ticket_id_field)).toEqual({ Zendesk_Ticket_Id__c: '1', Status: 'Closed' });
    expect(upsertRecord(changes[1], config.ticket_id_field)).toEqual({ Subject: 'Ticket 3', Origin: 'Zendesk', Priority: 'Medium', Status: 'Working', AccountId: '001AC0000000001AAA', Zendesk_Ticket_Id__c: '3' });
  });

  it('plans nothing once the Cases are as desired (a second plan shows no changes)', () => {
    const after = want.map((d, i) => ({ Id: `500C0000000000${i}AAA`, ...d.fields }));
    expect(compareCases(want, after, config)).toEqual({ changes: [], unchanged: 3, warnings: [] });
  });

  it('leaves a ticket with two Cases alone, with a warning', () => {
    const dup = [...existing, { Id: '500C00000000009AAA', Zendesk_Ticket_Id__c: '1' }];
    const { changes, warnings } = compareCases(want, dup, config);
    expect(changes.map((c) => c.key)).toEqual(['3']);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'duplicate_case', ticketId: 1 })]);
    expect(warnings[0].message).toContain('500C00000000001AAA, 500C00000000009AAA');
  });

  it('finds updates made stale by a change in Salesforce since the plan, and creates whose Case appeared', () => {
    const { changes } = compareCases(want, existing, config);
    expect(staleCaseUpdates(changes, existing, config.ticket_id_field)).toEqual([]);
    const movedOn = [{ ...existing[0], Status: 'Escalated' }, { Id: '500C00000000003AAA', Zendesk_Ticket_Id__c: '3' }];
    expect(staleCaseUpdates(changes, movedOn, config.ticket_id_field)).toEqual([
      { key: '1', reason: 'Case 500C00000000001AAA Status is now "Escalated" (the plan saw "New")' },
      { key: '3', reason: 'a Case (500C00000000003AAA) for ticket #3 was created since the plan' },
    ]);
    const alreadyDone = [{ ...existing[0], Status: 'Closed' }, { Id: '500C00000000003AAA', ...changes[1].desired.fields }];
    expect(staleCaseUpdates(changes, alreadyDone, config.ticket_id_field)).toEqual([]);
  });
});
