// End to end: the Salesforce reader against the local sandbox (src/sandbox), with the real jsforce client.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceInstance, Sync } from '../../src/model/config.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ZdsfError } from '../../src/util/errors.js';
import { organizations, sync, users } from './fixtures.js';

const seed: SandboxSeed = {
  salesforce: {
    User: [{ Id: '005000000000001AAA', Name: 'Olga Owner' }],
    RecordType: [
      { Id: '012000000000001AAA', DeveloperName: 'Customer', SobjectType: 'Account' },
      { Id: '012000000000002AAA', DeveloperName: 'Partner', SobjectType: 'Account' },
    ],
    Account: [
      { Id: '001000000000003AAA', Name: "O'Neil & Sons", Type: 'Customer', OwnerId: '005000000000001AAA', RecordTypeId: '012000000000001AAA', NumberOfEmployees: 40, CreatedDate: '2024-01-03T00:00:00.000+0000' },
      { Id: '001000000000001AAA', Name: 'Acme', Type: 'Customer', OwnerId: '005000000000001AAA', RecordTypeId: '012000000000001AAA', NumberOfEmployees: 10, CreatedDate: '2024-01-01T00:00:00.000+0000' },
      { Id: '001000000000002AAA', Name: 'Globex', Type: 'Former Customer', OwnerId: '005000000000001AAA', RecordTypeId: '012000000000001AAA', NumberOfEmployees: 20, CreatedDate: '2024-01-02T00:00:00.000+0000' },
      { Id: '001000000000004AAA', Name: 'Partnerco', Type: 'Partner', OwnerId: '005000000000001AAA', RecordTypeId: '012000000000002AAA', NumberOfEmployees: 5, CreatedDate: '2024-01-04T00:00:00.000+0000' },
    ],
    Customer_Subscription__c: [
      { Id: 'a00000000000001AAA', Account__c: '001000000000001AAA', Entitled_Seats__c: 10, Status__c: 'Active' },
      { Id: 'a00000000000002AAA', Account__c: '001000000000001AAA', Entitled_Seats__c: 5, Status__c: 'Expired' },
      { Id: 'a00000000000003AAA', Account__c: '001000000000003AAA', Entitled_Seats__c: 7, Status__c: 'Active' },
    ],
    Contact: [
      { Id: '003000000000001AAA', AccountId: '001000000000001AAA', Email: 'ann@acme.test', FirstName: 'Ann', LastName: 'Able', Title: 'CTO', Inactive_Contact__c: false, CreatedDate: '2024-02-01T00:00:00.000+0000' },
      { Id: '003000000000002AAA', AccountId: null, Email: 'nobody@free.test', FirstName: 'No', LastName: 'Account', Title: null, Inactive_Contact__c: false, CreatedDate: '2024-02-02T00:00:00.000+0000' },
      { Id: '003000000000003AAA', AccountId: '001000000000002AAA', Email: 'gone@globex.test', FirstName: 'Gone', LastName: 'Away', Title: 'VP', Inactive_Contact__c: true, CreatedDate: '2024-02-03T00:00:00.000+0000' },
      { Id: '003000000000004AAA', AccountId: '001000000000003AAA', Email: 'sean@oneil.test', FirstName: 'Sean', LastName: "O'Neil", Title: 'CEO', Inactive_Contact__c: false, CreatedDate: '2024-02-04T00:00:00.000+0000' },
    ],
    Lead: [
      { Id: '00Q000000000001AAA', Email: 'lead@prospect.test', FirstName: 'Lee', LastName: 'Lead', Title: 'Buyer', IsConverted: false, CreatedDate: '2024-03-01T00:00:00.000+0000' },
      { Id: '00Q000000000002AAA', Email: 'done@prospect.test', FirstName: 'Con', LastName: 'Verted', Title: null, IsConverted: true, CreatedDate: '2024-03-02T00:00:00.000+0000' },
    ],
    AccountContactRelation: [
      { Id: '07k000000000001AAA', AccountId: '001000000000001AAA', ContactId: '003000000000001AAA', IsDirect: true, IsActive: true },
      { Id: '07k000000000002AAA', AccountId: '001000000000003AAA', ContactId: '003000000000001AAA', IsDirect: false, IsActive: true },
    ],
  },
};

let sandbox: Sandbox;
let instance: SalesforceInstance;

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0 });
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  instance = {
    name: 'production',
    login_url: sandbox.salesforceUrl(),
    api_version: '62.0',
    auth: { method: 'jwt', client_id: 'cid', username: 'integration@acme.test', private_key: pem },
  };
});

afterAll(async () => {
  await sandbox?.close();
});

