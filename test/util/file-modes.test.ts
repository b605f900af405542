// Plan files and the audit log hold names and emails: created 0600 (issue 14).
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/apply/audit.js';
import { writePlanFile } from '../../src/services/plan-file.js';
import { samplePlan } from '../render/sample-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'zdsf-modes-'));
const mode = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('a saved plan is 0600, also when it replaces a 0644 file', async () => {
    const p = join(dir, 'plan.json');
    writeFileSync(p, '{}');
    chmodSync(p, 0o644);
    await writePlanFile(p, samplePlan());
    expect(mode(p)).toBe(0o600);
  });

  it('the audit log is 0600, and an existing 0644 log is tightened', () => {
    const fresh = join(dir, 'audit.jsonl');
    createAuditLog(fresh).close();
    expect(mode(fresh)).toBe(0o600);
    const old = join(dir, 'old-audit.jsonl');
    writeFileSync(old, '');
    chmodSync(old, 0o644);
    createAuditLog(old).close();
    expect(mode(old)).toBe(0o600);
  });
});
