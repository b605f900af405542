// Realistic, messy sandbox seeds at any size (demo, benchmarks, large tests). Deterministic for a given
// `seed`, so a fixture or a benchmark can be regenerated exactly. Records are written one at a time
// (`writeSeed`), so 100k accounts / 500k contacts never need the whole file in memory as one string.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SandboxSeed, SfSeedRecord } from '../model/seed.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../model/zendesk.js';
import { prng } from '../util/prng.js';
import { DESCRIBE, ORGANIZATION_FIELDS, USER_FIELDS } from './schema.js';

export interface GenerateOptions {
  accounts: number;
  contacts: number;
  /** PRNG seed */
  seed?: number;
  /** dates are relative to this day */
  today?: Date;
  /** share of accounts that already have a Zendesk organization (default 0.5) */
  zendeskOrgShare?: number;
  /** share of contacts that already have a Zendesk user (default 0.4) */
  zendeskUserShare?: number;
}


const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Salesforce's 3-character suffix that makes a 15-character, case-sensitive Id unique case-insensitively:
 * for each 5-character chunk, a bit per upper-case letter, read as an index into A-Z0-5. */
export function sfIdSuffix(id15: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += alphabet[bits];
  }
  return suffix;
}

/** An 18-character Salesforce Id with the object's key prefix (001 Account, 003 Contact, 00Q Lead ...),
 * with the real case-safety suffix (two Ids never differ only by case). */
export function sfId(prefix: string, n: number): string {
  let body = '';
  let x = n;
  for (let i = 0; i < 9; i++) {
    body = ID_CHARS[x % 62] + body;
    x = Math.floor(x / 62);
  }
  const id15 = `${prefix}5g0${body}`;
  return id15 + sfIdSuffix(id15);
}

const ADJ = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka', 'Oscorp', 'Gringotts', 'Monarch', 'Nakatomi', 'Pied Piper', 'Aperture', 'Black Mesa', 'Blue Sun', 'Dunder', 'Massive', 'Prestige', 'Sirius', 'Virtucon', 'Zorg', 'Ollivander', 'Bluth', 'Kramerica', 'Duff'];
const NOUN = ['Systems', 'Industries', 'Labs', 'Logistics', 'Analytics', 'Foods', 'Robotics', 'Energy', 'Health', 'Media', 'Capital', 'Networks', 'Motors', 'Pharma', 'Software', 'Dynamics', 'Aerospace', 'Retail', 'Partners', 'Holdings'];
const SUFFIX = ['Inc.', 'LLC', 'GmbH', 'Ltd', 'S.A.', 'K.K.', 'Corp', 'AG', 'BV', 'Pty Ltd'];
const FIRST = ['Ann', 'Bob', 'Carla', 'Dmitri', 'Eve', 'Fatima', 'Gus', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Mei', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Vik', 'Wen', 'Xavier', 'Yara', 'Zoe', 'José', 'Zoë', "O'Brien", 'Łukasz'];
const LAST = ['Smith', 'Jones', 'García', 'Müller', 'Rossi', 'Tanaka', 'Nguyen', 'Kowalski', 'Dubois', 'Silva', 'Okafor', 'Andersson', 'Kim', 'Patel', 'Cohen', 'Ivanova', 'Hughes', 'Moreau', 'Sato', 'Novak'];
const TITLES = ['CTO', 'VP Engineering', 'Support Lead', 'Developer', 'IT Manager', 'Procurement', 'DevOps Engineer', 'Head of Security', null];
const GEOS = ['AMER', 'EMEA', 'APAC', 'PUBSEC', null];
const HEALTH = ['Green', 'Yellow', 'Red', null];
const TIERS = ['Premium', 'Ultimate', 'Starter'];
const OWNERS = ['Alex Morgan', 'Sam Lee', 'Jordan Patel', 'Casey Nguyen', 'Riley Chen'];

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 20);
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

// The fields and describe are static data (schema.ts); re-exported for the callers that read them from here.
export { DESCRIBE, ORGANIZATION_FIELDS, USER_FIELDS };

interface AccountRow {
  rec: SfSeedRecord;
  synced: boolean;
}

/**
 * Builds the seed. Besides volume it always contains the cases the product must handle: a former customer
 * expired more than three years ago (retention), an organization without external_id whose name equals an
 * account's (adopt_by_name), an organization with manual tags, two accounts sharing a name, contacts sharing an
 * email across accounts, a contact related to three accounts, contacts without email or with an invalid one, an
 * admin and an agent whose emails are contacts', leads, inactive contacts, and Zendesk orgs/users with no
 * Salesforce counterpart.
 */
