// Issue 7, "done when": GitLab's Zendesk-Salesforce sync (project seed 003: the zd-sfdc-sync-global and
// zd-sfdc-sync-us-federal scripts) as fixtures/gitlab/sync.yaml, planned and applied end to end on the sandbox
// loaded with fixtures/gitlab/seed.json, with the real Salesforce reader, Zendesk reader and Zendesk writer.
//
// What a reader of seed 003 predicts for that seed (fixtures/gitlab/README.md has the table):
// global     - organizations for customers, former customers, the account named by Account_ID_18__c and partners
//              of the listed statuses, types and tracks, with support level, seats, term dates and plan names
//              aggregated over the active subscriptions; sold-to users for new organizations only; greatly expired
//              organizations deleted (retention); protected records untouched; no contacts sync.
// us-federal - organizations for USPUB-FED accounts (customers, former customers, prospects), users from their
//              active contacts (email match, no multiple organizations: the sync record of a shared email wins).
//
// Dates: retention is `Next_Renewal_Date__c < LAST_N_DAYS:1095` evaluated by the sandbox at the real date. The seed's
// long-expired accounts renewed last in 2018-2022; the former customers that must NOT be deleted renewed last on
// 2025-10-31 and 2026-04-30, so these expectations hold until 2028-10.
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/index.js';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import type { Change, FieldChange, Plan, SyncPlan, UserChange } from '../../src/model/plan.js';
import { renderJson, renderMarkdown, renderText } from '../../src/render/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { createPlan, planFailed } from '../../src/services/plan.js';
import { validateConfig } from '../../src/services/validate.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { FAST, GITLAB, GITLAB_CONFIG, GITLAB_SEED, gitlabEnv, startGitlab, type GitlabRun } from './helpers-gitlab.js';

const acc = (n: number): string => `0014M00000000${String(n).padStart(2, '0')}AAA`;
const con = (n: number): string => `0034M00000000${String(n).padStart(2, '0')}AAA`;
const SPECIAL = '0014M00001sGJ8xQAG';
const RETENTION = "retention: Type = 'Former Customer' AND Next_Renewal_Date__c < LAST_N_DAYS:1095";

const seed = JSON.parse(readFileSync(GITLAB_SEED, 'utf8')) as SandboxSeed;

function section(plan: Plan, name: string): SyncPlan {
  const s = plan.syncs.find((x) => x.name === name);
  if (!s) throw new Error(`no sync ${name} in the plan`);
  return s;
}

function labels(s: SyncPlan, type: Change['type'], action: Change['action']): string[] {
  return s.changes
    .filter((c) => c.type === type && c.action === action)
    .map((c) => c.label)
    .sort();
}

function change(s: SyncPlan, type: Exclude<Change, FieldChange>['type'], label: string): Exclude<Change, FieldChange> {
  const c = s.changes.find((x): x is Exclude<Change, FieldChange> => x.type === type && x.label === label);
  if (!c) throw new Error(`no ${type} change "${label}" in sync ${s.name}: ${s.changes.map((x) => `${x.type} ${x.label}`).join(', ')}`);
  return c;
}

function diffOf(c: Change): Record<string, [unknown, unknown]> {
  return Object.fromEntries(c.diff.map((d) => [d.path, [d.before, d.after]]));
}

function warning(s: SyncPlan, code: string): { message: string; records: string[] }[] {
  return s.warnings.filter((w) => w.code === code);
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GitLab seed 003: validate', () => {
  it('fixtures/gitlab/sync.yaml passes validate offline (--no-env)', async () => {
    const result = await validateConfig({ file: GITLAB_CONFIG, env: {}, checkEnv: false });
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.summary).toContain('2 syncs, 1 Salesforce org, 2 Zendesk instances');
  });
});

