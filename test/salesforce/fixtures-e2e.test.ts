// The reader over the project's own fixtures (fixtures/demo: config and seed), through the sandbox.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Config } from '../../src/model/config.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
let config: Config;
let dir = '';

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'fixtures/demo/seed.json', port: 0 });
  // secrets come from the environment only: drop any default value a fixture gives a token
  const text = (await readFile('fixtures/demo/sync.yaml', 'utf8')).replace(/\$\{(\w*TOKEN\w*):-[^}]*\}/g, '${$1}');
  dir = await mkdtemp(join(tmpdir(), 'zdsf-sf-'));
  const file = join(dir, 'sync.yaml');
  await writeFile(file, text);
  config = await loadConfigOrThrow({
    file,
    env: { SF_LOGIN_URL: sandbox.salesforceUrl(), ZD_URL: sandbox.zendeskUrl(), SF_ACCESS_TOKEN: 'sandbox-token', ZD_API_TOKEN: 'sandbox-token' },
  });
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;

describe('demo fixture', () => {
  it('reads exactly the records the demo config selects, with active subscriptions per account', async () => {
    const seed = JSON.parse(await readFile('fixtures/demo/seed.json', 'utf8')) as { salesforce: Record<string, Row[]> };
    const sfSeed = seed.salesforce;
    const s = config.syncs[0];
    const data = await createSalesforceReader().read({ instance: config.salesforce[s.from], sync: s });

    // the config's where, evaluated here on the seed
    const selected = sfSeed.Account.filter(
      (a) =>
        ['Customer', 'Former Customer'].includes(String(a.Type)) ||
        (a.Type === 'Partner' && ['Authorized', 'Former'].includes(String(a.Partners_Partner_Status__c))),
    );
    expect(data.accounts.map((a) => a.Id)).toEqual(selected.map((a) => String(a.Id)).sort());
    for (const account of data.accounts as Row[]) {
      const expected = sfSeed.Customer_Subscription__c.filter(
        (x) => x.Account__c === account.Id && x.Current_Subscription_Status__c === 'Active',
      )
        .map((x) => x.Entitled_Seats__c)
        .sort();
      const child = account.Customer_Subscriptions__r as { records: Row[] };
      expect(child.records.map((x) => x.Entitled_Seats__c).sort()).toEqual(expected);
    }

    const contacts = sfSeed.Contact.filter((c) => c.Inactive_Contact__c === false).map((c) => String(c.Id)).sort();
    const leads = sfSeed.Lead.filter((l) => l.IsConverted === false).map((l) => String(l.Id)).sort();
    expect(data.people.map((p) => p.Id)).toEqual([...contacts, ...leads]);
    const contactIds = new Set(contacts);
    const relations = sfSeed.AccountContactRelation.filter((r) => r.IsDirect === false && contactIds.has(String(r.ContactId)));
    expect(data.relations.map((r) => r.Id)).toEqual(relations.map((r) => String(r.Id)).sort());
    expect(data.retention.length).toBeGreaterThan(0);
    for (const object of ['Account', 'Contact', 'Lead', 'Customer_Subscription__c', 'User']) expect(Object.keys(data.describe)).toContain(object);
  });
});
