// The cases sections of the project's fixtures (fixtures/demo, fixtures/gitlab) over their sandbox seeds,
// through the cases pipeline: what they plan, then apply -> plan shows no changes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { gitlabEnv, GITLAB_CONFIG, GITLAB_SEED } from '../e2e/helpers-gitlab.js';
import { casesRun, virtualClock } from './run.js';

const open: Sandbox[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('fixtures with cases', () => {
  it('demo: tickets with an organization become Cases; the hand-made organization has no Account', async () => {
    const sandbox = await startSandbox({ seed: 'fixtures/demo/seed.json', port: 0 });
    open.push(sandbox);
    const text = (await readFile('fixtures/demo/sync.yaml', 'utf8')).replace(/\$\{(\w*TOKEN\w*):-[^}]*\}/g, '${$1}');
    const dir = await mkdtemp(join(tmpdir(), 'zdsf-cases-demo-'));
    dirs.push(dir);
    await writeFile(join(dir, 'sync.yaml'), text);
    const config = await loadConfigOrThrow({
      file: join(dir, 'sync.yaml'),
      env: { SF_LOGIN_URL: sandbox.salesforceUrl(), ZD_URL: sandbox.zendeskUrl(), SF_ACCESS_TOKEN: 'sandbox-token', ZD_API_TOKEN: 'sandbox-token' },
    });
    // the demo's access_token auth has no instance_url: the login URL serves
    const run = casesRun(config, 'demo', virtualClock());
    const plan = await run.plan();
    expect(plan.changes.map((c) => [c.action, c.key, c.desired.fields.Status, c.desired.fields.AccountId, c.desired.fields.ContactId])).toEqual([
      ['create', '1001', 'Working', '0015g000000000UAAQ', '0035g000000000IAAQ'],
      ['create', '1002', 'Closed', '0015g0000000004AAA', '0035g000000000MAAQ'],
      ['create', '1003', 'Working', '0015g000000000SAAQ', '0035g0000000001AAA'],
      ['create', '1005', 'Escalated', null, '0035g000000000BAAQ'],
    ]);
    expect(plan.warnings.map((w) => w.message)).toEqual(['ticket #1005: organization "Black Mesa Pharma" has no external_id (no Account); the Case gets no Account']);
    const done = await run.apply(plan);
    expect(done.failed).toEqual([]);
    expect(done.created).toHaveLength(4);
    expect((await run.plan()).changes).toEqual([]);
  });

  it('gitlab: the global sync\'s salesforce-cases, Account only, Closed for solved tickets', async () => {
    const sandbox = await startSandbox({ seed: GITLAB_SEED, port: 0 });
    open.push(sandbox);
    const config = await loadConfigOrThrow({ file: GITLAB_CONFIG, env: gitlabEnv(sandbox) });
    const run = casesRun(config, 'global', virtualClock());
    const plan = await run.plan();
    expect(plan.changes.map((c) => [c.action, c.key, c.desired.fields.Status, c.desired.fields.AccountId ?? null, 'ContactId' in c.desired.fields])).toEqual([
      ['create', '7001', 'Working', '0014M0000000001AAA', false],
      ['create', '7002', 'Closed', '0014M0000000004AAA', false],
      ['create', '7004', 'Working', null, false],
    ]);
    expect(plan.warnings.map((w) => w.kind)).toEqual(['no_account']);
    expect((await run.apply(plan)).failed).toEqual([]);
    expect((await run.plan()).changes).toEqual([]);
  });
});