describe('GitLab seed 003: plan', () => {
  let run: GitlabRun;
  let plan: Plan;
  let global: SyncPlan;
  let federal: SyncPlan;
  beforeAll(async () => {
    run = await startGitlab();
    plan = await run.plan({ reportOrphans: true });
    global = section(plan, 'global');
    federal = section(plan, 'us-federal');
  });
  afterAll(async () => {
    await run?.sandbox.close();
  });

  it('plans both syncs from one Salesforce org, each with its own summary, and a combined one', () => {
    expect(plan.syncs.map((s) => [s.name, s.from, s.to, s.error])).toEqual([
      ['global', 'production', 'global', undefined],
      ['us-federal', 'production', 'us-federal', undefined],
    ]);
    expect(global.summary).toEqual({ create: 13, update: 4, delete: 2 });
    expect(federal.summary).toEqual({ create: 7, update: 3, delete: 0 });
    expect(plan.summary).toEqual({ create: 20, update: 7, delete: 2 });

    const text = renderText(plan, { color: false });
    const g = text.indexOf('Sync "global" (Salesforce production -> Zendesk global)');
    const f = text.indexOf('Sync "us-federal" (Salesforce production -> Zendesk us-federal)');
    expect(g).toBeGreaterThanOrEqual(0);
    expect(f).toBeGreaterThan(g);
    expect(text.slice(g, f)).toContain('Plan: 13 to add, 4 to change, 2 to destroy.');
    expect(text.slice(f)).toContain('Plan: 7 to add, 3 to change, 0 to destroy.');
    expect(text.lastIndexOf('Plan: 20 to add, 7 to change, 2 to destroy.')).toBeGreaterThan(text.lastIndexOf('Plan: 7 to add'));

    const md = renderMarkdown(plan);
    expect(md.match(/<details>/g)?.length).toBeGreaterThanOrEqual(2);
    expect(md).toContain('global');
    expect(md).toContain('us-federal');
  });

  it('global: creates organizations for the accounts the global query selects, and only those', () => {
    expect(labels(global, 'organization', 'create')).toEqual([
      'Contoso Pharmaceuticals', // Customer
      'Cyberdyne Systems', // Customer without subscriptions
      'Fabrikam Robotics',
      'GitLab for Open Source Program', // Type Other, selected by Account_ID_18__c = '0014M00001sGJ8xQAG'
      'Massive Dynamic', // Partner: Authorized, Alliance, Open
      'Texas Department of Transportation', // public sector but not USPUB-FED: global only
      'U.S. Army Futures Command', // federal customers are customers too: the global query has no territory filter
      'U.S. Census Bureau',
      'U.S. Department of Energy NNSA',
      'Vandelay Industries', // Partner: Authorized, Alliance, Technology
    ]);
    expect(change(global, 'organization', 'GitLab for Open Source Program').key).toBe(SPECIAL);
    const touched = new Set(global.changes.flatMap((c) => c.sources ?? []));
    // Pied Piper (track Registered), Duff (status Prospect), Tyrell (Prospect), NASA JPL (Prospect), Navy (Other),
    // Soylent and the Postal Service (greatly expired, no organization): nothing
    for (const n of [11, 12, 16, 19, 22, 7, 23]) expect(touched.has(acc(n)), acc(n)).toBe(false);
    // Globex is already in step
    expect(global.changes.some((c) => c.label === 'Globex Corporation')).toBe(false);
  });

  it('global: aggregates the active subscriptions (support level, seats, term start and end, plan names) and the four mapping forms', () => {
    const northwind = change(global, 'organization', 'Northwind Traders');
    expect(northwind.action).toBe('update');
    expect(northwind.zendesk_id).toBe(1001);
    expect(diffOf(northwind)).toMatchObject({
      'organization_fields.entitled_seats': [300, 750], // 500 + 250 active; the cancelled 100 left out
      'organization_fields.support_level': ['standard', 'priority'], // first active Zuora subscription, mapped
      'organization_fields.term_start': ['2025-04-01', '2025-10-01'], // min
      'organization_fields.term_end': ['2026-03-31', '2027-03-31'], // max
      'organization_fields.plan_names': ['Premium SaaS', 'Ultimate SaaS; Premium Self-Managed'], // join "; "
      'organization_fields.zuora_subscriptions': [1, 2], // count of the active ones
      'organization_fields.health_score': ['watch', 'healthy'], // value map
      'organization_fields.arr': [180000, 250000],
    });
    // the template (details) and the constant (data_source) already match: no diff
    expect(Object.keys(diffOf(northwind))).not.toContain('details');
    expect(Object.keys(diffOf(northwind))).not.toContain('organization_fields.data_source');
    // tags: sync tags follow Salesforce, the agents' own tag stays
    expect(northwind.after?.tags).toEqual(['salesforce', 'sf_amer', 'sf_customer', 'sf_premium', 'sf_ultimate', 'vip_escalation']);

    const contoso = change(global, 'organization', 'Contoso Pharmaceuticals');
    expect(contoso.after).toMatchObject({
      name: 'Contoso Pharmaceuticals',
      external_id: acc(2),
      details: 'Customer | EMEA | TAM:',
      organization_fields: {
        salesforce_id: acc(2),
        entitled_seats: 120,
        support_level: 'standard',
        term_start: '2026-07-01',
        term_end: '2027-06-30',
        plan_names: 'Premium SaaS',
        zuora_subscriptions: 1,
        restricted_account: true,
        sales_segment: 'mid_market',
        data_source: 'salesforce',
      },
      tags: ['salesforce', 'sf_customer', 'sf_emea', 'sf_premium'],
    });
    // no active subscription at all: no seats, no dates, count 0, support level's default
    const cyberdyne = change(global, 'organization', 'Cyberdyne Systems').after as { organization_fields: Record<string, unknown> };
    expect(cyberdyne.organization_fields).toMatchObject({ zuora_subscriptions: 0, support_level: 'none' });
    expect(cyberdyne.organization_fields.entitled_seats ?? null).toBeNull();
    expect(cyberdyne.organization_fields.term_start ?? null).toBeNull();

    // a former customer loses its subscription aggregates and its customer tag; its own tag stays
    const initech = diffOf(change(global, 'organization', 'Initech Software'));
    expect(initech['organization_fields.entitled_seats']).toEqual([80, null]);
    expect(initech.tags).toEqual([
      ['salesforce', 'sf_customer', 'sf_emea', 'sf_premium', 'legal_hold'],
      ['legal_hold', 'salesforce', 'sf_emea', 'sf_former_customer'],
    ]);
    // renamed in Salesforce
    expect(diffOf(change(global, 'organization', 'Stark Industries')).name).toEqual(['Stark Industries Inc.', 'Stark Industries']);
    // created by hand before the sync: adopted by name
    const hooli = change(global, 'organization', 'Hooli Channel Partners');
    expect(hooli).toMatchObject({ action: 'update', zendesk_id: 1004, reason: 'adopted by name' });
    expect(diffOf(hooli).external_id).toEqual([null, acc(10)]);
  });

  it('global: creates the sold-to contacts of the organizations it creates, and no one else', () => {
    const users = global.changes.filter((c) => c.type === 'user' && (c.action === 'create' || c.action === 'update')) as UserChange[];
    expect(users.map((c) => [c.action, c.label, c.reason, c.organization?.id === null ? c.organization.key : undefined]).sort()).toEqual([
      ['create', 'dana.whitfield@contoso.example', 'sold-to contact of Contoso Pharmaceuticals', acc(2)],
      ['create', 'lee.park@contoso.example', 'sold-to contact of Contoso Pharmaceuticals', acc(2)], // Lee.Park@Contoso.example
      ['create', 'partner.ops@vandelay.example', 'sold-to contact of Vandelay Industries', acc(9)],
    ]);
    expect(change(global, 'user', 'dana.whitfield@contoso.example').after).toMatchObject({
      name: 'Dana Whitfield',
      email: 'dana.whitfield@contoso.example',
      role: 'end-user',
    });
    // organization_id is filled in at apply from the organization created first
    expect(change(global, 'user', 'dana.whitfield@contoso.example')).toMatchObject({ organization: { id: null, key: acc(2) } });
    // not created: ap@northwind (existing organization), old.billing@contoso (IsDeleted), it.buyer@fabrikam (already a
    // user), billing@soylent (greatly expired: no organization), oss-program@gitlab.com (protected domain)
    const text = JSON.stringify(global.changes);
    for (const email of ['ap@northwind.example', 'old.billing@contoso.example', 'it.buyer@fabrikam.example', 'billing@soylent.example', 'oss-program@gitlab.com']) {
      expect(text).not.toContain(email);
    }
    expect(warning(global, 'protected_skipped').some((w) => w.records.includes('oss-program@gitlab.com'))).toBe(true);
    expect(global.changes.some((c) => c.type === 'membership')).toBe(false);
  });

  it('global: deletes the greatly expired organizations, with the retention rule as the reason, last', () => {
    const deletes = global.changes.filter((c) => c.action === 'delete');
    expect(deletes.map((c) => [c.label, c.zendesk_id, c.key, c.reason])).toEqual([
      ['Oscorp', 1012, acc(25), RETENTION],
      ['Umbrella Health', 1003, acc(6), RETENTION],
    ]);
    expect(global.changes.slice(-2)).toEqual(deletes);
    // the former customers that expired less than three years ago are updated, not deleted
    expect(change(global, 'organization', 'Initech Software').action).toBe('update');
    expect(change(global, 'organization', 'U.S. Census Bureau').action).toBe('create');
    // no retention rule on the federal sync
    expect(federal.changes.some((c) => c.action === 'delete')).toBe(false);
    expect(change(federal, 'organization', 'U.S. Postal Service').action).toBe('create');
  });

  it('leaves protected records alone and says so', () => {
    for (const id of [1007, 1008, 3004]) expect(plan.syncs.flatMap((s) => s.changes).some((c) => c.zendesk_id === id)).toBe(false);
    expect(global.changes.some((c) => (c.sources ?? []).includes(acc(14)))).toBe(false);
    expect(warning(global, 'protected_skipped').some((w) => w.records.includes(acc(14)))).toBe(true);
    expect(plan.syncs.flatMap((s) => s.changes).some((c) => c.label.endsWith('@gitlab.com'))).toBe(false);
    expect(warning(federal, 'protected_skipped').map((w) => w.records)).toEqual([[con(9), 'pat.member@gitlab.com']]);
  });

  it('us-federal: organizations of the USPUB-FED customers, former customers and prospects', () => {
    expect(labels(federal, 'organization', 'create')).toEqual(['NASA Jet Propulsion Laboratory', 'U.S. Army Futures Command', 'U.S. Postal Service']);
    expect(labels(federal, 'organization', 'update')).toEqual(['U.S. Census Bureau', 'U.S. Department of Energy NNSA']);
    const army = change(federal, 'organization', 'U.S. Army Futures Command').after as { details: string; organization_fields: Record<string, unknown> };
    expect(army.details).toBe('Customer | PubSec | SA: Riley Engineer');
    expect(army.organization_fields).toMatchObject({ solutions_architect: 'Riley Engineer', support_level: 'priority', region: 'pubsec', entitled_seats: 2000 });
    const nnsa = change(federal, 'organization', 'U.S. Department of Energy NNSA');
    expect(diffOf(nnsa)).toMatchObject({
      'organization_fields.entitled_seats': [300, 350],
      'organization_fields.plan_names': ['Premium Self-Managed', 'Ultimate Self-Managed; Premium Self-Managed'],
      'organization_fields.term_end': ['2026-01-31', '2027-04-30'],
    });
    expect(nnsa.after?.tags).toContain('fedramp_high');
    const texas = federal.changes.some((c) => (c.sources ?? []).includes(acc(21)));
    expect(texas).toBe(false);
  });

  it('us-federal: users by email, the organization from the contact, without memberships', () => {
    expect(labels(federal, 'user', 'create')).toEqual(['grace.hopper@army.example', 'mary.jackson@jpl.example', 'procurement@fedshared.example', 'rita.letter@usps.example']);
    expect(labels(federal, 'user', 'update')).toEqual(['ada.lovelace@nnsa.example']);
    expect(federal.changes.some((c) => c.type === 'membership')).toBe(false);

    const ada = change(federal, 'user', 'ada.lovelace@nnsa.example');
    expect(ada).toMatchObject({ zendesk_id: 4001, after: { name: 'Ada Lovelace' }, organization: { id: 3001 } });
    expect(change(federal, 'user', 'grace.hopper@army.example')).toMatchObject({ organization: { id: null, key: acc(18) } });
    // Jon.Snow@Census.example matches jon.snow@census.example, already in step: no change, his own tag kept
    expect(federal.changes.some((c) => c.label === 'jon.snow@census.example')).toBe(false);
    // inactive, non-federal and non-customer contacts are not read
    const all = JSON.stringify(federal.changes);
    for (const email of ['margaret.hamilton@nnsa.example', 'alan.turing@northwind.example', 'edsger@navycyber.example', 'linus@texasdot.example']) {
      expect(all).not.toContain(email);
    }
  });

  it('us-federal: contacts without an email are dropped and reported', () => {
    expect(warning(federal, 'missing_email').map((w) => w.records)).toEqual([[con(5), con(14)]]);
  });

  it('us-federal: a shared email (no multiple organizations) is driven by the sync record, the others reported', () => {
    const procurement = change(federal, 'user', 'procurement@fedshared.example');
    // the sync record: the earliest created contact (NNSA, 2020) over the Census one (2022)
    expect(procurement).toMatchObject({ after: { name: 'Procurement Office' }, organization: { id: 3001 } });
    expect(procurement.sources).toEqual([con(3), con(4)]);
    const shared = warning(federal, 'shared_email');
    expect(shared).toHaveLength(1);
    expect(shared[0].records).toEqual([con(3), con(4), 'procurement@fedshared.example']);
    expect(shared[0].message).toContain(`${con(3)} is the sync record`);
    expect(warning(federal, 'agent_skipped').map((w) => w.records)).toEqual([[con(8), 'cleared.agent@fedsupport.example']]);
  });

  it('--report-orphans lists Zendesk records without a Salesforce counterpart, in text, markdown and JSON, and deletes none', () => {
    expect(global.orphans?.organizations.map((o) => [o.id, o.name, o.external_id])).toEqual([
      [1005, 'Pied Piper', acc(11)],
      [1009, 'Old Trial Org', null],
      [1010, 'Ghost Account', '0014M0000000099AAA'],
    ]);
    expect(federal.orphans).toEqual({
      organizations: [{ id: 3003, name: 'Legacy Federal Pilot', external_id: '0014M0000000098AAA' }],
      users: [{ id: 4004, email: 'former.employee@treasury.example', name: 'Former Employee' }],
    });
    // protected records are not orphans; orphans are never deleted
    expect(global.orphans?.organizations.some((o) => o.id === 1008)).toBe(false);
    expect(federal.orphans?.users.some((u) => u.email === 'pat.member@gitlab.com')).toBe(false);
    for (const id of [1005, 1009, 1010, 3003, 4004]) expect(plan.syncs.flatMap((s) => s.changes).some((c) => c.zendesk_id === id)).toBe(false);

    const text = renderText(plan, { color: false });
    for (const s of ['"Pied Piper" (id 1005', '"Old Trial Org" (id 1009)', '"Legacy Federal Pilot" (id 3003', 'former.employee@treasury.example']) expect(text).toContain(s);
    const md = renderMarkdown(plan);
    for (const s of ['Pied Piper', 'Old Trial Org', 'Ghost Account', 'Legacy Federal Pilot', 'former.employee@treasury.example']) expect(md).toContain(s);
    const json = JSON.parse(renderJson(plan)) as Plan;
    expect(json.syncs.map((s) => s.orphans)).toEqual([global.orphans, federal.orphans]);
  });

  it('without --report-orphans there is no orphan report', async () => {
    const quiet = await run.plan();
    expect(quiet.syncs.map((s) => s.orphans)).toEqual([undefined, undefined]);
    expect(renderText(quiet, { color: false })).not.toContain('no Salesforce counterpart');
    expect(quiet.summary).toEqual(plan.summary);
  });
});