function fullSync(): Sync {
  return sync({
    organizations: organizations({
      where: "Type IN ('Customer', 'Former Customer')",
      record_types: ['Customer'],
      fields: {
        owner: { kind: 'field', from: 'Owner.Name', name: 'owner' },
        employees: { kind: 'field', from: 'Account.NumberOfEmployees', name: 'employees' },
        seats: { kind: 'field', from: 'Customer_Subscriptions__r.Entitled_Seats__c', aggregate: 'sum', name: 'seats' },
      },
      include: [{ relationship: 'Customer_Subscriptions__r', where: "Status__c = 'Active'", fields: [] }],
      tags: { prefix: 'sf_', from: ['Type'], static: [] },
      retention: { delete_when: "Type = 'Former Customer'" },
    }),
    users: users({
      sources: [
        { object: 'Contact', where: 'Inactive_Contact__c = false' },
        { object: 'Lead', where: 'IsConverted = false' },
      ],
      name: { kind: 'template', template: '{FirstName} {LastName}', name: 'name' },
      tags: { prefix: 'sf_', from: ['Title'], static: [] },
      relationships: { primary: true, secondary: true },
    }),
  });
}

describe('reading through the sandbox', () => {
  it('reads accounts with subqueries, people, relations, retention and describes', async () => {
    const data = await createSalesforceReader().read({ instance, sync: fullSync() });

    expect(data.accounts.map((a) => a.Name)).toEqual(['Acme', 'Globex', "O'Neil & Sons"]);
    const acme = data.accounts[0] as Record<string, unknown>;
    expect(acme.NumberOfEmployees).toBe(10);
    expect((acme.Owner as Record<string, unknown>).Name).toBe('Olga Owner');
    const subs = acme.Customer_Subscriptions__r as { totalSize: number; records: { Entitled_Seats__c: number }[] };
    expect(subs.totalSize).toBe(1);
    expect(subs.records.map((r) => r.Entitled_Seats__c)).toEqual([10]);
    expect((data.accounts[1] as Record<string, unknown>).Customer_Subscriptions__r).toEqual({ totalSize: 0, done: true, records: [] });

    expect(data.people.map((p) => `${p.attributes?.type}:${p.Email as string}`)).toEqual([
      'Contact:ann@acme.test',
      'Contact:nobody@free.test',
      'Contact:sean@oneil.test',
      'Lead:lead@prospect.test',
    ]);
    const noAccount = data.people[1] as Record<string, unknown>;
    expect(noAccount.AccountId).toBeNull();
    expect((data.people[0] as Record<string, unknown>).Account).toMatchObject({ Name: 'Acme' });

    expect(data.relations).toEqual([
      { Id: '07k000000000002AAA', AccountId: '001000000000003AAA', ContactId: '003000000000001AAA', IsDirect: false, IsActive: true },
    ]);
    expect(data.retention).toEqual(['001000000000002AAA']);
    for (const object of ['Account', 'Contact', 'Lead', 'Customer_Subscription__c']) {
      expect(Object.keys(data.describe)).toContain(object);
    }
  });

  it('reads a large query through Bulk API 2.0 with the same records as REST', async () => {
    // 2,500 leads: more than one REST page (2,000), so the reader switches to a bulk job
    const leads = Array.from({ length: 2500 }, (_, i) => ({
      Id: `00Q${String(i).padStart(12, '0')}AAA`,
      Email: `lead${i}@prospect.test`,
      FirstName: i % 7 === 0 ? null : `Lee${i}`,
      LastName: `Lead, "${i}"`,
      Title: i % 3 === 0 ? 'Buyer' : null,
      IsConverted: i % 10 === 0,
      NumberOfEmployees: i,
      CreatedDate: '2024-03-01T00:00:00.000+0000',
    }));
    const big = await startSandbox({ seed: { salesforce: { Lead: leads } }, port: 0 });
    try {
      const inst = { ...instance, login_url: big.salesforceUrl() };
      const s = sync({
        users: users({
          sources: [{ object: 'Lead', where: 'IsConverted = false' }],
          name: { kind: 'template', template: '{FirstName} {LastName}', name: 'name' },
          fields: { employees: { kind: 'field', from: 'NumberOfEmployees', name: 'employees' } },
          tags: { prefix: 'sf_', from: ['Title'], static: [] },
        }),
      });
      const viaRest = await createSalesforceReader({ bulkThreshold: 1_000_000 }).read({ instance: inst, sync: s });
      const restRequests = { ...big.stats().requests };
      const viaBulk = await createSalesforceReader({ bulkThreshold: 2001, bulkPollIntervalMs: 1, bulkPageSize: 1000 }).read({ instance: inst, sync: s });
      const after = big.stats().requests;
      expect(viaRest.people).toHaveLength(2250);
      expect(viaBulk.people).toEqual(viaRest.people);
      expect(Object.keys(restRequests).some((k) => k.includes('jobs/query'))).toBe(false);
      expect(Object.keys(after).some((k) => k.includes('jobs/query'))).toBe(true);
    } finally {
      await big.close();
    }
  });

  it("reports Salesforce's message for a field that does not exist", async () => {
    const s = sync({ organizations: organizations({ fields: { x: { kind: 'field', from: 'Nope__c', name: 'x' } } }) });
    const err = await createSalesforceReader({ retry: { maxRetries: 0 } })
      .read({ instance, sync: s })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ZdsfError);
    expect((err as ZdsfError).message).toContain('Salesforce refused the organizations query of sync global');
    expect((err as ZdsfError).message).toContain('Nope__c');
  });
});
