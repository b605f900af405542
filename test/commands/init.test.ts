// `zdsf init` over the demo sandbox: a starter sync.yaml that validate accepts and check finds working.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { chooseField } from '../../src/services/init.js';
import { cli, requireBuild, startDemo } from './helpers.js';

let sandbox: Sandbox;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  requireBuild();
  ({ sandbox, env } = await startDemo());
  env = { ...env, ZD_EMAIL: 'ops@example.com' };
  dir = await mkdtemp(join(tmpdir(), 'zdsf-init-'));
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('zdsf init', () => {
  it('writes a commented starter config with the mappings whose types fit; validate and check pass it', async () => {
    const out = join(dir, 'sync.yaml');
    const r = await cli(['init', '--out', out, '--salesforce-url', sandbox.url, '--zendesk-url', sandbox.url], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Wrote ${out}: valid`);
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^ {8}renewal_date: Next_Renewal_Date__c +# date/m);
    expect(text).toMatch(/^ {8}job_title: Title/m);
    expect(text).toMatch(/^ {8}salesforce_id: Id/m);
    // a picklist whose values are not the dropdown's options is left for a person to map
    expect(text).toMatch(/^ {8}# health: \? +# dropdown "Health": \{ from: GS_Health_Score_Color__c, map:/m);
    expect(text).toContain('multiple_organizations: true');
    expect(text).toContain('token: ${ZD_API_TOKEN}');
    expect(text).not.toContain('sandbox-secret');
    const validated = await cli(['validate', '-c', out], env);
    expect(validated.code, validated.stdout).toBe(0);
    const checked = await cli(['check', '-c', out], env);
    expect(checked.code, checked.stdout).toBe(0);
  }, 180_000);

  it('refuses to overwrite an existing file without --force', async () => {
    const out = join(dir, 'existing.yaml');
    await writeFile(out, '# mine\n');
    const r = await cli(['init', '--out', out, '--salesforce-url', sandbox.url, '--zendesk-url', sandbox.url], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${out} exists: nothing was written (pass --force`);
    expect(await readFile(out, 'utf8')).toBe('# mine\n');
    const forced = await cli(['init', '--out', out, '--force', '--salesforce-url', sandbox.url, '--zendesk-url', sandbox.url], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('version: 1');
  }, 180_000);

  it('an unreachable Zendesk writes nothing', async () => {
    const out = join(dir, 'never.yaml');
    const r = await cli(['init', '--out', out, '--salesforce-url', sandbox.url, '--zendesk-url', 'http://127.0.0.1:9'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('127.0.0.1:9');
    expect(existsSync(out)).toBe(false);
  }, 180_000);

  it('chooseField: a type that does not fit is not chosen', () => {
    const account = { name: 'Account', fields: [{ name: 'Seats__c', type: 'string', label: 'Seats' }, { name: 'Renewal__c', type: 'date', label: 'Renewal' }] };
    expect(chooseField({ id: 1, key: 'seats', type: 'integer', title: 'Seats', active: true }, account)).toMatchObject({ from: null, note: expect.stringContaining('cannot feed a Zendesk integer field') });
    expect(chooseField({ id: 2, key: 'renewal', type: 'date', title: 'Renewal', active: true }, account)).toMatchObject({ from: 'Renewal__c' });
  });
});
