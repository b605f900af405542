// Issue 6 end to end, beyond the 35 cases of relationships.test.ts: the demo contact related to three accounts,
// shared emails with and without multiple organizations, leads, secondary and inactive relations, the
// multiple_organizations check, default organizations (none yet, a manual one), and a first run with many
// secondary relationships (estimate, memberships 100 a request). All over the sandbox with the real adapters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSeed, SfSeedRecord } from '../../src/model/seed.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../../src/model/zendesk.js';
import { renderText } from '../../src/render/index.js';
import { loadSeed, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import {
  ACCOUNT,
  COLUMNS,
  CONTACT_ID,
  ConfigDir,
  EMAIL,
  NEW_NAME,
  OLD_NAME,
  ORG,
  TITLE,
  USER_ID,
  changeLines,
  configYaml,
  contact,
  lead,
  makeDefaultRequests,
  makeSeed,
  membershipCreates,
  membershipPairs,
  membershipsOf,
  planAndApply,
  planWith,
  relation,
  settingsOf,
  userByEmail,
  userWrites,
  usersWithEmail,
  zUser,
  zendeskState,
  type RecordedRequest,
  type Settings,
} from './relationships-helpers.js';

const DEMO = join(import.meta.dirname, '..', '..', 'fixtures', 'demo');
const MULTI_PRIMARY: Settings = { multi: true, primary: true, secondary: false };
const PRIMARY_ONLY: Settings = { multi: false, primary: true, secondary: false };
const ALL_ON: Settings = { multi: true, primary: true, secondary: true };

let sandbox: Sandbox;
let configs: ConfigDir;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: makeSeed({ multi: true }), port: 0 });
  configs = new ConfigDir(sandbox);
});

afterAll(async () => {
  await sandbox?.close();
  configs?.remove();
});

/** Requests that wrote organization_id on a user that existed before the apply. */
function orgWritesOnExistingUsers(requests: RecordedRequest[], before: Partial<ZdUser>[]): Record<string, unknown>[] {
  const ids = new Set(before.map((u) => u.id));
  const emails = new Set(before.map((u) => (u.email ?? '').toLowerCase()));
  return userWrites(requests)
    .filter((w) => 'organization_id' in w.user)
    .filter((w) => (w.pathId !== null && ids.has(w.pathId)) || ids.has(w.user.id as number) || emails.has(String(w.user.email ?? '').toLowerCase()))
    .map((w) => w.user);
}

function planText(plan: Parameters<typeof renderText>[0]): string {
  return renderText(plan, { color: false });
}

