// npm run demo: the whole workflow on the bundled sandbox, with no credentials.
// Starts the sandbox in-process on a free port with fixtures/demo/seed.json, then runs the real CLI:
// `zdsf plan`, `zdsf apply --auto-approve --allow-delete`, and `zdsf plan --detailed-exitcode`, which must
// report no changes (exit 0).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startSandbox } from '../src/sandbox/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = join(root, 'fixtures', 'demo', 'sync.yaml');
const seed = join(root, 'fixtures', 'demo', 'seed.json');
const cli = join(root, 'bin', 'run.js');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n$ zdsf ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const sandbox = await startSandbox({ seed, port: 0 });
process.stdout.write(`Sandbox (Salesforce and Zendesk) listening on ${sandbox.url}\n`);
// the sandbox accepts any credentials
const env = { ...process.env, SF_LOGIN_URL: sandbox.url, ZD_URL: sandbox.url, SF_ACCESS_TOKEN: 'sandbox', ZD_API_TOKEN: 'sandbox' };
let failed = false;
try {
  const plan = await run(['plan', '-c', config], env);
  if (plan !== 0) throw new Error(`zdsf plan exited ${plan}`);
  const apply = await run(['apply', '-c', config, '--auto-approve', '--allow-delete'], env);
  if (apply !== 0) throw new Error(`zdsf apply exited ${apply}`);
  const again = await run(['plan', '-c', config, '--detailed-exitcode'], env);
  if (again !== 0) throw new Error(`the second zdsf plan exited ${again}: apply did not converge`);
  const stats = sandbox.stats();
  const requests = Object.values(stats.requests).reduce((n, c) => n + c, 0);
  const welcome = Object.values(stats.zendesk).reduce((n, z) => n + z.welcome_emails_sent, 0);
  process.stdout.write(
    `\nDemo complete: plan, apply, and plan again with no changes.\n` +
      `The sandbox answered ${requests} requests (${stats.writes} writes, ${stats.rate_limited} rate-limited); welcome emails sent: ${welcome}.\n`,
  );
} catch (error) {
  failed = true;
  process.stderr.write(`\nDemo failed: ${(error as Error).message}\n`);
} finally {
  await sandbox.close();
}
process.exit(failed ? 1 : 0);
