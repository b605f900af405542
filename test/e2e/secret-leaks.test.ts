// Secrets in Zendesk error bodies (issue 14): a proxy in front of the sandbox echoes the request's Authorization
// header (and its decoded email/token:secret pair) in a 400, in 422s and in job results. Every output of the CLI
// (stdout, stderr, --format json, --format markdown, the audit log, the plan file) is searched for the token, the
// base64 credentials and the decoded pair.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const root = join(import.meta.dirname, '..', '..');
// a copy of the demo config (each test file its own)
const CONFIG = join(mkdtempSync(join(tmpdir(), 'zdsf-config-')), 'sync.yaml');
copyFileSync(join(root, 'fixtures', 'demo', 'sync.yaml'), CONFIG);
const TOKEN = 'zd-leak-test-token-4f9a8b7c6d5e';
const SF_TOKEN = 'sf-leak-test-access-token-00D8a7b6c5';
const PAIR = `ops@example.com/token:${TOKEN}`;
const B64 = Buffer.from(PAIR).toString('base64');
const FORBIDDEN = [TOKEN, PAIR, B64, SF_TOKEN, encodeURIComponent(PAIR)];

let sandbox: Sandbox;
let proxy: Server;
let proxyUrl = '';
let mode: 'clean' | 'read400' | 'write422' = 'clean';
let echoed = 0;
const dir = mkdtempSync(join(tmpdir(), 'zdsf-leaks-'));

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function echo(auth: string): Record<string, unknown> {
  echoed += 1;
  return {
    error: 'RecordInvalid',
    description: `Request rejected; you sent Authorization: ${auth}`,
    details: { base: [{ description: `credentials ${Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8')} are not valid here`, error: 'Invalid' }] },
    headers: { authorization: auth },
  };
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'apply.js'))) throw new Error('run `npm run build` first (npm test does)');
  sandbox = await startSandbox({ seed: join(root, 'fixtures', 'demo', 'seed.json'), port: 0 });
  proxy = createServer((req, res) => {
    void (async () => {
      const raw = await body(req);
      const auth = String(req.headers.authorization ?? '');
      const path = (req.url ?? '/').split('?')[0];
      const send = (status: number, b: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      if (path.startsWith('/api/v2/') && mode === 'read400' && req.method === 'GET') return send(400, echo(auth));
      if (path.startsWith('/api/v2/') && mode === 'write422' && req.method === 'PUT') return send(422, echo(auth));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const upstream = await fetch(`${sandbox.url}${req.url ?? '/'}`, { method: req.method, headers, body: raw.length ? raw : undefined });
      let text = await upstream.text();
      // job results: every failed (and one successful) item echoes the header
      if (mode === 'write422' && path.startsWith('/api/v2/job_statuses/')) {
        const parsed = JSON.parse(text) as { job_status?: { status?: string; results?: Record<string, unknown>[] } };
        const results = parsed.job_status?.results;
        if (parsed.job_status?.status === 'completed' && Array.isArray(results) && results.length > 0) {
          results[0] = { ...results[0], status: 'Failed', success: false, ...echo(auth), errors: `Authorization ${auth}` };
          delete results[0].id;
          text = JSON.stringify(parsed);
        }
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const addr = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await sandbox?.close();
});

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
      env: { ...process.env, SF_LOGIN_URL: sandbox.url, ZD_URL: proxyUrl, SF_ACCESS_TOKEN: SF_TOKEN, ZD_API_TOKEN: TOKEN, NO_COLOR: '1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectClean(where: string, text: string): void {
  for (const f of FORBIDDEN) expect(text.includes(f), `${where} contains ${f}`).toBe(false);
}

describe('secrets echoed by Zendesk', () => {
  it('never reach plan output in text, json or markdown, nor stderr (a 400 echoing the header)', async () => {
    mode = 'read400';
    echoed = 0;
    for (const format of ['text', 'json', 'markdown']) {
      const r = await cli(['plan', '-c', CONFIG, '-q', '--format', format], { ZDSF_DEBUG: '1' });
      expect(r.code).toBe(1);
      expectClean(`plan --format ${format} stdout`, r.stdout);
      expectClean(`plan --format ${format} stderr`, r.stderr);
      expect(r.stderr + r.stdout).toContain('Authorization: Basic ***');
    }
    expect(echoed).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('never reach apply output, the audit log or the plan file (422s and job results echoing the header)', async () => {
    mode = 'clean';
    sandbox.reset();
    const planFile = join(dir, 'plan.json');
    const saved = await cli(['plan', '-c', CONFIG, '-q', '--out', planFile]);
    expect(saved.stderr).toContain('Saved the plan');
    expectClean('plan file', readFileSync(planFile, 'utf8'));
    mode = 'write422';
    echoed = 0;
    const log = join(dir, 'audit.jsonl');
    const r = await cli(['apply', planFile, '-c', CONFIG, '-q', '--allow-delete', '--log-file', log], { ZDSF_DEBUG: '1' });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(echoed, r.stdout + r.stderr).toBeGreaterThan(0);
    expect(r.stdout).toContain('failed');
    expectClean('apply stdout', r.stdout);
    expectClean('apply stderr', r.stderr);
    const audit = readFileSync(log, 'utf8');
    expect(audit).toContain('"outcome":"failed"');
    expectClean('audit log', audit);
  }, 180_000);
});
