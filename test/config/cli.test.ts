// End to end: `node bin/run.js validate` as an operator runs it, after the TypeScript build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const built = join('dist', 'src', 'commands', 'validate.js');

function newestSource(): number {
  const files = [join('src', 'commands', 'validate.ts'), join('src', 'services', 'validate.ts'), ...readdirSync(join('src', 'config')).map((f) => join('src', 'config', f))];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

beforeAll(() => {
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
    // `npm run build`; other modules' type errors do not stop tsc from emitting ours
    try {
      execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { stdio: 'pipe' });
    } catch {
      /* reported by the assertions below if our output is missing */
    }
  }
  expect(existsSync(built)).toBe(true);
}, 120_000);

// A clean environment: none of sync.yaml's variables set.
const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };

function zdsf(args: string[], env: Record<string, string> = cleanEnv) {
  const r = spawnSync(process.execPath, ['bin/run.js', ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'zdsf-cli-'));

describe('zdsf validate', () => {
  it('accepts the root sync.yaml offline with a one-line summary, exit 0', () => {
    const r = zdsf(['validate', '--no-env', '-c', 'sync.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('sync.yaml is valid: 2 syncs, 1 Salesforce org, 2 Zendesk instances\n');
  });

  it('reports a broken line of sync.yaml with file, line and column, exit 1', () => {
    const source = readFileSync('sync.yaml', 'utf8').split('\n');
    const line = source.findIndex((l) => /^\s+match: email\b/.test(l));
    expect(line).toBeGreaterThan(0);
    source[line] = source[line].replace('match: email', 'match: mail');
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, source.join('\n'));
    const col = source[line].indexOf('mail') + 1;
    const r = zdsf(['validate', '--no-env', '-c', file]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `${file}:${line + 1}:${col}: syncs.us-federal.users.match: must be one of email, external_id`,
      `${file} is not valid: 1 error`,
      '',
    ]);
  });

  it('names unset variables as warnings (exit 0), as errors with --require-env (exit 1), not at all with --no-env', () => {
    const names = ['SF_CLIENT_ID', 'SF_USERNAME', 'SF_JWT_KEY_FILE', 'ZD_GLOBAL_EMAIL', 'ZD_GLOBAL_TOKEN', 'ZD_FEDERAL_TOKEN'];
    const r = zdsf(['validate', '-c', 'sync.yaml']);
    expect(r.status).toBe(0);
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`: warning: .*environment variable ${name} is not set`));
    expect(r.stdout).toContain('sync.yaml is valid: 2 syncs, 1 Salesforce org, 2 Zendesk instances (6 warnings)');
    expect(r.stdout).not.toContain('SF_LOGIN_URL'); // has a default
    const strict = zdsf(['validate', '--require-env', '-c', 'sync.yaml']);
    expect(strict.status).toBe(1);
    for (const name of names) expect(strict.stdout).toMatch(new RegExp(`sync.yaml:\\d+:\\d+: [a-z._-]+: environment variable ${name} is not set`));
    const quiet = zdsf(['validate', '--no-env', '-c', 'sync.yaml']);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).not.toContain('environment variable');
  });

  it('passes with every variable set and the key file readable, without printing secrets', () => {
    const key = join(dir, 'key.pem');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nTEST\n-----END PRIVATE KEY-----\n');
    const env = {
      ...cleanEnv,
      SF_CLIENT_ID: 'client',
      SF_USERNAME: 'integration@example.com',
      SF_JWT_KEY_FILE: key,
      ZD_GLOBAL_EMAIL: 'admin@example.com',
      ZD_GLOBAL_TOKEN: 'global-token-secret',
      ZD_FEDERAL_TOKEN: 'federal-token-secret',
    };
    const r = zdsf(['validate', '-c', 'sync.yaml'], env);
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/token-secret|BEGIN PRIVATE KEY/);
  });

  it('--format json prints { valid, diagnostics } on stdout alone', () => {
    const r = zdsf(['validate', '--no-env', '--format', 'json', '-c', 'test/config/corpus/broken/several-errors.yaml']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { valid: boolean; diagnostics: Array<{ line: number; col: number; path: string; severity: string }> };
    expect(doc.valid).toBe(false);
    expect(doc.diagnostics.map((d) => `${d.line}:${d.col} ${d.path} ${d.severity}`)).toEqual([
      '18:9 syncs.global.to error',
      '29:14 syncs.global.users.match error',
      '30:21 syncs.global.users.verify_email error',
    ]);
    const ok = zdsf(['validate', '--no-env', '--format', 'json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, diagnostics: [] });
  });

  it('checks every file given after -c, as pre-commit passes them', () => {
    const r = zdsf(['validate', '--no-env', '-c', 'sync.yaml', 'test/config/corpus/broken/version-2.yaml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('sync.yaml is valid');
    expect(r.stdout).toContain('test/config/corpus/broken/version-2.yaml:2:10: version: must be 1');
  });

  it('explains a missing file, exit 1', () => {
    const r = zdsf(['validate', '-c', join(dir, 'absent.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('cannot read config file: no such file');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('--help describes the flags and gives examples', () => {
    const r = zdsf(['validate', '--help']);
    expect(r.status).toBe(0);
    for (const s of ['--config', '--[no-]env', '--format', 'EXAMPLES', 'zdsf validate --no-env -c sync.yaml']) expect(r.stdout).toContain(s);
  });
});
