// The computed diff of a create (issue 12, src/model/create-diff.ts): not held on the change, yet every
// document (JSON, canonical JSON for the seal, a saved plan read back) is what a stored diff gave, key order
// included.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDiff, hasCreateDiff, leanCreateDiff, withCreateDiff } from '../../src/model/create-diff.js';
import { canonicalJson } from '../../src/model/seal.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../../src/model/plan.js';
import { sealPlan } from '../../src/services/plan.js';
import { readPlanFile, writePlanFile } from '../../src/services/plan-file.js';
import { renderJson } from '../../src/render/json.js';

const after = { name: 'Ann', email: 'ann@example.com', user_fields: { job_title: 'CTO', salesforce_contact_id: '0035g000000001AAA' }, tags: ['a', 'b'], role: 'end-user', verified: true };
const org = { id: null, key: '0015g000000006JAAQ', name: 'Acme' };

/** the change as reconcile built it before: the diff stored */
function stored(withOrg: boolean) {
  const c: Record<string, unknown> = { type: 'user', action: 'create', key: 'ann@example.com', zendesk_id: null, label: 'ann@example.com', before: null, after, diff: createDiff(after), sources: ['0035g000000001AAA'] };
  if (withOrg) {
    c.organization = org;
    c.diff = [...(c.diff as unknown[]), { path: 'organization_id', before: null, after: 'Acme' }];
    c.reason = 'primary';
  }
  return c;
}
function computed(withOrg: boolean) {
  const c: Record<string, unknown> = withCreateDiff({ type: 'user', action: 'create', key: 'ann@example.com', zendesk_id: null, label: 'ann@example.com', before: null, after }, { sources: ['0035g000000001AAA'] });
  if (withOrg) {
    c.organization = org;
    c.reason = 'primary';
  }
  return c;
}

const dir = await mkdtemp(join(tmpdir(), 'zdsf-create-diff-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the computed create diff', () => {
  it.each([false, true])('reads, serialises and seals as the stored one (with organization: %s)', (withOrg) => {
    const a = computed(withOrg);
    const b = stored(withOrg);
    expect(hasCreateDiff(a)).toBe(true);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(a).toEqual(b);
  });

  it('stores what is assigned, in the same place among the keys', () => {
    const a = computed(false);
    const keys = Object.keys(a);
    a.diff = [{ path: 'name', before: null, after: 'X' }];
    expect(hasCreateDiff(a)).toBe(false);
    expect(a.diff).toEqual([{ path: 'name', before: null, after: 'X' }]);
    expect(Object.keys(a)).toEqual(keys);
  });

  it('is given back to a saved create only when the stored diff is exactly the computed one', () => {
    const same = leanCreateDiff(JSON.parse(JSON.stringify(stored(true))) as Record<string, unknown>);
    expect(hasCreateDiff(same)).toBe(true);
    expect(JSON.stringify(same)).toBe(JSON.stringify(stored(true)));
    // a diff that says something else (edited, or written by another zdsf) is kept as it is
    const edited = JSON.parse(JSON.stringify(stored(true))) as Record<string, unknown>;
    (edited.diff as { after: unknown }[])[0].after = 'Someone else';
    const kept = leanCreateDiff(edited);
    expect(hasCreateDiff(kept)).toBe(false);
    expect((kept.diff as { after: unknown }[])[0].after).toBe('Someone else');
    const short = JSON.parse(JSON.stringify(stored(false))) as Record<string, unknown>;
    (short.diff as unknown[]).pop();
    expect(hasCreateDiff(leanCreateDiff(short))).toBe(false);
    // updates keep their diffs
    const update = { type: 'user', action: 'update', key: 'k', zendesk_id: 1, label: 'k', before: { name: 'A' }, after: { name: 'B' }, diff: [{ path: 'name', before: 'A', after: 'B' }] };
    expect(hasCreateDiff(leanCreateDiff(update))).toBe(false);
  });

  it('a saved plan with computed diffs is written as with stored ones, and reads back sealed and equal', async () => {
    const plan = (changes: Record<string, unknown>[]): Plan =>
      sealPlan({
        format_version: PLAN_FORMAT_VERSION,
        created_at: '2026-12-02T00:00:00.000Z',
        config_digest: 'sha256:0',
        syncs: [{ name: 'demo', from: 'sf', to: 'zd', changes, warnings: [], summary: { create: changes.length, update: 0, delete: 0 } }],
        summary: { create: changes.length, update: 0, delete: 0 },
      } as unknown as Plan);
    const lean = plan([computed(true), computed(false)]);
    const full = plan([stored(true), stored(false)]);
    expect(lean.seal).toBe(full.seal);
    expect(renderJson(lean)).toBe(renderJson(full));
    const file = join(dir, 'plan.json');
    await writePlanFile(file, lean);
    expect(await readFile(file, 'utf8')).toBe(renderJson(full));
    const back = await readPlanFile(file);
    expect(back.syncs[0].changes.every((c) => hasCreateDiff(c))).toBe(true);
    expect(renderJson(back)).toBe(renderJson(full));
  });
});