describe('the demo (issue 6, done when)', () => {
  it('makes morgan.multi@partners.example, related to three accounts, one user with its primary account as default and three memberships', async () => {
    const seed = await loadSeed(join(DEMO, 'seed.json'));
    sandbox.reset(seed);
    const text = readFileSync(join(DEMO, 'sync.yaml'), 'utf8').replace(/\$\{(\w+):-[^}]*\}/g, '${$1}');
    const config = await configs.loadText('demo.yaml', text);
    const before = zendeskState(sandbox);

    const { plan, result, applyRequests } = await planAndApply(config);
    expect(plan.syncs[0].error).toBeUndefined();
    expect(result?.failures).toEqual([]);
    expect(result?.ok).toBe(true);

    const shown = planText(plan);

    // what the seed says about Morgan (read from it, so that the test follows a regenerated demo seed)
    const sf = seed.salesforce ?? {};
    const morganContacts = (sf.Contact ?? []).filter((c) => String(c.Email).toLowerCase() === 'morgan.multi@partners.example');
    expect(morganContacts).toHaveLength(1);
    const primaryAccount = String(morganContacts[0].AccountId);
    const related = (sf.AccountContactRelation ?? []).filter((r) => r.ContactId === morganContacts[0].Id && r.IsActive === true);
    const accountIds = [...new Set([primaryAccount, ...related.map((r) => String(r.AccountId))])];
    expect(accountIds).toHaveLength(3);
    const accountName = (id: string): string => String((sf.Account ?? []).find((a) => a.Id === id)?.Name).trim();

    const after = zendeskState(sandbox);
    const orgs = (sandbox.state().zendesk?.organizations ?? []) as Partial<ZdOrganization>[];
    // the organization of an account: by external_id, or by name for one adopted by name (adopt_by_name)
    const orgOf = (accountId: string): number | undefined =>
      (orgs.find((o) => o.external_id === accountId) ?? orgs.find((o) => o.name === accountName(accountId)))?.id;
    const primaryOrg = orgOf(primaryAccount);
    expect(primaryOrg).toBeDefined();

    const morgan = usersWithEmail(after, 'morgan.multi@partners.example');
    expect(morgan).toHaveLength(1);
    expect(morgan[0].organization_id).toBe(primaryOrg);
    const ms = membershipsOf(after, morgan[0].id);
    expect(ms.map((m) => m.organization_id).sort()).toEqual(accountIds.map(orgOf).sort());
    expect(ms.filter((m) => m.default === true).map((m) => m.organization_id)).toEqual([primaryOrg]);
    // its fields come from the contact
    expect(morgan[0].user_fields).toMatchObject({ salesforce_contact_id: morganContacts[0].Id, job_title: morganContacts[0].Title });
    // the reviewer sees why: a membership line per secondary account
    for (const r of related.filter((x) => x.IsDirect !== true)) {
      expect(shown).toContain(`+ membership "morgan.multi@partners.example" -> ${JSON.stringify(accountName(String(r.AccountId)))} (secondary)`);
    }

    // multiple organizations on: no request wrote an existing user's organization_id, no membership was removed
    expect(orgWritesOnExistingUsers(applyRequests, before.users)).toEqual([]);
    const pairs = membershipPairs(after);
    for (const pair of membershipPairs(before)) expect(pairs).toContain(pair);
    expect(applyRequests.filter((r) => r.method === 'DELETE' && r.path.includes('membership'))).toEqual([]);

    const again = await planWith(config);
    expect(changeLines(again)).toEqual([]);
  });
});

describe('shared emails', () => {
  // Three contacts share one email: the earliest has no account, so the sync record is the earliest one linked
  // to an account (0030...0B, Other Corp), not the earliest contact.
  const shared = (multi: boolean): SandboxSeed =>
    makeSeed({
      multi,
      contacts: [
        contact('003000000000000NAA', 'Ann@Acme.example', null, { Name: 'No Account', CreatedDate: '2019-05-01T00:00:00.000+0000' }),
        contact('00300000000000BAAA', EMAIL, ACCOUNT.OTHER, { Name: 'Bea Sync', Title: 'VP', CreatedDate: '2020-05-01T00:00:00.000+0000' }),
        contact('00300000000000AAAA', 'ANN@acme.example', ACCOUNT.ACME, { Name: 'Later Ann', CreatedDate: '2021-05-01T00:00:00.000+0000' }),
      ],
    });

  it('without multiple organizations: the sync record wins and a shared_email warning names the others', async () => {
    sandbox.reset(shared(false));
    const config = await configs.load(PRIMARY_ONLY);
    const { plan, result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);

    const warning = plan.syncs[0].warnings.find((w) => w.code === 'shared_email');
    // (docs/relationships.md quotes this warning)
    expect(warning?.message).toBe(
      '3 records share ann@acme.example: 00300000000000BAAA is the sync record and drives the user; ' +
        '003000000000000NAA, 00300000000000AAAA are not synced (multiple organizations is off)',
    );
    expect(warning?.records).toEqual(['00300000000000BAAA', '003000000000000NAA', '00300000000000AAAA', EMAIL]);
    expect(planText(plan)).toContain('! shared_email: 3 records share ann@acme.example');

    const after = zendeskState(sandbox);
    const users = usersWithEmail(after, EMAIL);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ name: 'Bea Sync', organization_id: ORG.OTHER, user_fields: { job_title: 'VP' } });
    expect(membershipsOf(after, users[0].id).map((m) => m.organization_id)).toEqual([ORG.OTHER]);
    expect(membershipCreates(applyRequests)).toEqual([]);

    const again = await planWith(config);
    expect(changeLines(again)).toEqual([]);
    expect(again.syncs[0].warnings.map((w) => w.code)).toContain('shared_email');
  });

  it('with multiple organizations and primary sync: one user, driven by the sync record, with the others\' accounts as memberships', async () => {
    sandbox.reset(shared(true));
    const config = await configs.load(MULTI_PRIMARY);
    const { plan, result } = await planAndApply(config);
    expect(result?.ok).toBe(true);
    expect(plan.syncs[0].warnings.map((w) => w.code)).not.toContain('shared_email');
    expect(planText(plan)).toContain('+ membership "ann@acme.example" -> "Acme" (primary)');

    const after = zendeskState(sandbox);
    const users = usersWithEmail(after, EMAIL);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ name: 'Bea Sync', organization_id: ORG.OTHER });
    const ms = membershipsOf(after, users[0].id);
    expect(ms.map((m) => m.organization_id).sort()).toEqual([ORG.ACME, ORG.OTHER]);
    expect(ms.filter((m) => m.default === true).map((m) => m.organization_id)).toEqual([ORG.OTHER]);

    expect(changeLines(await planWith(config))).toEqual([]);
  });
});

