// The mass-change guard (issue 17 part 5) over the sandbox, with the real readers and writer: a name
// template that rewrites every organization's name is over the default max_changes (50% of the instance's
// organizations); plan says so in its summary, apply refuses it with nothing written, apply --force carries it
// out, and plan again has no changes. A configured number lets the same plan through.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { MassChangeRefusedError } from '../../src/util/errors.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { ACCOUNT, ConfigDir, FAST, account, makeSeed, planWith } from './relationships-helpers.js';
import { SF_ZD_INSTANCES } from './instances-yaml.js';

const seed = makeSeed({ multi: false, accounts: [] });

function yaml(maxChanges?: string): string {
  return `${SF_ZD_INSTANCES}syncs:
  mass:
    from: sf
    to: zd
${maxChanges === undefined ? '' : `    max_changes: ${maxChanges}\n`}    organizations:
      where: "Type = 'Customer'"
      name: { template: "{Name} (customer)" }
`;
}

let sandbox: Sandbox;
let dir: ConfigDir;
beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0 });
  dir = new ConfigDir(sandbox);
});
afterAll(async () => {
  dir.remove();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

function apply(config: Awaited<ReturnType<ConfigDir['loadText']>>, plan: Awaited<ReturnType<typeof planWith>>, force = false) {
  return runApply({
    config,
    plan,
    force,
    writerFor: (instance) => createZendeskWriter(instance, FAST),
    target: createZendeskReader(FAST),
  });
}

describe('max_changes over the sandbox', () => {
  it('plan warns, apply refuses without --force (nothing written), --force applies, plan again: No changes', async () => {
    expect(account(ACCOUNT.ACME).Type).toBe('Customer');
    const config = await dir.loadText('default.yaml', yaml());
    const plan = await planWith(config);
    const sync = plan.syncs[0];
    expect(sync.error).toBeUndefined();
    // four customer accounts, four organizations, each renamed: 4 > 50% of 4
    expect(sync.summary).toEqual({ create: 0, update: 4, delete: 0 });
    expect(sync.warnings.map((w) => w.code)).toEqual(['max_changes']);
    const text = renderText(plan);
    expect(text).toContain('overwrites or clears name on 4 organizations, more than max_changes (max_changes is 50% of the 4 organizations in Zendesk "zd": 2)');
    expect(text).toMatch(/Plan: 0 to add, 4 to change, 0 to destroy\.\nOver max_changes: 1 attribute would change on more records than allowed .*apply refuses this plan without --force\./);

    const before = JSON.stringify(sandbox.state());
    const writes = sandbox.stats().writes;
    const refused = await apply(config, plan).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MassChangeRefusedError);
    expect((refused as Error).message).toContain('sync "mass" overwrites or clears name on 4 organizations, more than max_changes');
    expect(sandbox.stats().writes).toBe(writes);
    expect(JSON.stringify(sandbox.state())).toBe(before);

    const forced = await apply(config, plan, true);
    expect(forced).toMatchObject({ ok: true, changed: 4 });
    expect(sandbox.state().zendesk!.organizations!.map((o) => o.name).sort()).toEqual(['Acme (customer)', 'Lapsed Corp (customer)', 'Other Corp (customer)', 'Partner Corp (customer)']);

    const again = await planWith(config);
    expect(again.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(again.syncs[0].warnings).toEqual([]);
    expect(renderText(again)).toContain('No changes. Zendesk matches the configuration.');
  });

  it('a configured max_changes (a number, or a percentage) decides instead of the default', async () => {
    const enough = await dir.loadText('four.yaml', yaml('4'));
    const plan = await planWith(enough);
    expect(plan.syncs[0].warnings).toEqual([]);
    expect(await apply(enough, plan)).toMatchObject({ ok: true, changed: 4 });

    sandbox.reset();
    const quarter = await dir.loadText('quarter.yaml', yaml('"25%"'));
    const p2 = await planWith(quarter);
    expect(p2.syncs[0].warnings.map((w) => w.message)).toEqual([expect.stringContaining('max_changes is 25% of the 4 organizations in Zendesk "zd": 1')]);
    await expect(apply(quarter, p2)).rejects.toThrow(MassChangeRefusedError);
  });
});
