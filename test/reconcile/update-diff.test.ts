// The computed update diff (src/model/update-diff.ts, issue 12): an update's diff read from before / after when
// it is exactly the one reconcile built, byte for byte the same in every document; any other diff stays stored.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/model/seal.js';
import { PLAN_FORMAT_VERSION, type AttributeDiff, type Plan } from '../../src/model/plan.js';
import { hasUpdateDiff, leanUpdateDiff, updateDiff, withUpdateDiff } from '../../src/model/update-diff.js';
import { compareFields, compareScalar, compareTags, emptyComparison } from '../../src/reconcile/resources/resource.js';
import { renderJson } from '../../src/render/json.js';
import { sealPlan } from '../../src/services/plan.js';
import { readPlanFile, writePlanFile } from '../../src/services/plan-file.js';

const dir = await mkdtemp(join(tmpdir(), 'zdsf-update-diff-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** an organization update as reconcile compares it: a scalar, two custom fields and the tags */
function comparison() {
  const c = emptyComparison();
  compareScalar(c, 'notes', 'Key account', null, (v) => v ?? null);
  compareFields(c, 'organization_fields', { health: 'healthy', seats: 10, plan: 'Pro' }, { health: null, seats: 10 }, new Map());
  compareTags(c, null, ['sf_customer'], (t) => t.startsWith('sf_'));
  return c;
}
const head = () => ({ type: 'organization' as const, action: 'update' as const, key: '0015g000000006JAAQ', zendesk_id: 7, label: 'Acme', before: comparison().before, after: comparison().after });
const built = () => {
  const c = comparison();
  return withUpdateDiff({ ...head(), before: c.before, after: c.after }, c.diff, { sources: ['0015g000000006JAAQ'] });
};
const stored = () => {
  const c = comparison();
  return { ...head(), before: c.before, after: c.after, diff: c.diff, sources: ['0015g000000006JAAQ'] };
};

describe('the computed update diff', () => {
  it('is what reconcile built, a leaf at a time, with the same keys in the same order', () => {
    const a = built();
    const b = stored();
    expect(hasUpdateDiff(a)).toBe(true);
    expect(a.diff).toEqual<AttributeDiff[]>([
      { path: 'notes', before: null, after: 'Key account' },
      { path: 'organization_fields.health', before: null, after: 'healthy' },
      { path: 'organization_fields.plan', before: null, after: 'Pro' },
      { path: 'tags', before: [], after: ['sf_customer'] },
    ]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(Object.keys(a)).toEqual(Object.keys(b));
  });

  it('stays stored when it is not the computed one (organization names where before / after hold ids)', () => {
    const c = comparison();
    const named = [...c.diff, { path: 'organization_id', before: 'Old Co', after: 'New Co' }];
    const a = withUpdateDiff({ ...head(), before: c.before, after: c.after }, named, { sources: [] });
    expect(hasUpdateDiff(a)).toBe(false);
    expect(a.diff).toBe(named);
    // an assignment stores the value given, in the same place among the keys
    const b = built();
    const keys = Object.keys(b);
    b.diff = [{ path: 'notes', before: null, after: 'X' }];
    expect(hasUpdateDiff(b)).toBe(false);
    expect(b.diff).toEqual([{ path: 'notes', before: null, after: 'X' }]);
    expect(Object.keys(b)).toEqual(keys);
  });

  it('reads null for a leaf before does not hold', () => {
    expect(updateDiff({ tags: ['a'] }, { notes: 'n', user_fields: { t: 1 }, tags: ['b'] })).toEqual([
      { path: 'notes', before: null, after: 'n' },
      { path: 'user_fields.t', before: null, after: 1 },
      { path: 'tags', before: ['a'], after: ['b'] },
    ]);
  });

  it('is given back to a saved update only when its stored diff is exactly the computed one', () => {
    const same = leanUpdateDiff(JSON.parse(JSON.stringify(stored())) as Record<string, unknown>);
    expect(hasUpdateDiff(same)).toBe(true);
    expect(JSON.stringify(same)).toBe(JSON.stringify(stored()));
    const edited = JSON.parse(JSON.stringify(stored())) as { diff: { after: unknown }[] };
    edited.diff[0].after = 'Someone else';
    const kept = leanUpdateDiff(edited);
    expect(hasUpdateDiff(kept)).toBe(false);
    expect(kept.diff[0].after).toBe('Someone else');
    const short = JSON.parse(JSON.stringify(stored())) as { diff: unknown[] };
    short.diff.pop();
    expect(hasUpdateDiff(leanUpdateDiff(short))).toBe(false);
    // creates and memberships are not updates
    expect(hasUpdateDiff(leanUpdateDiff({ ...stored(), action: 'create' }))).toBe(false);
  });

  it('a saved plan with computed update diffs is written as with stored ones, and reads back sealed and equal', async () => {
    const plan = (changes: object[]): Plan =>
      sealPlan({
        format_version: PLAN_FORMAT_VERSION,
        created_at: '2026-12-02T00:00:00.000Z',
        config_digest: 'sha256:0',
        syncs: [{ name: 'demo', from: 'sf', to: 'zd', changes, warnings: [], summary: { create: 0, update: changes.length, delete: 0 } }],
        summary: { create: 0, update: changes.length, delete: 0 },
      } as unknown as Plan);
    const lean = plan([built()]);
    const full = plan([stored()]);
    expect(lean.seal).toBe(full.seal);
    const file = join(dir, 'plan.json');
    await writePlanFile(file, lean);
    expect(await readFile(file, 'utf8')).toBe(renderJson(full));
    const back = await readPlanFile(file);
    expect(hasUpdateDiff(back.syncs[0].changes[0])).toBe(true);
    expect(renderJson(back)).toBe(renderJson(full));
  });
});
