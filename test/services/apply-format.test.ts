import { describe, expect, it } from 'vitest';
import type { ApplyResult, SyncApplyResult } from '../../src/apply/index.js';
import { formatApplyResult } from '../../src/services/apply.js';

const sync = (name: string, over: Partial<SyncApplyResult> = {}): SyncApplyResult => ({
  name,
  added: 0,
  changed: 0,
  destroyed: 0,
  skipped: 0,
  failures: [],
  notAttempted: 0,
  requests: 0,
  ...over,
});

function result(syncs: SyncApplyResult[]): ApplyResult {
  const failures = syncs.flatMap((s) => s.failures);
  const sum = (k: 'added' | 'changed' | 'destroyed' | 'skipped') => syncs.reduce((n, s) => n + s[k], 0);
  const errors = syncs.filter((s) => s.error).map((s) => ({ sync: s.name, message: s.error! }));
  return { syncs, notSelected: [], added: sum('added'), changed: sum('changed'), destroyed: sum('destroyed'), skipped: sum('skipped'), failures, errors, ok: failures.length === 0 && errors.length === 0 };
}

describe('formatApplyResult', () => {
  it('ends with the terraform-style line for one sync', () => {
    const out = formatApplyResult(result([sync('global', { added: 2, changed: 1 })]));
    expect(out).toBe('Apply complete! Resources: 2 added, 1 changed, 0 destroyed.\n');
  });

  it('gives each sync its own line, then the combined one, and every failure with its reason', () => {
    const failure = { sync: 'global', type: 'organization' as const, action: 'create' as const, key: '001A', label: 'Acme', zendesk_id: null, request: 'POST /api/v2/organizations/create_many (batch 1 of 1, item 3)', reason: 'DuplicateValue: Name: has already been taken' };
    const out = formatApplyResult(
      result([sync('global', { added: 13, changed: 4, destroyed: 2, failures: [failure] }), sync('us-federal', { error: 'Cannot reach Zendesk instance us-federal at http://x', notAttempted: 5 })]),
    );
    const lines = out.trimEnd().split('\n');
    expect(lines).toContain('Error: sync "us-federal": Cannot reach Zendesk instance us-federal at http://x (5 changes not attempted)');
    expect(lines).toContain('  - organization "Acme" (create, sync "global"): DuplicateValue: Name: has already been taken [POST /api/v2/organizations/create_many (batch 1 of 1, item 3)]');
    expect(lines).toContain('Sync "global": 13 added, 4 changed, 2 destroyed (1 failed).');
    expect(lines).toContain('Sync "us-federal": 0 added, 0 changed, 0 destroyed (failed).');
    expect(lines.at(-1)).toBe('Apply finished with errors. Resources: 13 added, 4 changed, 2 destroyed.');
  });
});
