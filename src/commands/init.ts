import { access, writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { readLiveSchema, renderStarterConfig } from '../services/init.js';
import { validateConfig } from '../services/validate.js';
import { ZdsfError } from '../util/errors.js';

export default class Init extends BaseCommand {
  static override summary = 'Write a commented starter sync.yaml from a live (or sandbox) Salesforce and Zendesk.';

  static override description = `Reads the Account and Contact describes of a Salesforce org and the custom fields and multiple-organizations
setting of a Zendesk instance, and writes a starter sync.yaml: one sync, each Zendesk field mapped to the Salesforce
field whose name matches and whose type fits (the others as comments to complete by hand). Credentials are read
from the environment and written as \${VAR} references: SF_ACCESS_TOKEN, or SF_CLIENT_ID, SF_USERNAME and
SF_JWT_KEY / SF_JWT_KEY_FILE (jwt); ZD_EMAIL and ZD_API_TOKEN, or ZD_OAUTH_TOKEN.
It refuses to overwrite an existing file without --force. The file written passes \`zdsf validate\`.`;

  static override examples = [
    'SF_ACCESS_TOKEN=... ZD_EMAIL=ops@example.com ZD_API_TOKEN=... <%= config.bin %> <%= command.id %> --salesforce-url https://example.my.salesforce.com --zendesk-url https://example.zendesk.com',
    '<%= config.bin %> <%= command.id %> --salesforce-url http://127.0.0.1:8787 --zendesk-url http://127.0.0.1:8787 --out sandbox.yaml',
  ];

  static override flags = {
    out: Flags.string({ char: 'o', summary: 'File to write.', default: 'sync.yaml' }),
    force: Flags.boolean({ summary: 'Overwrite the file if it exists.' }),
    'salesforce-url': Flags.string({ summary: 'Salesforce login URL (default $SF_LOGIN_URL or https://login.salesforce.com).' }),
    'zendesk-url': Flags.string({ summary: 'Zendesk URL, e.g. https://example.zendesk.com (default $ZD_URL).' }),
    'api-version': Flags.string({ summary: 'Salesforce API version.', default: '62.0' }),
  };

  public async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const exists = await access(flags.out).then(
      () => true,
      () => false,
    );
    if (exists && !flags.force) throw new ZdsfError(`${flags.out} exists: nothing was written (pass --force to overwrite it, or --out FILE)`, 'init_exists');
    const zendeskUrl = flags['zendesk-url'] ?? process.env.ZD_URL;
    if (!zendeskUrl) throw new ZdsfError('give the Zendesk URL with --zendesk-url https://SUBDOMAIN.zendesk.com (or set ZD_URL)', 'init_usage');
    const sources = {
      salesforceUrl: flags['salesforce-url'] ?? process.env.SF_LOGIN_URL ?? 'https://login.salesforce.com',
      zendeskUrl,
      env: process.env,
      apiVersion: flags['api-version'],
    };
    const schema = await readLiveSchema(sources);
    await writeFile(flags.out, renderStarterConfig(schema, sources), 'utf8');
    const result = await validateConfig({ file: flags.out, env: process.env, checkEnv: false });
    process.stderr.write(`Wrote ${flags.out}: ${result.summary.replace(`${flags.out} is `, '')}. Next: review it, then zdsf check -c ${flags.out}\n`);
    if (!result.valid) this.exit(1);
  }
}