describe('GitLab seed 003: apply, then plan again', () => {
  let run: GitlabRun | undefined;
  afterEach(async () => {
    await run?.sandbox.close();
    run = undefined;
  });

  it('refuses the retention deletes without --allow-delete and writes nothing', async () => {
    run = await startGitlab();
    const plan = await run.plan();
    await expect(applyPlan({ plan, config: run.config, writerFor: run.writerFor })).rejects.toThrow(
      /sync "global" would delete 2 organizations \("Oscorp", "Umbrella Health"\).*--allow-delete/,
    );
    expect(run.sandbox.stats().writes).toBe(0);
  });

  it('carries the plan out with --allow-delete; the next plan shows no changes and a second apply writes nothing', async () => {
    run = await startGitlab();
    const plan = await run.plan({ reportOrphans: true });
    const result = await applyPlan({ plan, config: run.config, writerFor: run.writerFor, allowDelete: true });
    expect(result.errors).toEqual([]);
    expect(result.failures).toEqual([]);
    expect(result.syncs.map((s) => [s.name, s.added, s.changed, s.destroyed])).toEqual([
      ['global', 13, 4, 2],
      ['us-federal', 7, 3, 0],
    ]);

    const state = run.sandbox.state();
    const g = state.zendesk_instances?.global;
    const f = state.zendesk_instances?.['us-federal'];
    const gOrgs = g?.organizations ?? [];
    expect(gOrgs.some((o) => o.id === 1003 || o.id === 1012)).toBe(false); // retention
    for (const id of [1005, 1009, 1010]) expect(gOrgs.some((o) => o.id === id)).toBe(true); // orphans kept
    const seeded = (id: number) => seed.zendesk_instances?.global.organizations?.find((o) => o.id === id);
    const wayne = gOrgs.find((o) => o.id === 1007);
    expect(wayne).toMatchObject({
      name: seeded(1007)?.name,
      tags: seeded(1007)?.tags,
      organization_fields: seeded(1007)?.organization_fields,
      updated_at: seeded(1007)?.updated_at, // never written
    });
    expect(gOrgs.find((o) => o.id === 1008)?.updated_at).toBe(seeded(1008)?.updated_at);
    expect([...(gOrgs.find((o) => o.id === 1001)?.tags ?? [])].sort()).toEqual(['salesforce', 'sf_amer', 'sf_customer', 'sf_premium', 'sf_ultimate', 'vip_escalation']);
    const contoso = gOrgs.find((o) => o.external_id === acc(2));
    expect(contoso?.organization_fields).toMatchObject({ entitled_seats: 120, support_level: 'standard', plan_names: 'Premium SaaS' });
    const gUsers = g?.users ?? [];
    for (const email of ['dana.whitfield@contoso.example', 'lee.park@contoso.example']) {
      expect(gUsers.find((u) => u.email === email)?.organization_id).toBe(contoso?.id);
    }
    const fOrgs = f?.organizations ?? [];
    const fUsers = f?.users ?? [];
    const army = fOrgs.find((o) => o.external_id === acc(18));
    expect(fUsers.find((u) => u.email === 'grace.hopper@army.example')?.organization_id).toBe(army?.id);
    expect(fUsers.find((u) => u.email === 'procurement@fedshared.example')?.organization_id).toBe(3001);
    expect(fUsers.find((u) => u.id === 4001)).toMatchObject({ name: 'Ada Lovelace', organization_id: 3001 });
    expect(fUsers.find((u) => u.id === 4003)).toMatchObject({ organization_id: 3002, tags: ['census_liaison'] });
    expect(fUsers.find((u) => u.id === 4002)).toMatchObject({ role: 'agent', name: 'Cleared Agent' });

    const again = await run.plan({ reportOrphans: true });
    expect(again.syncs.map((s) => [s.name, s.error, s.changes.map((c) => `${c.type} ${c.action} ${c.label}: ${JSON.stringify(c.diff)}`)])).toEqual([
      ['global', undefined, []],
      ['us-federal', undefined, []],
    ]);
    expect(renderText(again, { color: false })).toContain('No changes.');
    // the federal orphan report is unchanged by the apply
    expect(section(again, 'us-federal').orphans).toEqual(section(plan, 'us-federal').orphans);
    expect(section(again, 'global').orphans?.organizations).toEqual(section(plan, 'global').orphans?.organizations);

    const writes = run.sandbox.stats().writes;
    const second = await applyPlan({ plan, config: run.config, writerFor: run.writerFor, allowDelete: true });
    expect(second).toMatchObject({ added: 0, changed: 0, destroyed: 0, ok: true });
    expect(run.sandbox.stats().writes).toBe(writes);
  });

  // Reported to the reconcile owner (see the report of issue 7): users that zdsf itself created from sold-to contacts,
  // and sold-to contacts of existing organizations, are listed as orphans once their organization exists.
  it('after apply, the sold-to users it created are not reported as orphans', async () => {
    run = await startGitlab();
    const plan = await run.plan();
    await applyPlan({ plan, config: run.config, writerFor: run.writerFor, allowDelete: true });
    const again = await run.plan({ reportOrphans: true });
    const orphanEmails = section(again, 'global').orphans?.users.map((u) => u.email) ?? [];
    for (const email of ['dana.whitfield@contoso.example', 'lee.park@contoso.example', 'partner.ops@vandelay.example', 'it.buyer@fabrikam.example']) {
      expect(orphanEmails, email).not.toContain(email);
    }
  });

  it('refuses more deletes than retention.max_deletes unless forced', async () => {
    run = await startGitlab();
    const dir = mkdtempSync(join(tmpdir(), 'zdsf-gitlab-'));
    try {
      const file = join(dir, 'sync.yaml');
      const yaml = readFileSync(GITLAB_CONFIG, 'utf8');
      expect(yaml).toContain('max_deletes: 5');
      writeFileSync(file, yaml.replace('max_deletes: 5', 'max_deletes: 1'));
      const config = await loadConfigOrThrow({ file, env: gitlabEnv(run.sandbox) });
      const plan = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST) });
      const writerFor = run.writerFor;
      await expect(applyPlan({ plan, config, writerFor, allowDelete: true })).rejects.toThrow(/max_deletes/);
      expect(run.sandbox.stats().writes).toBe(0);
      const forced = await applyPlan({ plan, config, writerFor, allowDelete: true, force: true });
      expect(forced.syncs.find((s) => s.name === 'global')?.destroyed).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GitLab seed 003: one sync failing', () => {
  let run: GitlabRun | undefined;
  afterEach(async () => {
    await run?.sandbox.close();
    run = undefined;
  });

  it('an unreachable US federal instance fails its own sync; global still plans in full', async () => {
    const port = await closedPort();
    run = await startGitlab({ ZD_US_FEDERAL_URL: `http://127.0.0.1:${port}` });
    const plan = await run.plan({ reportOrphans: true });
    expect(planFailed(plan)).toBe(true);
    const global = section(plan, 'global');
    const federal = section(plan, 'us-federal');
    expect(global.error).toBeUndefined();
    expect(global.summary).toEqual({ create: 13, update: 4, delete: 2 });
    expect(global.orphans?.organizations.map((o) => o.id)).toEqual([1005, 1009, 1010]);
    expect(federal.error).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    expect(federal.error).not.toMatch(/sandbox-token/);
    expect(federal.changes).toEqual([]);
    expect(plan.summary).toEqual(global.summary);
    const text = renderText(plan, { color: false });
    expect(text).toContain('Plan: 13 to add, 4 to change, 2 to destroy.');
    expect(text).toContain('"Contoso Pharmaceuticals" will be created');
    expect(text).toMatch(/us-federal[\s\S]*Error/);
  });

  it('apply goes on with global when the US federal instance cannot be reached, and reports the failure', async () => {
    run = await startGitlab();
    const plan = await run.plan();
    const port = await closedPort();
    const sandboxRun = run;
    const unreachable = createZendeskWriter({ ...run.config.zendesk['us-federal'], url: `http://127.0.0.1:${port}` }, { ...FAST, maxAttempts: 1 });
    const result = await applyPlan({
      plan,
      config: run.config,
      writerFor: (name) => (name === 'us-federal' ? unreachable : sandboxRun.writerFor(name)),
      allowDelete: true,
    });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.sync)).toEqual(['us-federal']);
    expect(result.syncs.find((s) => s.name === 'global')).toMatchObject({ added: 13, changed: 4, destroyed: 2 });
    const fed = run.sandbox.state().zendesk_instances?.['us-federal'];
    expect(fed?.organizations?.length).toBe(seed.zendesk_instances?.['us-federal'].organizations?.length);
  });
});