export function generateSeed(options: GenerateOptions): SandboxSeed {
  const rnd = prng(options.seed ?? 42);
  const today = options.today ?? new Date(Date.UTC(2026, 10, 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const orgShare = options.zendeskOrgShare ?? 0.5;
  const userShare = options.zendeskUserShare ?? 0.4;

  const users: SfSeedRecord[] = OWNERS.map((name, i) => ({ Id: sfId('005', i + 1), Name: name }));
  const accounts: AccountRow[] = [];
  const subscriptions: SfSeedRecord[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < options.accounts; i++) {
    let name = `${pick(ADJ)} ${pick(NOUN)}`;
    if (usedNames.has(name)) name = `${name} ${pick(SUFFIX)}`;
    if (usedNames.has(name)) name = `${name} ${i}`;
    usedNames.add(name);
    const r = rnd();
    const type = r < 0.6 ? 'Customer' : r < 0.75 ? 'Former Customer' : r < 0.9 ? 'Partner' : 'Prospect';
    const id = sfId('001', i + 1);
    const domain = `${slug(name)}.example`;
    const renewal = type === 'Former Customer' ? addDays(today, -Math.floor(rnd() * 900)) : addDays(today, Math.floor(rnd() * 700) - 60);
    const rec: SfSeedRecord = {
      Id: id,
      Name: rnd() < 0.03 ? `  ${name} ` : name,
      Type: type,
      Account_ID_18__c: id,
      Partners_Partner_Status__c: type === 'Partner' ? pick(['Authorized', 'Former', 'Prospect']) : null,
      Account_Demographics_Geo__c: pick(GEOS),
      GS_Health_Score_Color__c: type === 'Customer' ? pick(HEALTH) : null,
      Next_Renewal_Date__c: isoDate(renewal),
      Domain_Mapping__c: rnd() < 0.7 ? (rnd() < 0.2 ? `${domain}, ${slug(name)}.io` : domain) : null,
      Description: rnd() < 0.3 ? `Key account in ${pick(['retail', 'finance', 'public sector', 'healthcare'])}.\nSupport via partner portal.` : null,
      Number_of_Licenses_This_Account__c: type === 'Customer' ? Math.floor(rnd() * 500) + 5 : null,
      OwnerId: pick(users).Id,
      CreatedDate: `${isoDate(addDays(today, -Math.floor(rnd() * 3000)))}T10:00:00.000+0000`,
    };
    accounts.push({ rec, synced: type === 'Customer' || type === 'Former Customer' || (type === 'Partner' && rec.Partners_Partner_Status__c !== 'Prospect') });
    if (type === 'Customer' || type === 'Former Customer') {
      const n = type === 'Customer' ? 1 + Math.floor(rnd() * 3) : 1;
      for (let k = 0; k < n; k++) {
        const start = addDays(today, -Math.floor(rnd() * 400));
        subscriptions.push({
          Id: sfId('a0S', subscriptions.length + 1),
          Account__c: id,
          Current_Subscription_Status__c: type === 'Customer' && k === 0 ? 'Active' : pick(['Active', 'Expired', 'Cancelled']),
          Entitled_Seats__c: (1 + Math.floor(rnd() * 50)) * 5,
          Product_Tier_Name_Short__c: pick(TIERS),
          Plan_Name__c: `${pick(TIERS)} ${pick(['SaaS', 'Self-Managed', 'Dedicated'])}`,
          Current_Term_Start_Date__c: isoDate(start),
          Current_Term_End_Date__c: isoDate(addDays(start, 365)),
        });
      }
    }
  }

  // the special cases, on fixed accounts when there are enough of them
  const special = (i: number): AccountRow | undefined => accounts[i];
  const expired = special(1);
  if (expired) {
    Object.assign(expired.rec, { Type: 'Former Customer', Next_Renewal_Date__c: isoDate(addDays(today, -4 * 365 - 30)), GS_Health_Score_Color__c: null, Number_of_Licenses_This_Account__c: null });
    expired.synced = true;
  }
  for (const i of [0, 2, 3]) {
    const a = special(i);
    if (a) {
      a.rec.Type = 'Customer';
      a.synced = true;
    }
  }
  const twinA = special(5);
  const twinB = special(6);
  if (twinA && twinB) {
    twinB.rec.Name = twinA.rec.Name;
    twinA.rec.Type = twinB.rec.Type = 'Customer';
    twinA.synced = twinB.synced = true;
  }

  // Zendesk organizations: about half the synced accounts already exist, some drifted
  const zdOrgs: Partial<ZdOrganization>[] = [];
  const orgIdByAccount = new Map<string, number>();
  let orgId = 9000;
  const stamp = '2026-01-15T09:00:00Z';
  accounts.forEach((a, i) => {
    const exists = i === 0 || i === 1 || i === 2 || i === 3 || (i > 8 && a.synced && rnd() < orgShare);
    if (!exists) return;
    orgId += 1;
    const name = String(a.rec.Name).trim();
    const org: Partial<ZdOrganization> = {
      id: orgId,
      name,
      external_id: a.rec.Id,
      tags: ['salesforce', `sf_${String(a.rec.Type).toLowerCase().replace(/\s+/g, '_')}`],
      domain_names: a.rec.Domain_Mapping__c ? String(a.rec.Domain_Mapping__c).split(/[\s,]+/).filter(Boolean) : [],
      notes: null,
      details: null,
      organization_fields: { salesforce_id: a.rec.Id, account_owner: null, health: null, seats: null, renewal_date: null, plan: null },
      created_at: stamp,
      updated_at: stamp,
    };
    if (i === 2) {
      // adopt_by_name: created by hand, no external_id yet
      org.external_id = null;
      org.tags = ['created_by_hand'];
      org.organization_fields = {};
    }
    if (i === 3) org.tags = ['vip', 'escalation_contact', 'sf_prospect'];
    if (rnd() < 0.3) org.notes = 'Old note typed in Zendesk';
    zdOrgs.push(org);
    orgIdByAccount.set(a.rec.Id, orgId);
  });
  // organizations with no Salesforce counterpart
  for (let k = 0; k < Math.max(1, Math.floor(options.accounts / 50)); k++) {
    orgId += 1;
    zdOrgs.push({ id: orgId, name: `Legacy Customer ${k + 1}`, external_id: `LEGACY-${k + 1}`, tags: ['legacy'], domain_names: [], notes: null, details: null, organization_fields: {}, created_at: stamp, updated_at: stamp });
  }

  // Contacts: spread over accounts, with the mess real CRMs have
  const contacts: SfSeedRecord[] = [];
  const relations: SfSeedRecord[] = [];
  const emails: string[] = [];
  for (let i = 0; i < options.contacts; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const account = rnd() < 0.06 || accounts.length === 0 ? null : accounts[Math.floor(rnd() * accounts.length)];
    const domain = account ? String(account.rec.Domain_Mapping__c ?? `${slug(String(account.rec.Name))}.example`).split(/[\s,]+/)[0] : 'gmail.example';
    let email: string | null = `${slug(first)}.${slug(last)}${i}@${domain}`;
    const r = rnd();
    if (r < 0.03) email = null;
    else if (r < 0.04) email = 'n/a';
    else if (r < 0.07) email = email.toUpperCase();
    else if (r < 0.09 && emails.length > 0) email = pick(emails); // shared with another contact
    if (email && email.includes('@')) emails.push(email);
    const id = sfId('003', i + 1);
    contacts.push({
      Id: id,
      FirstName: first,
      LastName: last,
      Name: `${first} ${last}`,
      Email: email,
      Title: pick(TITLES),
      Phone: rnd() < 0.5 ? `+1 555 ${String(1000 + Math.floor(rnd() * 9000))}` : null,
      AccountId: account ? account.rec.Id : null,
      Inactive_Contact__c: rnd() < 0.05,
      CreatedDate: `${isoDate(addDays(today, -Math.floor(rnd() * 2000)))}T${String(8 + (i % 10)).padStart(2, '0')}:00:00.000+0000`,
    });
    if (account) relations.push({ Id: sfId('07k', relations.length + 1), AccountId: account.rec.Id, ContactId: id, IsDirect: true, IsActive: true });
  }
  // a contact related to three accounts (one direct, two indirect), all synced
  const multi = contacts.find((c) => c.AccountId && c.Email && String(c.Email).includes('@') && !c.Inactive_Contact__c);
  const synced = accounts.filter((a) => a.synced && a.rec.Id !== expired?.rec.Id && a.rec.Id !== multi?.AccountId && a.rec.Id !== twinA?.rec.Id && a.rec.Id !== twinB?.rec.Id);
  if (multi && synced.length >= 2) {
    multi.Email = 'morgan.multi@partners.example';
    multi.FirstName = 'Morgan';
    multi.LastName = 'Multi';
    multi.Name = 'Morgan Multi';
    const acct = accounts.find((a) => a.rec.Id === multi.AccountId);
    if (acct) {
      acct.synced = true;
      if (!['Customer', 'Former Customer'].includes(String(acct.rec.Type))) acct.rec.Type = 'Customer';
    }
    for (const a of synced.slice(0, 2)) relations.push({ Id: sfId('07k', relations.length + 1), AccountId: a.rec.Id, ContactId: multi.Id, IsDirect: false, IsActive: true });
  }
  // an inactive indirect relation creates nothing
  if (contacts[1] && synced[3]) relations.push({ Id: sfId('07k', relations.length + 1), AccountId: synced[3].rec.Id, ContactId: contacts[1].Id, IsDirect: false, IsActive: false });

  const leads: SfSeedRecord[] = [];
  const leadCount = Math.max(1, Math.floor(options.contacts / 10));
  for (let i = 0; i < leadCount; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    leads.push({
      Id: sfId('00Q', i + 1),
      Name: `${first} ${last}`,
      Email: rnd() < 0.05 ? null : `${slug(first)}.${slug(last)}.lead${i}@prospect.example`,
      Title: pick(TITLES),
      Company: `${pick(ADJ)} ${pick(NOUN)}`,
      IsConverted: rnd() < 0.2,
      CreatedDate: `${isoDate(addDays(today, -Math.floor(rnd() * 500)))}T12:00:00.000+0000`,
    });
  }

  // Zendesk users: some contacts are already users, plus staff and users with no counterpart
  const zdUsers: Partial<ZdUser>[] = [];
  const memberships: Partial<ZdMembership>[] = [];
  let userId = 500;
  let membershipId = 70_000;
  const seen = new Set<string>();
  const withEmail = contacts.filter((c) => typeof c.Email === 'string' && String(c.Email).includes('@'));
  const staff = withEmail[3];
  if (staff) {
    zdUsers.push({ id: ++userId, name: 'Sam Admin', email: String(staff.Email).toLowerCase(), role: 'admin', external_id: null, organization_id: null, tags: [], user_fields: {}, verified: true, active: true });
    seen.add(String(staff.Email).toLowerCase());
  }
  const agentContact = withEmail[4];
  if (agentContact) {
    zdUsers.push({ id: ++userId, name: 'Alex Agent', email: String(agentContact.Email).toLowerCase(), role: 'agent', external_id: null, organization_id: null, tags: [], user_fields: {}, verified: true, active: true });
    seen.add(String(agentContact.Email).toLowerCase());
  }
  for (const c of withEmail) {
    const email = String(c.Email).toLowerCase();
    if (seen.has(email) || rnd() >= userShare) continue;
    seen.add(email);
    const org = c.AccountId ? orgIdByAccount.get(String(c.AccountId)) : undefined;
    const id = ++userId;
    zdUsers.push({
      id,
      name: rnd() < 0.2 ? String(c.Name).toUpperCase() : String(c.Name),
      email,
      role: 'end-user',
      external_id: null,
      organization_id: org ?? null,
      tags: rnd() < 0.3 ? ['newsletter'] : [],
      user_fields: { salesforce_contact_id: null, job_title: null },
      verified: true,
      active: true,
    });
    if (org) memberships.push({ id: ++membershipId, user_id: id, organization_id: org, default: true });
  }
  for (let k = 0; k < Math.max(1, Math.floor(options.contacts / 40)); k++) {
    zdUsers.push({ id: ++userId, name: `Former Requester ${k + 1}`, email: `requester${k + 1}@oldmail.example`, role: 'end-user', external_id: null, organization_id: null, tags: [], user_fields: {}, verified: true, active: true });
  }

  return {
    salesforce: {
      Account: accounts.map((a) => a.rec),
      Contact: contacts,
      Lead: leads,
      AccountContactRelation: relations,
      User: users,
      Customer_Subscription__c: subscriptions,
      describe: DESCRIBE,
    },
    zendesk: {
      organizations: zdOrgs,
      users: zdUsers,
      organization_memberships: memberships,
      organization_fields: ORGANIZATION_FIELDS,
      user_fields: USER_FIELDS,
      settings: { user: { multiple_organizations: true } },
    },
  };
}

/** Writes a seed as JSON one record a line, so a 500k-contact seed streams instead of building one huge string. */
export async function writeSeed(path: string, seed: SandboxSeed): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const writeSection = async (name: string, section: Record<string, unknown>, last: boolean): Promise<void> => {
    await write(`  ${JSON.stringify(name)}: {\n`);
    const keys = Object.keys(section);
    for (let k = 0; k < keys.length; k++) {
      const value = section[keys[k]];
      const comma = k < keys.length - 1 ? ',' : '';
      if (Array.isArray(value)) {
        await write(`    ${JSON.stringify(keys[k])}: [\n`);
        for (let i = 0; i < value.length; i++) await write(`      ${JSON.stringify(value[i])}${i < value.length - 1 ? ',' : ''}\n`);
        await write(`    ]${comma}\n`);
      } else {
        await write(`    ${JSON.stringify(keys[k])}: ${JSON.stringify(value)}${comma}\n`);
      }
    }
    await write(`  }${last ? '' : ','}\n`);
  };
  await write('{\n');
  await writeSection('salesforce', (seed.salesforce ?? {}) as Record<string, unknown>, false);
  await writeSection('zendesk', (seed.zendesk ?? {}) as Record<string, unknown>, true);
  await write('}\n');
  out.end();
  await once(out, 'finish');
}
