// zdsf against a sandbox in credentials mode (the seed lists the valid Zendesk tokens and Salesforce clients):
// the CLI with a wrong Zendesk token fails with zdsf's message and writes nothing; with a Salesforce session
// that expires part-way through the read, jsforce's refresh path gets a new one and the run succeeds.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'bin', 'run.js');

let sandbox: Sandbox;
let dir: string;
let config: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'plan.js'))) throw new Error('run `npm run build` first (npm test does)');
  const seed = JSON.parse(readFileSync(join(root, 'fixtures', 'demo', 'seed.json'), 'utf8')) as SandboxSeed;
  seed.zendesk = { ...seed.zendesk, credentials: [{ email: 'ops@example.com', token: 'right-token', role: 'admin' }] };
  // a session is good for 3 API requests: the demo's read needs more, so it has to be renewed part-way
  seed.salesforce = { ...seed.salesforce, auth: { clients: [{ client_id: 'zdsf-app', client_secret: 'app-secret' }], token_lifetime_requests: 3 } };
  sandbox = await startSandbox({ seed, port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'zdsf-creds-'));
  // the demo's config, with the OAuth client credentials flow (which renews its session) instead of a fixed token
  config = join(dir, 'sync.yaml');
  const demo = readFileSync(join(root, 'fixtures', 'demo', 'sync.yaml'), 'utf8');
  const replaced = demo.replace(/auth:\n\s+method: access_token\n\s+token: \$\{SF_ACCESS_TOKEN\}/, 'auth:\n      method: client_credentials\n      client_id: zdsf-app\n      client_secret: ${SF_CLIENT_SECRET}');
  expect(replaced).not.toBe(demo);
  writeFileSync(config, replaced);
});

afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, [CLI, ...args], { env: { ...process.env, SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, NO_COLOR: '1', ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('credentials mode, end to end', () => {
  it('a wrong Zendesk token: apply fails with the rejected-credentials message, nothing written, no secret shown', async () => {
    sandbox.reset();
    const r = await cli(['apply', '-c', config, '--auto-approve'], { SF_CLIENT_SECRET: 'app-secret', ZD_API_TOKEN: 'wrong-token' });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('Zendesk rejected the api_token credentials for instance demo');
    expect(r.stderr + r.stdout).not.toContain('wrong-token');
    expect(sandbox.stats().writes).toBe(0);
    expect(sandbox.stats().requests['POST /api/v2/organizations/create_many'] ?? 0).toBe(0);
  }, 120_000);

  it('a wrong Salesforce client secret: the token endpoint refuses it (invalid_client) and the run stops', async () => {
    sandbox.reset();
    const r = await cli(['plan', '-c', config], { SF_CLIENT_SECRET: 'not-the-secret', ZD_API_TOKEN: 'right-token' });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain('invalid_client');
    expect(r.stderr + r.stdout).not.toContain('not-the-secret');
  }, 120_000);

  it('an expiring Salesforce session: the read renews it (INVALID_SESSION_ID, then a new token) and the plan succeeds', async () => {
    sandbox.reset();
    const r = await cli(['plan', '-c', config, '--detailed-exitcode'], { SF_CLIENT_SECRET: 'app-secret', ZD_API_TOKEN: 'right-token' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(2); // changes to make
    const tokens = sandbox.stats().requests['POST /services/oauth2/token'] ?? 0;
    expect(tokens).toBeGreaterThanOrEqual(2); // the first session, and at least one renewal
  }, 120_000);
});
