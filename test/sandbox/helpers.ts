// Test helpers: a sandbox on a free port and a small fetch wrapper with Basic auth.
import type { SandboxSeed } from '../../src/model/seed.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export const AUTH = `Basic ${Buffer.from('agent@example.com/token:sandbox-token').toString('base64')}`;

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = { Authorization: AUTH }): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function withSandbox(seed: SandboxSeed, options: Partial<SandboxOptions> = {}): Promise<{ sandbox: Sandbox; api: (method: string, path: string, body?: unknown) => Promise<Answer> }> {
  const sandbox = await startSandbox({ seed, port: 0, ...options });
  return { sandbox, api: (method, path, body) => call(sandbox.url, method, path, body) };
}

/** Polls a job until completed (at most `max` polls). */
export async function waitJob(api: (m: string, p: string) => Promise<Answer>, jobUrl: string, base: string, max = 10): Promise<Record<string, unknown>> {
  const path = jobUrl.slice(base.length);
  for (let i = 0; i < max; i++) {
    const r = await api('GET', path);
    const job = r.body.job_status as Record<string, unknown>;
    if (job.status === 'completed') return job;
  }
  throw new Error(`job ${jobUrl} did not complete in ${max} polls`);
}

export function seedWithOrgs(n: number, extra: SandboxSeed['zendesk'] = {}): SandboxSeed {
  return {
    zendesk: {
      organizations: Array.from({ length: n }, (_, i) => ({ id: 1000 + i, name: `Org ${i}`, external_id: `ext-${i}` })),
      ...extra,
    },
  };
}
