// `zdsf check` over the sandbox: what works is said per instance, and every problem that comes from the config is
// named at its sync.yaml line; a mapped-field typo also stops `zdsf plan` at that line, before any query.
import { readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { renderCheckText, runCheck } from '../../src/services/check.js';
import { cli, DEMO_CONFIG, DEMO_SEED, demoEnv, requireBuild } from './helpers.js';

let sandbox: Sandbox;
let env: Record<string, string>;
let dir: string;

/** the demo config with edits, and the 1-based line of each edited text */
async function variant(name: string, edits: [from: RegExp, to: string][]): Promise<{ file: string; lineOf: (text: string, after?: string) => number }> {
  let text = await readFile(DEMO_CONFIG, 'utf8');
  for (const [from, to] of edits) {
    expect(text, String(from)).toMatch(from);
    text = text.replace(from, to);
  }
  const file = join(dir, name);
  await writeFile(file, text);
  const lines = text.split('\n');
  return {
    file,
    // the first line holding `t` (after the line holding `after`, when given)
    lineOf: (t, after?: string) => {
      const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
      return lines.findIndex((l, i) => i > start - (after === undefined ? 1 : 0) && l.includes(t)) + 1;
    },
  };
}

beforeAll(async () => {
  requireBuild();
  sandbox = await startSandbox({ seed: DEMO_SEED, port: 0 });
  env = demoEnv(sandbox);
  dir = await mkdtemp(join(tmpdir(), 'zdsf-check-'));
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('zdsf check on the demo', () => {
  it('says what works for each instance and sync; exit 0', async () => {
    const r = await cli(['check', '-c', DEMO_CONFIG], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const text of [
      'Salesforce "demo"',
      'authenticated (access_token) as sandbox@zdsf.invalid',
      'API version 62.0 available',
      /daily API requests: [\d,]+ of 15,000 left/,
      'sync "demo" can describe Account',
      'Zendesk "demo"',
      'authenticated (api_token) as ops@example.com (admin)',
      'multiple_organizations: true, as configured',
      'bulk user import enabled',
      /rate limit: 700 requests\/minute/,
      'organization_fields.health: dropdown (4 options: healthy, watch, at_risk, unknown)',
      'All checks passed.',
    ]) {
      if (typeof text === 'string') expect(r.stdout).toContain(text);
      else expect(r.stdout).toMatch(text);
    }
    expect(r.stdout).not.toContain('PROBLEM');
    expect(r.stdout + r.stderr).not.toContain('sandbox-secret');
  }, 120_000);
});

describe('problems, each at its sync.yaml line', () => {
  it('field typos, a missing Zendesk field, a wrong multiple_organizations and api_version: exit 1', async () => {
    const { file, lineOf } = await variant('typos.yaml', [
      [/^ {6}name: Name$/m, '      name: Nmae'],
      [/job_title: Title/, 'job_title: Titel'],
      [/renewal_date: Next_Renewal_Date__c/, 'renewal_dat: Next_Renewal_Date__c'],
      [/multiple_organizations: true/, 'multiple_organizations: false'],
      [/secondary: true/, 'secondary: false'],
      [/api_version: "62.0"/, 'api_version: "12.0"'],
    ]);
    const r = await cli(['check', '-c', file], env);
    expect(r.code).toBe(1);
    const problems = r.stdout.split('\n').filter((l) => l.includes('PROBLEM'));
    const at = (text: string, message: string, after?: string) => {
      const line = lineOf(text, after);
      expect(line).toBeGreaterThan(0);
      const found = problems.find((p) => p.includes(`${file}:${line}:`) && p.includes(message));
      expect(found, `${text} -> ${message}\n${problems.join('\n')}`).toBeDefined();
    };
    at('name: Nmae', 'Salesforce field Account.Nmae does not exist');
    at('job_title: Titel', 'Salesforce field Contact.Titel does not exist');
    at('renewal_dat:', 'Zendesk organization field "renewal_dat" does not exist');
    at('  demo:', 'multiple_organizations is false in the config but true in Zendesk', 'zendesk:');
    at('  demo:', 'api_version "12.0" is not offered by this org', 'salesforce:');
    expect(r.stdout).toMatch(/\d+ problems: fix them, then run zdsf check again\./);
  }, 120_000);

  it('zdsf plan stops at the typo\'s line, before Salesforce answers "No such column"', async () => {
    const { file, lineOf } = await variant('typo-plan.yaml', [[/^ {6}name: Name$/m, '      name: Nmae']]);
    const r = await cli(['plan', '-c', file, '-q'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:${lineOf('name: Nmae')}:13: syncs.demo.organizations.name: Salesforce field Account.Nmae does not exist`);
    expect(r.stdout + r.stderr).not.toContain('No such column');
    // said once, on stderr; the plan on stdout points to it
    expect(r.stderr.split('Account.Nmae does not exist').length).toBe(2);
    expect(r.stdout).toContain('Error: this sync could not be planned (the reason is on stderr).');
    expect(r.stdout).not.toContain('Nmae');
  }, 120_000);
});

describe('runCheck in-process: role, bulk import, unreachable', () => {
  it('an agent is a warning, bulk import off is a warning; an unreachable Zendesk is a problem at its line', async () => {
    const seed = JSON.parse(await readFile(DEMO_SEED, 'utf8')) as { zendesk: { users: object[]; settings: Record<string, unknown> } };
    seed.zendesk.users.push({ id: 999, name: 'Ops Agent', email: 'ops@example.com', role: 'agent' });
    seed.zendesk.settings.sandbox = { bulk_user_import: false };
    const other = await startSandbox({ seed: seed as never, port: 0 });
    try {
      const config = await loadConfigOrThrow({ file: DEMO_CONFIG, env: demoEnv(other) });
      const report = await runCheck({ config });
      const text = renderCheckText(report);
      expect(text).toContain('warning authenticated as ops@example.com (agent)');
      expect(text).toContain('warning bulk user import is not enabled');
      expect(report.problems).toBe(0);
      expect(report.warnings).toBeGreaterThanOrEqual(2);
      expect(text).toContain('All checks passed (');
    } finally {
      await other.close();
    }
    const config = await loadConfigOrThrow({ file: DEMO_CONFIG, env: { ...env, ZD_URL: 'http://127.0.0.1:9' } });
    const report = await runCheck({ config });
    const zd = report.sections.find((s) => s.title.startsWith('Zendesk'));
    expect(zd?.lines[0].status).toBe('problem');
    expect(zd?.lines[0].message).toMatch(new RegExp(`^${DEMO_CONFIG.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:3: zendesk\\.demo: .*127\\.0\\.0\\.1:9`));
    expect(report.sections.find((s) => s.title.startsWith('Sync'))?.lines[0].message).toContain('mappings not checked');
  }, 120_000);
});