describe('leads behave like contacts without an account', () => {
  const seed = (multi: boolean): SandboxSeed =>
    makeSeed({
      multi,
      contacts: [contact('00300000000000CAAA', 'carl@acme.example', ACCOUNT.ACME, { Name: 'Carl Contact', CreatedDate: '2023-01-01T00:00:00.000+0000' })],
      leads: [
        lead('00Q00000000000LAAA', 'lena@prospect.example', { Name: 'Lena Lead' }), // no user (S2)
        lead('00Q00000000000MAAA', EMAIL, { Name: NEW_NAME }), // matches user 10 in Other Corp (S1)
        lead('00Q00000000000NAAA', 'carl@acme.example', { Name: 'Carl Lead' }), // older than the contact sharing its email
      ],
      users: [zUser(USER_ID, EMAIL, ORG.OTHER)],
      memberships: [{ id: 5001, user_id: USER_ID, organization_id: ORG.OTHER, default: true }],
    });

  for (const s of [MULTI_PRIMARY, PRIMARY_ONLY]) {
    it(`${s.multi ? 'multiple organizations + primary' : 'primary only'}: a new lead becomes a user without organization, a matching one keeps its organization, a contact with an account is the sync record`, async () => {
      sandbox.reset(seed(s.multi));
      const config = await configs.load(s);
      const { plan, result, applyRequests } = await planAndApply(config);
      expect(result?.ok).toBe(true);
      const after = zendeskState(sandbox);

      const lena = userByEmail(after, 'lena@prospect.example');
      expect(lena).toMatchObject({ name: 'Lena Lead', organization_id: null, role: 'end-user', user_fields: { job_title: TITLE } });
      expect(membershipsOf(after, lena?.id)).toEqual([]);

      const ann = userByEmail(after, EMAIL);
      expect(ann).toMatchObject({ id: USER_ID, name: NEW_NAME, organization_id: ORG.OTHER });
      expect(membershipsOf(after, USER_ID).map((m) => m.organization_id)).toEqual([ORG.OTHER]);

      const carl = usersWithEmail(after, 'carl@acme.example');
      expect(carl).toHaveLength(1);
      expect(carl[0]).toMatchObject({ name: 'Carl Contact', organization_id: ORG.ACME });
      expect(membershipsOf(after, carl[0].id).map((m) => m.organization_id)).toEqual([ORG.ACME]);

      // no lead produced a membership
      expect(membershipCreates(applyRequests)).toEqual([]);
      const sharedWarning = plan.syncs[0].warnings.find((w) => w.code === 'shared_email');
      if (s.multi) expect(sharedWarning).toBeUndefined();
      else expect(sharedWarning?.message).toContain('00300000000000CAAA is the sync record');
      expect(changeLines(await planWith(config))).toEqual([]);
    });
  }
});