// The CLI itself (needs `npm run build`; `npm test` builds first).
const BIN = join(GITLAB, '..', '..', 'bin', 'run.js');
const BUILT = existsSync(join(GITLAB, '..', '..', 'dist', 'src', 'commands', 'plan.js'));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!BUILT)('GitLab seed 003: the zdsf CLI', () => {
  let run: GitlabRun | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await run?.sandbox.close();
    run = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('plan --format json --report-orphans, plan --out, apply PLANFILE --allow-delete, then plan --detailed-exitcode exits 0', async () => {
    run = await startGitlab();
    const env = gitlabEnv(run.sandbox);
    dir = mkdtempSync(join(tmpdir(), 'zdsf-gitlab-cli-'));
    const json = await cli(['plan', '-c', GITLAB_CONFIG, '--format', 'json', '--report-orphans', '-q'], env);
    expect(json.stderr).not.toContain('sandbox-token');
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as Plan;
    // global's 16 creates: 13 Zendesk records and a Case for each of the 3 tickets with an organization (issue 18)
    expect(plan.syncs.map((s) => [s.name, s.summary])).toEqual([
      ['global', { create: 16, update: 4, delete: 2 }],
      ['us-federal', { create: 7, update: 3, delete: 0 }],
    ]);
    expect(plan.summary).toEqual({ create: 23, update: 7, delete: 2 });
    expect(plan.syncs[0].changes.filter((c) => c.type === 'case').map((c) => [c.action, c.key])).toEqual([
      ['create', '7001'],
      ['create', '7002'],
      ['create', '7004'],
    ]);
    expect(plan.syncs[1].changes.some((c) => c.type === 'case')).toBe(false);
    expect(plan.syncs[1].orphans?.users.map((u) => u.email)).toEqual(['former.employee@treasury.example']);

    const detailed = await cli(['plan', '-c', GITLAB_CONFIG, '--detailed-exitcode', '-q'], env);
    expect(detailed.code).toBe(2);
    expect(detailed.stdout).toContain('Plan: 23 to add, 7 to change, 2 to destroy.');
    expect(detailed.stdout).toContain('+ case for ticket #7001 "Runner stuck in pending" -> account "Northwind Traders"');
    expect(detailed.stdout).toContain('Cases: 3 to add, 0 to change in Salesforce production');

    const planFile = join(dir, 'plan.json');
    const saved = await cli(['plan', '-c', GITLAB_CONFIG, '--out', planFile, '-q'], env);
    expect(saved.code).toBe(0);
    const refused = await cli(['apply', planFile, '-c', GITLAB_CONFIG, '-q'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toContain('--allow-delete');
    const applied = await cli(['apply', planFile, '-c', GITLAB_CONFIG, '--allow-delete', '-q'], env);
    expect(applied.stderr).not.toContain('sandbox-token');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('23 added, 7 changed, 2 destroyed');
    // Issue 7: apply reports each sync with its own summary, plus the combined one. Reported to the apply owner:
    // today `zdsf apply` prints only the combined line (services/apply.ts formatApplyResult).
    expect.soft(applied.stdout).toMatch(/global[^\n]*16 added, 4 changed, 2 destroyed/);
    expect.soft(applied.stdout).toMatch(/us-federal[^\n]*7 added, 3 changed, 0 destroyed/);

    const after = await cli(['plan', '-c', GITLAB_CONFIG, '--detailed-exitcode', '-q'], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No changes.');
  }, 120_000);

  it('exits 1 when one sync fails, and still prints the other sync in full', async () => {
    run = await startGitlab();
    const port = await closedPort();
    const env = gitlabEnv(run.sandbox, { ZD_US_FEDERAL_URL: `http://127.0.0.1:${port}` });
    const out = await cli(['plan', '-c', GITLAB_CONFIG, '-q'], env);
    expect(out.code).toBe(1);
    // global in full: its 13 Zendesk creates and its 3 Cases (issue 18)
    expect(out.stdout).toContain('Cases: 3 to add, 0 to change in Salesforce production');
    expect(out.stdout).toContain('Plan: 16 to add, 4 to change, 2 to destroy.');
    expect(out.stderr).toContain('sync "us-federal"');
    const json = await cli(['plan', '-c', GITLAB_CONFIG, '--format', 'json', '-q'], env);
    expect(json.code).toBe(1);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(plan.syncs.map((s) => [s.name, s.error === undefined])).toEqual([
      ['global', true],
      ['us-federal', false],
    ]);
  }, 60_000);
});
