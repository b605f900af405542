// memberships: mirror (issue 17 part 1) over the sandbox, with the real readers and writer: Ann's contact is
// in Acme with an active secondary relation to Partner Corp; in Zendesk she also belongs to Other Corp (a
// synced account she no longer relates to) and to an organization zdsf does not manage. Mirror deletes only
// the Other Corp membership; plan again: no changes. Without mirror (the default) nothing is deleted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { createPlan } from '../../src/services/plan.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import type { Config } from '../../src/model/config.js';
import { ACCOUNT, CONTACT_ID, ConfigDir, EMAIL, FAST, ORG, USER_ID, configYaml, contact, makeSeed, relation, zUser } from './relationships-helpers.js';

const UNMANAGED = 900;

function seed() {
  return makeSeed({
    multi: true,
    contacts: [contact(CONTACT_ID, EMAIL, ACCOUNT.ACME)],
    relations: [relation('07k000000000001AAA', CONTACT_ID, ACCOUNT.ACME, true), relation('07k000000000002AAA', CONTACT_ID, ACCOUNT.PARTNER, false)],
    users: [zUser(USER_ID, EMAIL, ORG.ACME, { name: 'Ann Example', user_fields: { job_title: 'CTO' } })],
    organizations: [{ id: UNMANAGED, name: 'Hand Made', external_id: null, tags: [], domain_names: [], notes: null, details: null, organization_fields: {} }],
    memberships: [
      { id: 5001, user_id: USER_ID, organization_id: ORG.ACME, default: true },
      { id: 5002, user_id: USER_ID, organization_id: ORG.OTHER, default: null },
      { id: 5003, user_id: USER_ID, organization_id: ORG.PARTNER, default: null },
      { id: 5004, user_id: USER_ID, organization_id: UNMANAGED, default: null },
    ],
  });
}

const settings = { multi: true, primary: true, secondary: true };
const mirrorYaml = configYaml(settings).replace('  rel:\n    from: sf\n', '  rel:\n    from: sf\n    memberships: mirror\n');

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

const plan = (config: Config) => createPlan({ config, source: createSalesforceReader(), target: createZendeskReader(FAST) });
const memberOrgs = () => sandbox.state().zendesk!.organization_memberships!.filter((m) => m.user_id === USER_ID).map((m) => m.organization_id).sort((a, b) => a! - b!);

describe('memberships: mirror', () => {
  it('deletes the managed membership no relation asks for; plan again: no changes', async () => {
    expect(mirrorYaml).toContain('memberships: mirror');
    const config = await dir.loadText('mirror.yaml', mirrorYaml);
    const p = await plan(config);
    const sync = p.syncs[0];
    expect(sync.error).toBeUndefined();
    expect(sync.changes.map((c) => `${c.type}:${c.action} ${c.label} (${c.reason})`)).toEqual(['membership:delete ann@acme.example -> Other Corp (mirror: no relation in Salesforce any more)']);
    expect(sync.changes[0]).toMatchObject({ zendesk_id: 5002, before: { user_id: USER_ID, organization_id: ORG.OTHER } });
    expect(sync.summary).toEqual({ create: 0, update: 0, delete: 1 });
    expect(renderText(p)).toContain('- membership "ann@acme.example" -> "Other Corp" (mirror: no relation in Salesforce any more)');

    const result = await runApply({ config, plan: p, writerFor: (i) => createZendeskWriter(i, FAST), target: createZendeskReader(FAST) });
    expect(result).toMatchObject({ ok: true, destroyed: 1 });
    expect(memberOrgs()).toEqual([ORG.ACME, ORG.PARTNER, UNMANAGED]);

    const again = await plan(config);
    expect(again.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(renderText(again)).toContain('No changes. Zendesk matches the configuration.');
  });

  it('without mirror memberships are only added', async () => {
    const p = await plan(await dir.load(settings));
    expect(p.syncs[0].changes).toEqual([]);
  });

  it('the guard refuses a membership delete from a sync that does not mirror', async () => {
    const config = await dir.loadText('mirror2.yaml', mirrorYaml);
    const p = await plan(config);
    const additive = await dir.load(settings);
    const forged = { ...p, config_digest: additive.digest };
    await expect(runApply({ config: additive, plan: forged, writerFor: (i) => createZendeskWriter(i, FAST) })).rejects.toThrow(/the sync does not say memberships: mirror/);
    expect(memberOrgs()).toEqual([ORG.ACME, ORG.OTHER, ORG.PARTNER, UNMANAGED]);
  });
});
