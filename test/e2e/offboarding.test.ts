// Offboarding (issue 17 part 1) over the sandbox, with the real readers and writer and an injected clock:
// a staged offboarding over two runs (run 1 suspends the users whose contact is inactive or deleted; 31 days
// later run 2 deletes them, only with --allow-delete), with plan -> apply -> plan "No changes" after each;
// what zdsf never offboards (agents, protected domains, users it does not own, users suspended by someone
// else, users with open tickets, reasons `when` does not list); max_offboard; the permission check.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/model/config.js';
import type { SandboxSeed } from '../../src/model/seed.js';
import { renderText } from '../../src/render/text.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { createPlan } from '../../src/services/plan.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { ConfigDir, FAST, contact, makeSeed, recordingFetch, zUser, type RecordedRequest } from './relationships-helpers.js';
import { SF_ZD_INSTANCES } from './instances-yaml.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const C = (n: number): string => `0030000000000${String(n).padStart(2, '0')}AAA`;

function seed(): SandboxSeed {
  const s = makeSeed({
    multi: false,
    contacts: [
      contact(C(1), 'ann@acme.example', null, { Status__c: 'Active' }),
      contact(C(2), 'ben@acme.example', null, { Status__c: 'Left' }), // inactive
      contact(C(3), 'cat@acme.example', null, { Status__c: 'Moved' }), // filtered out (the sources select Active and Left)
      contact(C(4), 'dan@acme.example', null, { Status__c: 'Active', IsDeleted: true }), // in the recycle bin
      // C(5), C(8): not in Salesforce at all (purged)
      contact(C(6), 'eve@acme.example', null, { Status__c: 'Left' }), // inactive, but an agent
      contact(C(7), 'fay@partner.example', null, { Status__c: 'Left' }), // inactive, protected domain
    ],
    users: [
      zUser(10, 'ann@acme.example', null, { external_id: C(1), name: 'Ann Example' }),
      zUser(11, 'ben@acme.example', null, { external_id: C(2), tags: ['sf_gold', 'vip'] }),
      zUser(12, 'cat@acme.example', null, { external_id: C(3) }),
      zUser(13, 'dan@acme.example', null, { external_id: C(4) }),
      zUser(14, 'gus@acme.example', null, { external_id: C(5) }), // deleted, but has an open ticket
      zUser(15, 'eve@acme.example', null, { external_id: C(6), role: 'agent' }),
      zUser(16, 'fay@partner.example', null, { external_id: C(7) }),
      zUser(17, 'hal@acme.example', null), // no external_id: not zdsf's
      zUser(18, 'ivy@acme.example', null, { external_id: C(8), suspended: true }), // suspended by someone else
    ],
  });
  s.salesforce!.describe!.Contact.fields.push({ name: 'Status__c', type: 'picklist' }, { name: 'IsDeleted', type: 'boolean' });
  s.zendesk!.tickets = [
    { id: 1, status: 'open', organization_id: null, requester_id: 14, updated_at: '2026-11-20T00:00:00Z' },
    { id: 2, status: 'closed', organization_id: null, requester_id: 13, updated_at: '2025-01-01T00:00:00Z' },
  ];
  return s;
}

function yaml(offboard: string, extra = ''): string {
  return `${SF_ZD_INSTANCES}syncs:
  people:
    from: sf
    to: zd
    protected: { domains: [partner.example] }
    users:
      sources:
        - { object: Contact, where: "Status__c IN ('Active', 'Left')" }
      match: external_id
      name: Name
      offboard: ${offboard}
${extra}`;
}

const STAGED = `{ when: [inactive, deleted], inactive_when: "Status__c = 'Left'", action: delete, after_days: 30, max_offboard: 5 }`;

