import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

export const DEFAULT_SANDBOX_PORT = 8787;

/** The lines `zdsf sandbox` prints: base URLs and the environment that points a config at the sandbox. */
export function sandboxBanner(sandbox: Pick<Sandbox, 'url' | 'zendeskUrl' | 'state'>): string {
  const named = Object.keys(sandbox.state().zendesk_instances ?? {});
  const envName = (n: string): string => `ZD_${n.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
  const lines = [
    `Sandbox listening on ${sandbox.url} (127.0.0.1 only). Any credentials are accepted.`,
    `  Salesforce:          ${sandbox.url}  (login_url and instance_url)`,
    `  Zendesk (default):   ${sandbox.zendeskUrl()}  (API at ${sandbox.zendeskUrl()}/api/v2)`,
    ...named.map((n) => `  Zendesk "${n}": ${' '.repeat(Math.max(0, 12 - n.length))}${sandbox.zendeskUrl(n)}`),
    `  Control:             ${sandbox.url}/__sandbox/state | stats | faults | reset`,
    '',
    'Point a config at it (login_url: ${SF_LOGIN_URL}, zendesk url: ${ZD_URL}):',
    `  export SF_LOGIN_URL=${sandbox.url}`,
    '  export SF_ACCESS_TOKEN=sandbox-token',
    `  export ZD_URL=${sandbox.zendeskUrl()}`,
    ...named.map((n) => `  export ${envName(n)}=${sandbox.zendeskUrl(n)}`),
    '  export ZD_EMAIL=agent@example.com ZD_API_TOKEN=sandbox-token',
    '',
    'Press Ctrl-C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

export default class SandboxCommand extends BaseCommand {
  static override summary = 'Serve a local Salesforce and Zendesk emulator loaded from a seed file.';

  static override description = `Starts, on 127.0.0.1 only, an in-memory emulator of the parts of the Salesforce REST API and the
Zendesk Support API that zdsf uses, loaded from a seed file (JSON or YAML: { salesforce, zendesk,
zendesk_instances }), so that validate, plan and apply run end to end without anyone's credentials.

Salesforce is served under /services/, the default Zendesk under /api/v2/, named Zendesk instances under
/zendesk/<name>/api/v2/. Zendesk bulk endpoints answer job statuses that complete over successive polls.
Each Zendesk instance has a per-minute rate limit (--rate-limit, else the seed's rate_limit_per_minute, else
700) answered with 429 and Retry-After. Control endpoints: GET /__sandbox/state (a seed of the current
records), GET /__sandbox/stats, POST /__sandbox/faults ({ rate_limit_per_minute, error_rate, latency_ms }),
POST /__sandbox/reset. It runs until Ctrl-C.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --seed fixtures/demo/seed.json',
    '<%= config.bin %> <%= command.id %> --seed big.yaml --port 0 --rate-limit 200',
    'curl -s http://127.0.0.1:8787/__sandbox/state > state.json   # save the state, load it later with --seed',
  ];

  static override flags = {
    seed: Flags.string({ char: 's', summary: 'Seed file (.json, .yaml or .yml).', required: true }),
    port: Flags.integer({ char: 'p', summary: `Port on 127.0.0.1 (0 = a free port).`, default: DEFAULT_SANDBOX_PORT, min: 0, max: 65535 }),
    'rate-limit': Flags.integer({ summary: 'Requests per minute allowed on each Zendesk instance (overrides the seed).', min: 1 }),
    'job-delay': Flags.integer({ summary: 'Milliseconds a Zendesk job takes to complete (default: one step per poll).', min: 0 }),
    verbose: Flags.boolean({ char: 'v', summary: 'Log one line per request to stderr.' }),
  };

  public async run(): Promise<void> {
    const { flags } = await this.parse(SandboxCommand);
    const sandbox = await startSandbox({
      seed: flags.seed,
      port: flags.port,
      rateLimitPerMinute: flags['rate-limit'],
      jobDelayMs: flags['job-delay'],
      logger: flags.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
    });
    process.stdout.write(sandboxBanner(sandbox));
    await this.waitForStop(sandbox);
    process.stderr.write('Stopping the sandbox.\n');
    await sandbox.close();
  }

  /** Resolves on Ctrl-C (SIGINT) or SIGTERM. Tests override it. */
  protected waitForStop(_sandbox: Sandbox): Promise<void> {
    return new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  }
}
