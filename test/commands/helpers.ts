// The CLI (bin/run.js over dist/, built by `npm test`) run as a child process against the demo sandbox (port 0).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

export const root = join(import.meta.dirname, '..', '..');
export const DEMO_CONFIG = join(root, 'fixtures', 'demo', 'sync.yaml');
export const DEMO_SEED = join(root, 'fixtures', 'demo', 'seed.json');
const CLI = join(root, 'bin', 'run.js');
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function requireBuild(): void {
  if (!existsSync(join(root, 'dist', 'src', 'commands', 'show.js'))) throw new Error('run `npm run build` first (npm test does)');
}

export function demoEnv(sandbox: Pick<Sandbox, 'url'>): Record<string, string> {
  return { SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox-secret-sf', ZD_API_TOKEN: 'sandbox-secret-zd' };
}

export async function startDemo(seed = DEMO_SEED): Promise<{ sandbox: Sandbox; env: Record<string, string> }> {
  const sandbox = await startSandbox({ seed, port: 0 });
  return { sandbox, env: demoEnv(sandbox) };
}

export function cli(args: string[], env: Record<string, string> = {}, cwd = root): Promise<CliResult> {
  return run(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