describe('secondary relationships', () => {
  // ann@acme.example: primary account Acme (user 10's default), an active indirect relation to Partner Corp and
  // an inactive one to Lapsed Corp.
  const seed = (multi: boolean, userExists = true): SandboxSeed =>
    makeSeed({
      multi,
      contacts: [contact(CONTACT_ID, EMAIL, ACCOUNT.ACME)],
      relations: [
        relation('07k000000000001AAA', CONTACT_ID, ACCOUNT.ACME, true),
        relation('07k000000000002AAA', CONTACT_ID, ACCOUNT.PARTNER, false, true),
        relation('07k000000000003AAA', CONTACT_ID, ACCOUNT.LAPSED, false, false),
      ],
      users: userExists ? [zUser(USER_ID, EMAIL, ORG.ACME)] : [],
      memberships: userExists ? [{ id: 5001, user_id: USER_ID, organization_id: ORG.ACME, default: true }] : [],
    });

  it.each(COLUMNS)('under %s: the active secondary account becomes a membership only with every setting on; the inactive one never', async (column) => {
    const s = settingsOf(column);
    sandbox.reset(seed(s.multi));
    const config = await configs.load(s);
    const { plan, result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);

    const after = zendeskState(sandbox);
    const orgs = membershipsOf(after, USER_ID).map((m) => m.organization_id).sort();
    const created = membershipCreates(applyRequests).map((m) => m.organization_id);
    if (s.secondary) {
      expect(created).toEqual([ORG.PARTNER]);
      expect(orgs).toEqual([ORG.ACME, ORG.PARTNER]);
      expect(planText(plan)).toContain('+ membership "ann@acme.example" -> "Partner Corp" (secondary)');
      const change = plan.syncs[0].changes.find((c) => c.type === 'membership');
      expect(change?.sources).toEqual([CONTACT_ID, '07k000000000002AAA']);
    } else {
      expect(created).toEqual([]);
      expect(orgs).toEqual([ORG.ACME]);
    }
    expect(orgs).not.toContain(ORG.LAPSED);
    expect(userByEmail(after, EMAIL)?.organization_id).toBe(ORG.ACME);
    expect(changeLines(await planWith(config))).toEqual([]);
  });

  it('a new user is created in its primary account, with its secondary account as a further membership', async () => {
    sandbox.reset(seed(true, false));
    const config = await configs.load(ALL_ON);
    const { result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);
    const after = zendeskState(sandbox);
    const user = userByEmail(after, EMAIL);
    expect(user?.organization_id).toBe(ORG.ACME);
    const ms = membershipsOf(after, user?.id);
    expect(ms.map((m) => m.organization_id).sort()).toEqual([ORG.ACME, ORG.PARTNER]);
    expect(ms.filter((m) => m.default === true).map((m) => m.organization_id)).toEqual([ORG.ACME]);
    expect(membershipCreates(applyRequests).map((m) => m.organization_id)).toEqual([ORG.PARTNER]);
    expect(changeLines(await planWith(config))).toEqual([]);
  });

  it('secondary: true without multiple_organizations is refused when the config is loaded', async () => {
    await expect(configs.loadText('secondary-single.yaml', configYaml({ multi: false, primary: true, secondary: true }))).rejects.toThrow(
      /secondary relationships need multiple_organizations: true on Zendesk instance "zd"/,
    );
  });
});

