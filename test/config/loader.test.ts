import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDigest, formatDiagnostic, interpolate, isLoopback, loadConfig, loadConfigOrThrow, soqlConditionProblem } from '../../src/config/index.js';
import { ZdsfError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'zdsf-config-'));
let n = 0;
function write(text: string, name = `c${n++}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const env = { SF_TOKEN: 'sf-token-value', ZD_TOKEN: 'zd-token-value' };
const HEAD = `version: 1
salesforce:
  prod:
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  main:
    subdomain: example
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
`;

describe('loadConfig: typed config and defaults', () => {
  it('applies every default of DESIGN.md section 2', async () => {
    const file = write(`${HEAD}syncs:
  s:
    from: prod
    to: main
    organizations: {}
    users:
      sources: [{ object: Contact }]
`);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(diagnostics).toEqual([]);
    expect(config).not.toBeNull();
    const c = config!;
    expect(c.version).toBe(1);
    expect(c.file).toBe(file);
    expect(c.digest).toBe(configDigest(readFileSync(file, 'utf8'))); // over the parsed config: see test/config/digest.test.ts
    expect(c.salesforce.prod).toMatchObject({ name: 'prod', login_url: 'https://login.salesforce.com', api_version: '62.0' });
    expect(c.salesforce.prod.auth).toEqual({ method: 'access_token', token: 'sf-token-value' });
    expect(c.zendesk.main).toMatchObject({ name: 'main', url: 'https://example.zendesk.com', multiple_organizations: false });
    expect(c.zendesk.main.auth).toEqual({ method: 'oauth', token: 'zd-token-value' });
    expect(c.zendesk.main.max_requests_per_minute).toBeUndefined();
    const s = c.syncs[0];
    expect(s).toMatchObject({ name: 's', from: 'prod', to: 'main', protected: { external_ids: [], names: [], domains: [] } });
    expect(s.organizations).toMatchObject({ match: 'external_id', adopt_by_name: false, fields: {}, include: [] });
    expect(s.organizations?.name).toMatchObject({ kind: 'field', from: 'Name', name: 'syncs.s.organizations.name' });
    expect(s.users).toMatchObject({
      match: 'email',
      email: 'Email',
      verify_email: false,
      relationships: { primary: true, secondary: false },
      fields: {},
    });
    expect(s.users?.name).toMatchObject({ kind: 'field', from: 'Name', name: 'syncs.s.users.name' });
    expect(s.users?.sources).toEqual([{ object: 'Contact', pos: { file, line: 15, col: 17 } }]);
    expect(s.pos).toEqual({ file, line: 10, col: 3 });
  });

  it('normalises the four mapping forms with their config path and position', async () => {
    const file = write(`${HEAD}syncs:
  s:
    from: prod
    to: main
    organizations:
      fields:
        owner: Owner.Name
        health: { from: Health__c, map: { Green: healthy, Red: at_risk }, default: unknown }
        seats: { from: Subs__r.Seats__c, aggregate: sum }
        plans: { from: Subs__r.Plan__c, aggregate: join }
        managed: { value: true }
        label: { template: "{Name} ({Type})" }
      include:
        Subs__r: { where: "Active__c = true", fields: [Start__c] }
      tags: { from: [Type] }
`);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(diagnostics).toEqual([]);
    const f = config!.syncs[0].organizations!.fields;
    expect(f.owner).toEqual({ kind: 'field', from: 'Owner.Name', name: 'syncs.s.organizations.fields.owner', pos: { file, line: 15, col: 16 } });
    expect(f.health).toMatchObject({ kind: 'field', from: 'Health__c', map: { Green: 'healthy', Red: 'at_risk' }, default: 'unknown' });
    expect(f.seats).toMatchObject({ kind: 'field', from: 'Subs__r.Seats__c', aggregate: 'sum' });
    expect(f.plans).toMatchObject({ aggregate: 'join', separator: ', ' });
    expect(f.managed).toMatchObject({ kind: 'value', value: true, name: 'syncs.s.organizations.fields.managed' });
    expect(f.label).toMatchObject({ kind: 'template', template: '{Name} ({Type})' });
    expect(config!.syncs[0].organizations!.include).toEqual([
      { relationship: 'Subs__r', where: 'Active__c = true', fields: ['Start__c'], pos: { file, line: 22, col: 9 } },
    ]);
    expect(config!.syncs[0].organizations!.tags).toMatchObject({ prefix: '', from: ['Type'], static: [] });
  });

  it('builds the Zendesk url from url without trailing slash, and lowercases a subdomain', async () => {
    const file = write(`version: 1
salesforce:
  prod:
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  a:
    url: https://support.example.com/
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
  b:
    subdomain: Acme
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
syncs:
  s: { from: prod, to: a, organizations: {} }
`);
    const config = await loadConfigOrThrow({ file, env });
    expect(config.zendesk.a.url).toBe('https://support.example.com');
    expect(config.zendesk.b.url).toBe('https://acme.zendesk.com');
  });
});

describe('loadConfig: ${VAR} interpolation', () => {
  it('substitutes variables and defaults, reads unquoted integers as numbers, keeps quoted text', async () => {
    const file = write(`version: 1
salesforce:
  prod:
    login_url: \${SF_LOGIN:-https://test.salesforce.com}
    api_version: "\${SF_API:-61.0}"
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  main:
    url: https://\${ZD_SUB}.zendesk.com
    max_requests_per_minute: \${ZD_RPM:-300}
    multiple_organizations: \${ZD_MULTI}
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
syncs:
  s: { from: prod, to: main, organizations: { where: "Name != '$\${literal}'" } }
`);
    const config = await loadConfigOrThrow({ file, env: { ...env, ZD_SUB: 'acme', ZD_RPM: '', ZD_MULTI: 'true' } });
    expect(config.salesforce.prod.login_url).toBe('https://test.salesforce.com');
    expect(config.salesforce.prod.api_version).toBe('61.0');
    expect(config.zendesk.main.url).toBe('https://acme.zendesk.com');
    expect(config.zendesk.main.max_requests_per_minute).toBe(300);
    expect(config.zendesk.main.multiple_organizations).toBe(true);
    expect(config.syncs[0].organizations?.where).toBe("Name != '${literal}'");
  });

  it('names every unset variable, and --no-env (checkEnv: false) skips that', async () => {
    const file = write(`version: 1
salesforce:
  prod:
    auth: { method: jwt, client_id: "\${SF_CLIENT}", username: "\${SF_USER}", private_key_file: "\${SF_KEY_FILE}" }
zendesk:
  main:
    subdomain: example
    auth: { method: oauth, token: "\${ZD_OAUTH}" }
syncs:
  s: { from: prod, to: main, organizations: {} }
`);
    const strict = await loadConfig({ file, env: {} });
    expect(strict.config).toBeNull();
    expect(strict.diagnostics.map((d) => `${d.line}:${d.col} ${d.path} ${d.message.split(' (')[0]}`)).toEqual([
      '4:37 salesforce.prod.auth.client_id environment variable SF_CLIENT is not set',
      '4:63 salesforce.prod.auth.username environment variable SF_USER is not set',
      '4:95 salesforce.prod.auth.private_key_file environment variable SF_KEY_FILE is not set',
      '8:35 zendesk.main.auth.token environment variable ZD_OAUTH is not set',
    ]);
    const lenient = await loadConfig({ file, env: {}, checkEnv: false });
    expect(lenient.diagnostics).toEqual([]);
    expect(lenient.config?.salesforce.prod.auth).toMatchObject({ method: 'jwt', private_key: '' });
  });

  it('interpolate() follows the shell: default when unset or empty, $${ for a literal', () => {
    expect(interpolate('${A}-${B:-b}-${C:-c}', { A: 'a', B: '' }).value).toBe('a-b-c');
    expect(interpolate('${A}', {}).unresolved).toEqual(['A']);
    expect(interpolate('$${A}', { A: 'x' }).value).toBe('${A}');
    expect(interpolate('${A', {}).errors[0]).toMatch(/unterminated/);
    expect(interpolate('${1A}', {}).errors[0]).toMatch(/not a valid reference/);
  });
});

describe('loadConfig: secrets', () => {
  it('reads *_file secrets relative to the config file, trimming tokens and keeping keys whole', async () => {
    const sub = mkdtempSync(join(dir, 'secrets-'));
    writeFileSync(join(sub, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n');
    writeFileSync(join(sub, 'token.txt'), '  zd-file-token\n');
    const file = join(sub, 'sync.yaml');
    writeFileSync(
      file,
      `version: 1
salesforce:
  prod:
    auth: { method: jwt, client_id: cid, username: u@example.com, private_key_file: key.pem }
zendesk:
  main:
    subdomain: example
    auth: { method: api_token, email: a@example.com, token_file: ./token.txt }
syncs:
  s: { from: prod, to: main, organizations: {} }
`,
    );
    const config = await loadConfigOrThrow({ file, env: {} });
    expect(config.salesforce.prod.auth).toEqual({
      method: 'jwt',
      client_id: 'cid',
      username: 'u@example.com',
      private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
    });
    expect(config.zendesk.main.auth).toEqual({ method: 'api_token', email: 'a@example.com', token: 'zd-file-token' });
  });

  it('refuses literal secrets for every secret key, without echoing them', async () => {
    const file = write(`version: 1
salesforce:
  a:
    auth: { method: client_credentials, client_id: x, client_secret: hunter2-secret }
  b:
    auth: { method: password, username: u, password: hunter3-password, security_token: hunter4-token }
zendesk:
  main:
    subdomain: example
    auth: { method: oauth, token: hunter5-token }
syncs:
  s: { from: a, to: main, organizations: {} }
`);
    const { diagnostics } = await loadConfig({ file, env });
    expect(diagnostics.map((d) => d.path)).toEqual([
      'salesforce.a.auth.client_secret',
      'salesforce.b.auth.password',
      'salesforce.b.auth.security_token',
      'zendesk.main.auth.token',
    ]);
    for (const d of diagnostics) {
      expect(d.message).toMatch(/^literal secrets are refused: write \w+: \$\{[A-Z_]+\}/);
      expect(formatDiagnostic(d)).not.toMatch(/hunter/);
    }
  });
});

describe('loadConfig: files and errors', () => {
  it('reports a missing file clearly, and loadConfigOrThrow lists every error, one a line', async () => {
    const missing = join(dir, 'nope.yaml');
    const r = await loadConfig({ file: missing });
    expect(r.config).toBeNull();
    expect(formatDiagnostic(r.diagnostics[0])).toBe(
      `${missing}:1:1: cannot read config file: no such file (give the config with -c FILE, or create sync.yaml; see docs/configuration.md)`,
    );
    const file = write(`${HEAD}syncs:
  s: { from: nope, to: main, users: { sources: [{ object: Contact }], match: mail } }
`);
    const err = await loadConfigOrThrow({ file, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZdsfError);
    expect((err as ZdsfError).code).toBe('config_invalid');
    expect((err as ZdsfError).message.split('\n')).toEqual([
      `${file} is not valid (2 errors):`,
      `${file}:10:14: syncs.s.from: Salesforce org "nope" is not declared under salesforce (declared: prod)`,
      `${file}:10:78: syncs.s.users.match: must be one of email, external_id`,
    ]);
  });

  it('reports the first YAML syntax errors and summarises the cascade after them', async () => {
    const file = write(`version: 1\nsalesforce: { a: 1\n${Array.from({ length: 12 }, (_, i) => `k${i}: "x" y }\n`).join('')}`);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(config).toBeNull();
    expect(diagnostics.length).toBe(6);
    expect(diagnostics.every((d) => d.message.startsWith('YAML syntax error: '))).toBe(true);
    expect(diagnostics[5].message).toMatch(/^YAML syntax error: \d+ more from here on/);
  });

  it('formats diagnostics as FILE:LINE:COL: path: message, warnings marked', () => {
    const d = { file: 'sync.yaml', line: 12, col: 5, path: 'syncs.global.users.match', message: 'must be one of email, external_id' };
    expect(formatDiagnostic({ ...d, severity: 'error' })).toBe('sync.yaml:12:5: syncs.global.users.match: must be one of email, external_id');
    expect(formatDiagnostic({ ...d, severity: 'warning' })).toBe('sync.yaml:12:5: warning: syncs.global.users.match: must be one of email, external_id');
    expect(formatDiagnostic({ ...d, path: '', severity: 'error' })).toBe('sync.yaml:12:5: must be one of email, external_id');
  });

  it('keeps the config when there are only warnings', async () => {
    const file = write(`${HEAD}syncs:
  s:
    from: prod
    to: main
    organizations:
      notes: { template: "no placeholders" }
      include: { Unused__r: {} }
`);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(config).not.toBeNull();
    expect(diagnostics.map((d) => `${d.severity} ${d.line}:${d.col} ${d.path}`)).toEqual([
      'warning 14:26 syncs.s.organizations.notes.template',
      'warning 15:18 syncs.s.organizations.include.Unused__r',
    ]);
  });
});

describe('cross-sync checks', () => {
  it('warns when two syncs write the same section of one Zendesk instance', async () => {
    const file = write(`${HEAD}syncs:
  a: { from: prod, to: main, organizations: {} }
  b: { from: prod, to: main, organizations: { where: "Type = 'Partner'" }, users: { sources: [{ object: Lead }] } }
`);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(config).not.toBeNull();
    expect(diagnostics.map((d) => `${d.severity} ${d.line}:${d.col} ${d.path}: ${d.message}`)).toEqual([
      'warning 11:30 syncs.b.organizations: syncs "a" and "b" both sync organizations into Zendesk instance "main": each may undo the other\'s changes unless their records never overlap',
    ]);
  });
});

describe('offline checks', () => {
  it('accepts the SOQL conditions of GitLab\'s syncs (seed 003) and rejects broken ones', () => {
    expect(
      soqlConditionProblem(
        "(Account.Type IN ('Customer', 'Former Customer') OR Account.Account_ID_18__c = '0014M00001sGJ8xQAG') OR (Account.Type = 'Partner' AND Account.Partners_Partner_Status__c IN ('Authorized', 'Former'))",
        'Account',
      ),
    ).toBeUndefined();
    expect(soqlConditionProblem("Inactive_Contact__c = false AND Account.Account_Territory__c LIKE 'USPUB_FED%'", 'Contact')).toBeUndefined();
    expect(soqlConditionProblem("Type = 'Former Customer' AND Next_Renewal_Date__c < LAST_N_YEARS:3", 'Account')).toBeUndefined();
    expect(soqlConditionProblem("Type = 'A' ORDER BY Name", 'Account')).toMatch(/not ORDER BY/);
    expect(soqlConditionProblem('Type IN (', 'Account')).toMatch(/^SOQL condition does not parse/);
  });

  it('treats only 127.0.0.0/8, localhost and ::1 as loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '[::1]', '::1', 'api.localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['example.com', '10.0.0.1', '128.0.0.1', '0.0.0.0', 'localhost.example.com', '[::2]']) expect(isLoopback(h), h).toBe(false);
  });
});

describe('--no-env with empty variables (issue 14)', () => {
  it('treats a set but empty secret variable as absent, so a valid config stays valid', async () => {
    const file = write(`${HEAD}syncs:\n  s:\n    from: prod\n    to: main\n    organizations: {}\n`);
    const empty = { SF_TOKEN: '', ZD_TOKEN: '' };
    const offline = await loadConfig({ file, env: empty, checkEnv: false });
    expect(offline.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(offline.config).not.toBeNull();
    // with the environment checked, an empty secret is still an error
    const online = await loadConfig({ file, env: empty, checkEnv: true });
    expect(online.config).toBeNull();
  });
});

describe('timeout_seconds (issue 14)', () => {
  it('is read per Salesforce and Zendesk instance, and checked', async () => {
    const file = write(`version: 1
salesforce:
  prod:
    timeout_seconds: 45
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  main:
    subdomain: example
    timeout_seconds: 12
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
syncs:
  s:
    from: prod
    to: main
    organizations: {}
`);
    const { config, diagnostics } = await loadConfig({ file, env });
    expect(diagnostics).toEqual([]);
    expect(config?.salesforce.prod.timeout_seconds).toBe(45);
    expect(config?.zendesk.main.timeout_seconds).toBe(12);
    const bad = write(readFileSync(file, 'utf8').replace('timeout_seconds: 45', 'timeout_seconds: 0'));
    const r = await loadConfig({ file: bad, env });
    expect(r.config).toBeNull();
    expect(r.diagnostics[0]).toMatchObject({ line: 4 });
  });
});
