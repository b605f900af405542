import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import SandboxCommand, { sandboxBanner } from '../../src/commands/sandbox.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { AUTH } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zdsf-sandbox-cmd-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true });
});

describe('zdsf sandbox', () => {
  it('serves the seed, prints the URLs and env lines, and stops when asked', async () => {
    const seedFile = join(dir, 'seed.yaml');
    await writeFile(seedFile, 'zendesk:\n  organizations:\n    - { id: 7, name: Acme }\nzendesk_instances:\n  us-federal: {}\n');
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let answer: unknown;
    let served: Sandbox | undefined;
    class TestCommand extends SandboxCommand {
      protected override async waitForStop(sandbox: Sandbox): Promise<void> {
        served = sandbox;
        const res = await fetch(`${sandbox.url}/api/v2/organizations/7.json`, { headers: { Authorization: AUTH } });
        answer = await res.json();
      }
    }
    await TestCommand.run(['--seed', seedFile, '--port', '0', '--rate-limit', '42'], { root: process.cwd() });
    expect(answer).toMatchObject({ organization: { id: 7, name: 'Acme' } });
    const url = served?.url ?? '';
    expect(out).toContain(`Sandbox listening on ${url}`);
    expect(out).toContain(`export ZD_URL=${url}\n`);
    expect(out).toContain(`export SF_LOGIN_URL=${url}\n`);
    expect(out).toContain(`export ZD_US_FEDERAL_URL=${url}/zendesk/us-federal\n`);
    expect(served?.stats().zendesk.default.rate_limit_per_minute).toBe(42);
    // stopped
    await expect(fetch(`${url}/__sandbox/stats`)).rejects.toThrow();
  });

  it('the banner lists every instance', () => {
    const fake = {
      url: 'http://127.0.0.1:1',
      zendeskUrl: (n?: string) => (n ? `http://127.0.0.1:1/zendesk/${n}` : 'http://127.0.0.1:1'),
      state: () => ({ zendesk_instances: { fed: {} } }),
    };
    const text = sandboxBanner(fake);
    expect(text).toContain('Zendesk "fed"');
    expect(text).toContain('Ctrl-C');
  });

  it('fails with exit 1 and a clear message for a missing seed file', async () => {
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    const failure = await SandboxCommand.run(['--seed', join(dir, 'none.json'), '--port', '0'], { root: process.cwd() }).catch((e: unknown) => e);
    expect((failure as { oclif?: { exit?: number } }).oclif?.exit).toBe(1);
    expect(err).toContain('Seed file not found');
  });
});