describe('multiple_organizations must agree with the Zendesk account', () => {
  it('config true, account off: the sync fails before anything is written, saying to fix either side', async () => {
    sandbox.reset(makeSeed({ multi: false, contacts: [contact(CONTACT_ID, EMAIL, ACCOUNT.ACME)] }));
    const config = await configs.load(MULTI_PRIMARY);
    const { plan, result } = await planAndApply(config);
    expect(result).toBeNull();
    const error = plan.syncs[0].error ?? '';
    expect(error).toContain('zendesk.zd.multiple_organizations is true in the config');
    expect(error).toContain('does not let users belong to multiple organizations');
    expect(error).toMatch(/set zendesk\.zd\.multiple_organizations: false, or turn on "Allow users to belong to multiple organizations" in Zendesk Admin Center/);
    expect(error).toMatch(/sync-mp\.yaml:\d+:\d+/); // where in the config
    expect(plan.syncs[0].changes).toEqual([]);
    expect(sandbox.stats().writes).toBe(0);
  });

  it('config false, account on: the sync fails, and says to set it true in the config', async () => {
    sandbox.reset(makeSeed({ multi: true, contacts: [contact(CONTACT_ID, EMAIL, ACCOUNT.ACME)] }));
    const config = await configs.load(PRIMARY_ONLY);
    const { plan, result } = await planAndApply(config);
    expect(result).toBeNull();
    const error = plan.syncs[0].error ?? '';
    expect(error).toContain('zendesk.zd.multiple_organizations is false (or missing) in the config');
    expect(error).toContain('Set zendesk.zd.multiple_organizations: true');
    expect(error).toContain('organization_id');
    expect(sandbox.stats().writes).toBe(0);
  });
});

describe('default organizations with multiple organizations on', () => {
  it('a user without any organization gets the primary account as default (its first membership: no make_default), and its fields sync', async () => {
    sandbox.reset(makeSeed({ multi: true, contacts: [contact(CONTACT_ID, EMAIL, ACCOUNT.ACME)], users: [zUser(USER_ID, EMAIL, null)] }));
    const config = await configs.load(MULTI_PRIMARY);
    const { plan, result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);
    // issue 12: the default is folded into the bulk create; Zendesk makes a user's first membership the default
    expect(planText(plan)).toContain('+ membership "ann@acme.example" -> "Acme" (primary)');
    expect(makeDefaultRequests(applyRequests)).toHaveLength(0);
    expect(orgWritesOnExistingUsers(applyRequests, [{ id: USER_ID, email: EMAIL }])).toEqual([]);
    const user = userByEmail(zendeskState(sandbox), EMAIL);
    expect(user).toMatchObject({ organization_id: ORG.ACME, name: NEW_NAME, user_fields: { job_title: TITLE } });
    expect(changeLines(await planWith(config))).toEqual([]);
  });

  it('a manually set default and a manual membership stay; the primary account is added as a membership only', async () => {
    const manual = { id: 900, name: 'Hand Made', external_id: null, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} };
    const memberships: Partial<ZdMembership>[] = [
      { id: 5001, user_id: USER_ID, organization_id: 900, default: true },
      { id: 5002, user_id: USER_ID, organization_id: ORG.OTHER, default: null },
    ];
    sandbox.reset(
      makeSeed({
        multi: true,
        contacts: [contact(CONTACT_ID, EMAIL, ACCOUNT.ACME)],
        users: [zUser(USER_ID, EMAIL, 900)],
        memberships,
        organizations: [manual],
      }),
    );
    const config = await configs.load(MULTI_PRIMARY);
    const { plan, result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);
    expect(makeDefaultRequests(applyRequests)).toEqual([]);
    expect(plan.syncs[0].warnings.map((w) => w.code)).toContain('fields_not_synced');
    const after = zendeskState(sandbox);
    const user = userByEmail(after, EMAIL);
    expect(user).toMatchObject({ organization_id: 900, name: OLD_NAME });
    const ms = membershipsOf(after, USER_ID);
    expect(ms.map((m) => m.organization_id).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([ORG.ACME, ORG.OTHER, 900]);
    expect(ms.filter((m) => m.default === true).map((m) => m.organization_id)).toEqual([900]);
    expect(changeLines(await planWith(config))).toEqual([]);
  });
});

