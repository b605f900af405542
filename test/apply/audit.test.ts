import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog, redact, type AuditEntry } from '../../src/apply/audit.js';
import { applyPlan } from '../../src/apply/executor.js';
import { FakeWriter } from './fake-writer.js';
import { makeConfig, makePlan, orgCreate, syncConfig, userCreate } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'zdsf-audit-'));
  dirs.push(d);
  return d;
}

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: '2026-11-23T01:00:00.000Z',
  sync: 'global',
  type: 'user',
  action: 'create',
  key: 'ann@x.com',
  zendesk_id: 7,
  before: null,
  after: { name: 'Ann', email: 'ann@x.com' },
  outcome: 'ok',
  ...over,
});

describe('redact', () => {
  it('replaces values under secret-looking keys, at any depth, and credentials inside strings', () => {
    const out = redact({
      token: 'abc',
      nested: { Password: 'p', api_token: 't', list: [{ client_secret: 's', private_key: 'k', Authorization: 'Basic Zm9vOmJhcg==' }] },
      note: 'sent with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload',
      name: 'kept',
      secret_question: null,
    });
    expect(out).toEqual({
      token: '[REDACTED]',
      nested: { Password: '[REDACTED]', api_token: '[REDACTED]', list: [{ client_secret: '[REDACTED]', private_key: '[REDACTED]', Authorization: '[REDACTED]' }] },
      note: 'sent with Authorization: Bearer [REDACTED]',
      name: 'kept',
      secret_question: null,
    });
  });
});

describe('createAuditLog', () => {
  it('appends one valid JSON object a line, secrets redacted', () => {
    const path = join(tmp(), 'logs', 'audit.jsonl');
    const log = createAuditLog(path);
    log.write(entry());
    log.write(entry({ outcome: 'failed', error: 'RecordInvalid', after: { name: 'Ann', password: 'hunter2', user_fields: { api_key: 'k1' } } }));
    log.close();
    const again = createAuditLog(path);
    again.write(entry({ key: 'bob@x.com', outcome: 'skipped' }));
    again.close();
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const parsed = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(parsed.map((p) => p.outcome)).toEqual(['ok', 'failed', 'skipped']);
    expect(parsed[1].after).toEqual({ name: 'Ann', password: '[REDACTED]', user_fields: { api_key: '[REDACTED]' } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('k1');
  });

  it('names the path when the log cannot be opened', () => {
    const file = join(tmp(), 'file');
    createAuditLog(file).close();
    expect(() => createAuditLog(join(file, 'x.jsonl'))).toThrow(/Cannot open the audit log .*file\/x\.jsonl/);
  });

  it('receives a line for every change of an apply', async () => {
    const path = join(tmp(), 'audit.jsonl');
    const log = createAuditLog(path);
    const w = new FakeWriter();
    await applyPlan({
      plan: makePlan({ global: [orgCreate('A', 'Acme'), userCreate('ann@x.com', 'Ann', 'A', { user_fields: { auth_token: 'zzz-secret' } })] }),
      config: makeConfig([syncConfig('global', { users: { ...syncConfig().users!, fields: { auth_token: { kind: 'field', from: 'Token__c', name: 'syncs.global.users.fields.auth_token' } } } })]),
      writerFor: () => w,
      audit: log.write,
    });
    log.close();
    expect(log.count).toBe(2);
    const parsed = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(parsed.map((p) => `${p.type}:${p.action}:${p.key}:${p.outcome}`)).toEqual(['organization:create:A:ok', 'user:create:ann@x.com:ok']);
    expect(parsed[1].after).toMatchObject({ organization_id: parsed[0].zendesk_id, user_fields: { auth_token: '[REDACTED]' } });
  });
});
