// organizations.manage_fields / users.manage_fields (issue 17 part 3): true or false, absent = off; anything else
// is a config error at its line and column.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'zdsf-manage-fields-'));
const env = { SF_TOKEN: 'sf', ZD_TOKEN: 'zd' };
function text(org: string | null, users: string | null): string {
  return `version: 1
salesforce:
  prod:
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  main:
    subdomain: example
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
syncs:
  s:
    from: prod
    to: main
    organizations:
${org === null ? '' : `      manage_fields: ${org}\n`}      fields: { tier: Tier__c }
    users:
      sources: [{ object: Contact }]
${users === null ? '' : `      manage_fields: ${users}\n`}`;
}
async function load(org: string | null, users: string | null = null) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text(org, users));
  return loadConfig({ file, env });
}

describe('manage_fields', () => {
  it('is read per section, off unless true', async () => {
    const on = (await load('true', 'false')).config!.syncs[0];
    expect(on.organizations?.manage_fields).toBe(true);
    expect(on.users?.manage_fields).toBeUndefined();
    const off = await load(null);
    expect(off.diagnostics).toEqual([]);
    expect(off.config?.syncs[0].organizations?.manage_fields).toBeUndefined();
  });

  it('refuses anything but a boolean, at its line and column', async () => {
    const { config, diagnostics } = await load('"yes"');
    expect(config).toBeNull();
    expect(diagnostics.some((d) => d.path === 'syncs.s.organizations.manage_fields' && d.line === 14 && d.severity === 'error')).toBe(true);
  });
});
