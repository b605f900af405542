// users.offboard and memberships (issue 17 part 1): read with their defaults; what validate refuses, at its position.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'zdsf-offboard-'));
const env = { SF_TOKEN: 'sf', ZD_TOKEN: 'zd' };
function text(users: string, sync = '', multi = false): string {
  return `version: 1
salesforce:
  prod:
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  main:
    subdomain: example
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
    multiple_organizations: ${multi}
syncs:
  s:
    from: prod
    to: main
${sync}    organizations: {}
    users:
      sources: [{ object: Contact }]
${users}`;
}
async function load(users: string, sync = '', multi = false) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text(users, sync, multi));
  return loadConfig({ file, env });
}
const errors = (r: Awaited<ReturnType<typeof load>>) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}:${d.line}: ${d.message}`);

describe('users.offboard', () => {
  it('reads the rule with its defaults; when may be one value or a list', async () => {
    const one = await load('      match: external_id\n      offboard: { when: deleted }\n');
    expect(one.diagnostics).toEqual([]);
    expect(one.config?.syncs[0].users?.offboard).toMatchObject({ when: ['deleted'], action: 'suspend', after_days: 30, keep_if_open_tickets: true });
    expect(one.config?.syncs[0].users?.offboard?.max_offboard).toBeUndefined();
    const list = await load(`      match: external_id\n      offboard: { when: [filtered_out, inactive], inactive_when: "Status__c = 'Left'", action: delete, after_days: 7, max_offboard: 20, keep_if_ticket_within_days: 30 }\n`);
    expect(list.diagnostics).toEqual([]);
    expect(list.config?.syncs[0].users?.offboard).toMatchObject({ when: ['inactive', 'filtered_out'], inactive_when: "Status__c = 'Left'", action: 'delete', after_days: 7, max_offboard: 20, keep_if_ticket_within_days: 30 });
  });

  it('needs match: external_id (zdsf offboards only users it owns)', async () => {
    expect(errors(await load('      offboard: { when: deleted }\n'))).toEqual([
      'syncs.s.users.offboard:17: offboarding acts only on users zdsf owns, recognised by their external_id (the Contact or Lead Id): set users.match: external_id',
    ]);
  });

  it('when: inactive needs inactive_when, which must parse', async () => {
    expect(errors(await load('      match: external_id\n      offboard: { when: inactive }\n'))[0]).toMatch(/^syncs\.s\.users\.offboard\.when:18: when: inactive needs inactive_when/);
    expect(errors(await load(`      match: external_id\n      offboard: { when: inactive, inactive_when: "Status__c = = 'x'" }\n`))[0]).toMatch(/^syncs\.s\.users\.offboard\.inactive_when:18:/);
  });

  it('refuses unknown reasons and actions', async () => {
    expect((await load('      match: external_id\n      offboard: { when: [gone] }\n')).config).toBeNull();
    expect((await load('      match: external_id\n      offboard: { when: deleted, action: archive }\n')).config).toBeNull();
  });
});

describe('memberships', () => {
  it('is additive by default; mirror needs multiple_organizations', async () => {
    expect((await load('')).config?.syncs[0].memberships).toBe('additive');
    const mirror = await load('', '    memberships: mirror\n', true);
    expect(mirror.diagnostics).toEqual([]);
    expect(mirror.config?.syncs[0].memberships).toBe('mirror');
    expect(errors(await load('', '    memberships: mirror\n'))).toEqual([
      'syncs.s.memberships:14: memberships: mirror needs multiple_organizations: true on Zendesk instance "main" (without it a user has one organization, which zdsf sets)',
    ]);
  });
});
