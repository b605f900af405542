// syncs.<name>.max_changes (issue 17 part 5): a number or a percentage; anything else is a config error with its position.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'zdsf-max-changes-'));
const env = { SF_TOKEN: 'sf', ZD_TOKEN: 'zd' };
function text(value: string | null): string {
  return `version: 1
salesforce:
  prod:
    auth: { method: access_token, token: "\${SF_TOKEN}" }
zendesk:
  main:
    subdomain: example
    auth: { method: oauth, token: "\${ZD_TOKEN}" }
syncs:
  s:
    from: prod
    to: main
${value === null ? '' : `    max_changes: ${value}\n`}    organizations: {}
`;
}
async function load(value: string | null) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text(value));
  return loadConfig({ file, env });
}

describe('max_changes', () => {
  it('reads a number of records or a percentage', async () => {
    expect((await load('120')).config?.syncs[0].max_changes).toEqual({ count: 120 });
    expect((await load('"20%"')).config?.syncs[0].max_changes).toEqual({ percent: 20 });
    expect((await load('12.5%')).config?.syncs[0].max_changes).toEqual({ percent: 12.5 });
  });

  it('is absent by default (the guard then uses 50%)', async () => {
    const { config, diagnostics } = await load(null);
    expect(diagnostics).toEqual([]);
    expect(config?.syncs[0].max_changes).toBeUndefined();
  });

  it('refuses anything else, at its line and column', async () => {
    for (const bad of ['"half"', '150%', '-1', '1.5']) {
      const { config, diagnostics } = await load(bad);
      expect(config).toBeNull();
      expect(diagnostics.some((d) => d.path === 'syncs.s.max_changes' && d.line === 13 && d.severity === 'error')).toBe(true);
    }
  });
});
