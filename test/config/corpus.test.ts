// Runs every config under corpus/broken (each declares the errors it must produce, `# expect: LINE:COL path: message`,
// on its first line and, for further errors, on lines at its end) and every config under corpus/valid (no errors).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadConfig } from '../../src/config/index.js';

const here = join('test', 'config', 'corpus');
const env = {
  SF_CLIENT_ID: 'test-client-id',
  SF_USERNAME: 'integration@example.com',
  SF_PRIVATE_KEY: 'test-private-key-value',
  SF_ACCESS_TOKEN: 'test-access-token-value',
  SF_PASSWORD: 'test-password-value',
  SF_SECURITY_TOKEN: 'test-security-token-value',
  SF_CLIENT_SECRET: 'test-client-secret-value',
  ZD_EMAIL: 'admin@example.com',
  ZD_TOKEN: 'test-zendesk-token-value',
};
const secretValues = ['test-private-key-value', 'test-access-token-value', 'test-password-value', 'test-zendesk-token-value', 'TEST-ONLY-NOT-A-REAL-KEY'];

const yamlFiles = (dir: string) => readdirSync(join(here, dir)).filter((f) => f.endsWith('.yaml')).sort();

interface Expectation {
  line: number;
  col: number;
  text: string;
}

function expectations(source: string): Expectation[] {
  const out: Expectation[] = [];
  for (const line of source.split('\n')) {
    const m = /^# expect: (\d+):(\d+) (.+)$/.exec(line);
    if (m) out.push({ line: Number(m[1]), col: Number(m[2]), text: m[3] });
  }
  return out;
}

describe('broken configs', () => {
  const files = yamlFiles('broken');

  it('has at least 30 of them, each declaring its expected diagnostic on the first line', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) {
      const first = readFileSync(join(here, 'broken', f), 'utf8').split('\n')[0];
      expect(first, f).toMatch(/^# expect: \d+:\d+ .+/);
    }
  });

  it.each(files)('%s reports exactly the expected errors, at the expected line and column', async (f) => {
    const file = join(here, 'broken', f);
    const source = readFileSync(file, 'utf8');
    const expected = expectations(source);
    const { config, diagnostics } = await loadConfig({ file, env, checkEnv: true });
    expect(config).toBeNull();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const actual = errors.map((d) => ({ line: d.line, col: d.col, text: d.path ? `${d.path}: ${d.message}` : d.message }));
    expect(actual).toEqual(expected);
    for (const d of diagnostics) {
      expect(d.file).toBe(file);
      expect(formatDiagnostic(d).startsWith(`${file}:${d.line}:${d.col}: `)).toBe(true);
      for (const secret of secretValues) expect(formatDiagnostic(d)).not.toContain(secret);
    }
  });

  it('never leaks a literal secret written in the file into a message', async () => {
    const file = join(here, 'broken', 'literal-token.yaml');
    const { diagnostics } = await loadConfig({ file, env, checkEnv: true });
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) expect(formatDiagnostic(d)).not.toContain('abc123def456');
  });
});

describe('valid configs', () => {
  it.each([...yamlFiles('valid').map((f) => join(here, 'valid', f)), 'sync.yaml'])('%s has no errors', async (file) => {
    const checkEnv = file !== 'sync.yaml'; // the root example's variables are not set here
    const { config, diagnostics } = await loadConfig({ file, env, checkEnv });
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(config).not.toBeNull();
    expect(config?.syncs.length).toBeGreaterThan(0);
  });
});