let sandbox: Sandbox;
let dir: ConfigDir;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: seed(), port: 0 });
  dir = new ConfigDir(sandbox);
});
afterAll(async () => {
  dir.remove();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

function plan(config: Config, at: Date, log: RecordedRequest[] = []) {
  return createPlan({ config, source: createSalesforceReader(), target: createZendeskReader({ ...FAST, fetch: recordingFetch(log) }), now: () => at });
}

function apply(config: Config, p: Awaited<ReturnType<typeof plan>>, options: { allowDelete?: boolean; force?: boolean } = {}) {
  return runApply({ config, plan: p, ...options, writerFor: (i) => createZendeskWriter(i, FAST), target: createZendeskReader(FAST) });
}

const user = (id: number) => sandbox.state().zendesk!.users!.find((u) => u.id === id);
const codes = (p: Awaited<ReturnType<typeof plan>>, code: string) => p.syncs[0].warnings.filter((w) => w.code === code).map((w) => w.message);

describe('staged offboarding: suspend on run 1, delete after after_days on run 2', () => {
  it('suspends, then deletes 31 days later (with --allow-delete); plan after each apply: no changes', async () => {
    const config = await dir.loadText('staged.yaml', yaml(STAGED, '    max_changes: 100\n'));
    // run 1
    const log: RecordedRequest[] = [];
    const p1 = await plan(config, NOW, log);
    const s1 = p1.syncs[0];
    expect(s1.error).toBeUndefined();
    expect(s1.changes.map((c) => `${c.type}:${c.action} ${c.label} (${c.reason})`)).toEqual([
      'user:suspend ben@acme.example (offboard: inactive (suspend; delete after 30 days, on 2026-12-31))',
      'user:suspend dan@acme.example (offboard: deleted (suspend; delete after 30 days, on 2026-12-31))',
    ]);
    const ben = s1.changes[0];
    expect(ben).toMatchObject({ zendesk_id: 11, key: C(2), before: { suspended: false, tags: ['sf_gold', 'vip'] }, after: { suspended: true, tags: ['sf_gold', 'vip', 'zdsf_suspended_20261201'] } });
    expect(codes(p1, 'kept_for_tickets')).toEqual([`user "gus@acme.example" (id 14) would be offboarded (offboard: deleted (suspend; delete after 30 days, on 2026-12-31)) but is kept: 1 requested ticket not closed (offboard.keep_if_open_tickets)`]);
    expect(codes(p1, 'offboard_not_ours')).toHaveLength(1);
    expect(codes(p1, 'offboard_not_ours')[0]).toMatch(/^user ivy@acme\.example \(id 18, 003000000000008AAA\) would be deleted/);
    const text = renderText(p1);
    expect(text).toContain('# user "ben@acme.example" will be suspended (offboard: inactive');
    expect(text).toContain('~ suspended = false -> true');
    // one Salesforce look-up, one users/me, one ticket count per user about to be offboarded (3 candidates: 11, 13, 14)
    expect(log.filter((r) => r.path === '/users/me')).toHaveLength(1);
    expect(log.filter((r) => r.path === '/search/count')).toHaveLength(3);

    const r1 = await apply(config, p1);
    expect(r1).toMatchObject({ ok: true, changed: 2, destroyed: 0 });
    expect(user(11)).toMatchObject({ suspended: true, tags: ['sf_gold', 'vip', 'zdsf_suspended_20261201'] });
    for (const id of [10, 12, 14, 15, 16, 17]) expect(user(id)?.suspended).toBe(false);

    const again = await plan(config, new Date(NOW.getTime() + 10 * DAY));
    expect(again.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(renderText(again)).toContain('No changes. Zendesk matches the configuration.');
    expect(codes(again, 'offboard_pending')).toEqual([
      'user ben@acme.example (id 11, 003000000000002AAA) was suspended by zdsf on 2026-12-01 (its Salesforce record matches inactive_when); it is deleted on or after 2026-12-31 (after_days: 30)',
      'user dan@acme.example (id 13, 003000000000004AAA) was suspended by zdsf on 2026-12-01 (its Salesforce record is deleted); it is deleted on or after 2026-12-31 (after_days: 30)',
    ]);

    // run 2, the clock moved 31 days forward
    const later = new Date(NOW.getTime() + 31 * DAY);
    const p2 = await plan(config, later);
    expect(p2.syncs[0].changes.map((c) => `${c.type}:${c.action} ${c.label}`)).toEqual(['user:delete ben@acme.example', 'user:delete dan@acme.example']);
    expect(p2.summary).toEqual({ create: 0, update: 0, delete: 2 });
    expect(renderText(p2)).toContain('# user "ben@acme.example" will be destroyed (offboard: inactive (suspended by zdsf on 2026-12-01');

    await expect(apply(config, p2)).rejects.toThrow(/would delete 2 users \("ben@acme\.example", "dan@acme\.example"\): deletes need --allow-delete/);
    expect(user(11)).toBeDefined();
    const r2 = await apply(config, p2, { allowDelete: true });
    expect(r2).toMatchObject({ ok: true, destroyed: 2 });
    expect(user(11)).toBeUndefined();
    expect(user(13)).toBeUndefined();

    const last = await plan(config, later);
    expect(last.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(renderText(last)).toContain('No changes. Zendesk matches the configuration.');
  });

  it('a plan made before someone unsuspended the user is stale at apply', async () => {
    const config = await dir.loadText('stale.yaml', yaml(STAGED, '    max_changes: 100\n'));
    await apply(config, await plan(config, NOW));
    const p2 = await plan(config, new Date(NOW.getTime() + 31 * DAY));
    const admin = createZendeskWriter(config.zendesk.zd, FAST);
    await admin.updateUsers([{ id: 11, suspended: false }]);
    await expect(apply(config, p2, { allowDelete: true })).rejects.toThrow(/user "ben@acme\.example" \(id 11\): is no longer suspended/);
    expect(user(11)).toBeDefined();
  });
});

describe('what offboarding acts on', () => {
  it('action suspend with when: filtered_out suspends only the filtered-out user; remove_tags strips only the tags zdsf owns', async () => {
    const suspend = await plan(await dir.loadText('filtered.yaml', yaml('{ when: filtered_out, keep_if_open_tickets: false }')), NOW);
    // without `inactive` in when, Ben (Left) is still selected by the sources, so synced (his name), not offboarded
    expect(suspend.syncs[0].changes.map((c) => `${c.action} ${c.label} (${c.reason})`)).toEqual(['update ben@acme.example (undefined)', 'suspend cat@acme.example (offboard: filtered_out)']);

    const tags = `{ when: [inactive], inactive_when: "Status__c = 'Left'", action: remove_tags }`;
    const config = await dir.loadText('tags.yaml', yaml(tags, '      tags: { prefix: "sf_" }\n'));
    const p = await plan(config, NOW);
    expect(p.syncs[0].changes.map((c) => `${c.type}:${c.action} ${c.label} (${c.reason})`)).toEqual(['user:update ben@acme.example (offboard: inactive (remove_tags))']);
    expect(p.syncs[0].changes[0]).toMatchObject({ before: { tags: ['sf_gold', 'vip'] }, after: { tags: ['vip'] } });
    expect(await apply(config, p)).toMatchObject({ ok: true, changed: 1 });
    expect(user(11)).toMatchObject({ suspended: false, tags: ['vip'] });
    expect((await plan(config, NOW)).summary).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('max_offboard refuses a plan that offboards more users, unless --force', async () => {
    const config = await dir.loadText('max.yaml', yaml(`{ when: [inactive, deleted], inactive_when: "Status__c = 'Left'", max_offboard: 1 }`, '    max_changes: 100\n'));
    const p = await plan(config, NOW);
    expect(p.syncs[0].changes).toHaveLength(2);
    await expect(apply(config, p)).rejects.toThrow(/would offboard 2 users, more than max_offboard \(1\): raise syncs\.people\.users\.offboard\.max_offboard or pass --force/);
    expect(user(11)?.suspended).toBe(false);
    const forced = await apply(config, p, { force: true });
    expect(forced).toMatchObject({ ok: true, changed: 2 });
  });

  it('the default max_offboard is 10% of the users in Zendesk', async () => {
    const config = await dir.loadText('default-max.yaml', yaml(`{ when: [inactive, deleted], inactive_when: "Status__c = 'Left'" }`, '    max_changes: 100\n'));
    await expect(apply(config, await plan(config, NOW))).rejects.toThrow(/default limit is 10% of the 9 users in Zendesk "zd", 1/);
  });

  it('fails the plan early, naming the setting and the permission, when zdsf signs in as an agent', async () => {
    const s = seed();
    s.zendesk!.users!.push(zUser(99, 'ops@example.com', null, { role: 'agent' }));
    const agentBox = await startSandbox({ seed: s, port: 0 });
    const agentDir = new ConfigDir(agentBox);
    try {
      const config = await agentDir.loadText('agent.yaml', yaml(STAGED));
      const p = await createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST), now: () => NOW });
      expect(p.syncs[0].error).toMatch(/^syncs\.people\.users\.offboard \(action: delete\) needs permission to suspend and delete users, which zdsf requires of a Zendesk admin; zdsf signs in to "zd" .* as ops@example\.com, an agent\./);
      expect(p.syncs[0].changes).toEqual([]);
    } finally {
      agentDir.remove();
      await agentBox.close();
    }
  });
});
