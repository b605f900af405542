// A sandbox seed with tickets, Accounts, Contacts and describe of Case (Zendesk_Ticket_Id__c an External ID), and
// the sync.yaml the Case tests run over it (in process and through the CLI).
import type { SandboxSeed } from '../../src/model/seed.js';

export const ACME = '001SB0000000000001';
export const GLOBEX = '001SB0000000000002';
export const ANN = '003SB0000000000001';

export function casesSeed(): SandboxSeed {
  return {
    salesforce: {
      Account: [
        { Id: ACME, Name: 'Acme', Type: 'Customer' },
        { Id: GLOBEX, Name: 'Globex', Type: 'Customer' },
      ],
      Contact: [{ Id: ANN, AccountId: ACME, Email: 'ann@acme.example', FirstName: 'Ann', LastName: 'Able' }],
      Case: [],
      describe: {
        Case: {
          fields: [
            { name: 'Zendesk_Ticket_Id__c', type: 'string', label: 'Zendesk Ticket Id', externalId: true, unique: true, length: 40 },
            { name: 'Status', type: 'picklist', picklistValues: ['New', 'Working', 'Escalated', 'Closed'].map((value) => ({ value, active: true })) },
            { name: 'Origin', type: 'picklist', picklistValues: ['Email', 'Phone', 'Web', 'Zendesk'].map((value) => ({ value, active: true })) },
            { name: 'Priority', type: 'picklist', picklistValues: ['High', 'Medium', 'Low'].map((value) => ({ value, active: true })) },
            { name: 'Product__c', type: 'string', nillable: false },
          ],
        },
      },
    },
    zendesk: {
      settings: { user: { multiple_organizations: false } },
      organizations: [
        { id: 900, name: 'Acme', external_id: ACME, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} },
        { id: 901, name: 'Globex', external_id: GLOBEX, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} },
        { id: 902, name: 'Hand Made', external_id: null, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} },
      ],
      users: [
        { id: 501, name: 'Ann Able', email: 'ann@acme.example', role: 'end-user', external_id: null, organization_id: 900, tags: [], user_fields: {} },
        { id: 502, name: 'Gus Globex', email: 'gus@globex.example', role: 'end-user', external_id: null, organization_id: 901, tags: [], user_fields: {} },
      ],
      tickets: [
        { id: 123, subject: 'Printer on fire', description: 'Flames everywhere', status: 'open', priority: 'urgent', requester_id: 501, organization_id: 900, tags: ['hardware'], custom_fields: [{ id: 360001, value: 'ultimate' }], created_at: '2024-05-01T10:00:00Z', updated_at: '2024-05-01T11:00:00Z' },
        { id: 124, subject: 'Login broken', description: 'Cannot log in', status: 'pending', priority: 'normal', requester_id: 502, organization_id: 901, created_at: '2024-05-02T10:00:00Z', updated_at: '2024-05-02T11:00:00Z' },
        { id: 125, subject: 'Question', description: 'How do I?', status: 'solved', priority: 'low', requester_id: 502, organization_id: 902, created_at: '2024-05-03T10:00:00Z', updated_at: '2024-05-03T11:00:00Z' },
        { id: 126, subject: 'No org', description: 'Walk-in', status: 'new', priority: null, requester_id: 502, organization_id: null, created_at: '2024-05-04T10:00:00Z', updated_at: '2024-05-04T11:00:00Z' },
      ],
    },
  };
}

/** casesSeed plus `extra` open tickets of Acme by Ann (ids from 2000) */
export function casesSeedWith(extra = 0): SandboxSeed {
  const s = casesSeed();
  for (let i = 0; i < extra; i++) {
    s.zendesk!.tickets!.push({ id: 2000 + i, subject: `Ticket ${i}`, description: 'More', status: 'open', priority: 'normal', requester_id: 501, organization_id: 900, created_at: '2024-06-01T10:00:00Z', updated_at: '2024-06-01T11:00:00Z' });
  }
  return s;
}

/** The `cases:` section of the tests' sync (`extra`: more keys of it, each on its own line, indented 6). */
export const casesSection = (extra = ''): string => `
    cases:
      ticket_id_field: Zendesk_Ticket_Id__c${extra}
      status_map: { new: New, open: Working, pending: Working, hold: Escalated, solved: Closed, closed: Closed }
      fields:
        Subject: subject
        Description: description
        Origin: { value: Zendesk }
        Priority: { from: priority, map: { urgent: High, high: High, normal: Medium, low: Low }, default: Medium }
        Product__c: { from: custom_fields.360001, default: none }
`;

/** A sync.yaml with one sync `support` (sf -> zd, Contacts) and `cases` appended: both instances at ${URL}, token ${T}. */
export const casesSyncYaml = (cases: string): string => `version: 1
salesforce: { sf: { login_url: "\${URL}", auth: { method: access_token, token: "\${T}", instance_url: "\${URL}" } } }
zendesk: { zd: { url: "\${URL}", auth: { method: oauth, token: "\${T}" } } }
syncs:
  support:
    from: sf
    to: zd
    users: { sources: [{ object: Contact }] }
${cases}`;

/** How many Cases the sandbox holds per ticket id. */
export function casesPerTicket(state: SandboxSeed): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of (state.salesforce?.Case ?? []) as Record<string, unknown>[]) out.set(String(c.Zendesk_Ticket_Id__c), (out.get(String(c.Zendesk_Ticket_Id__c)) ?? 0) + 1);
  return out;
}