describe('a first run with many secondary relationships', () => {
  const PEOPLE = 250;

  it('plan states the requests and time at the instance rate limit; apply sends memberships 100 a request', async () => {
    const contacts: SfSeedRecord[] = [];
    const relations: SfSeedRecord[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const n = String(i).padStart(4, '0');
      const id = `0030000000${n}XAAA`;
      contacts.push(contact(id, `person${n}@acme.example`, ACCOUNT.ACME, { Name: `Person ${n}` }));
      relations.push(relation(`07k0000000${n}PAAA`, id, ACCOUNT.PARTNER, false));
      relations.push(relation(`07k0000000${n}OAAA`, id, ACCOUNT.OTHER, false));
    }
    sandbox.reset(makeSeed({ multi: true, contacts, relations }));
    const config = await configs.load(ALL_ON);

    const { plan, result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);
    const sync = plan.syncs[0];
    const memberships = sync.changes.filter((c) => c.type === 'membership');
    expect(memberships).toHaveLength(2 * PEOPLE);
    expect(memberships.every((c) => c.reason === 'secondary')).toBe(true);

    // the estimate, at the rate limit the instance announced (the sandbox's default: 700 a minute)
    expect(sync.estimate?.rate_limit_per_minute).toBe(700);
    const bulkMembershipRequests = applyRequests.filter((r) => r.method === 'POST' && r.path === '/organization_memberships/create_many');
    const bulkUserRequests = applyRequests.filter((r) => r.method === 'POST' && r.path === '/users/create_or_update_many');
    expect(bulkMembershipRequests).toHaveLength(Math.ceil((2 * PEOPLE) / 100));
    expect(bulkUserRequests).toHaveLength(Math.ceil(PEOPLE / 100));
    for (const r of bulkMembershipRequests) expect(membershipCreates([r]).length).toBeLessThanOrEqual(100);
    // writes the apply sent are within the estimate (the estimate counts each bulk request and its job poll)
    const writes = applyRequests.filter((r) => r.method !== 'GET');
    expect(writes.length).toBeLessThanOrEqual(sync.estimate?.requests ?? 0);
    expect(planText(plan)).toMatch(/Apply needs about \d+ requests: ~\d+ s at 700 requests\/minute, with job polling\./);
    expect(sandbox.stats().rate_limited).toBe(0);

    const after = zendeskState(sandbox);
    expect(after.memberships).toHaveLength(3 * PEOPLE);
    expect(changeLines(await planWith(config))).toEqual([]);
  });

  // The issue: "the plan states the requests and minutes the apply will take at the instance's rate limit".
  // Allowing for job-status polls (the estimate counts one per bulk request; a job may need more), the requests
  // apply sends should stay within twice the estimate. This caught apply looking every user it creates up by
  // email (one GET /users/search each: 269 requests against an estimate of 16 for 250 people); apply now
  // reads the whole instance when that is cheaper, and the estimate counts the look-ups.
  it('the requests and time the plan states cover what apply sends, reads included', async () => {
    const contacts: SfSeedRecord[] = [];
    const relations: SfSeedRecord[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const n = String(i).padStart(4, '0');
      const id = `0030000000${n}XAAA`;
      contacts.push(contact(id, `person${n}@acme.example`, ACCOUNT.ACME, { Name: `Person ${n}` }));
      relations.push(relation(`07k0000000${n}PAAA`, id, ACCOUNT.PARTNER, false));
    }
    sandbox.reset(makeSeed({ multi: true, contacts, relations }));
    const config = await configs.load(ALL_ON);
    const { plan, result, applyRequests } = await planAndApply(config);
    expect(result?.ok).toBe(true);
    const estimated = plan.syncs[0].estimate?.requests ?? 0;
    const byRoute = new Map<string, number>();
    for (const r of applyRequests) {
      const route = `${r.method} ${r.path.replace(/\/[0-9a-f]{8,}$/, '/{id}')}`;
      byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
    }
    expect({ sent: applyRequests.length, byRoute: Object.fromEntries(byRoute) }).toEqual({
      sent: expect.toSatisfy((n: number) => n <= 2 * estimated, `at most twice the estimate (${estimated})`),
      byRoute: expect.anything(),
    });
  });
});
