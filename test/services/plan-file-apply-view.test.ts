// readPlanFile(path, { view: 'apply' }) (issue 12): what `zdsf apply PLANFILE` keeps of a saved plan. Every change
// as saved but its display-only diff and sources, checked against the same seal as the full read.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyView, isApplyView } from '../../src/model/apply-view.js';
import { withCreateDiff } from '../../src/model/create-diff.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan } from '../../src/model/plan.js';
import { sealPlan } from '../../src/services/plan.js';
import { readPlanFile, writePlanFile } from '../../src/services/plan-file.js';

const dir = await mkdtemp(join(tmpdir(), 'zdsf-apply-view-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const userAfter = { name: 'Ann', email: 'ann@example.com', user_fields: { job_title: 'CTO' }, tags: ['sf_title_cto'], role: 'end-user', verified: true, skip_verify_email: true };
const changes: Record<string, unknown>[] = [
  withCreateDiff(
    { type: 'user', action: 'create', key: 'ann@example.com', zendesk_id: null, label: 'ann@example.com', before: null, after: userAfter },
    { sources: ['0035g000000001AAA'], organization: { id: null, key: '0015g000000006JAAQ', name: 'Acme' }, reason: 'primary' },
  ),
  {
    type: 'organization',
    action: 'update',
    key: '0015g000000006JAAQ',
    zendesk_id: 7,
    label: 'Acme',
    before: { notes: null, tags: ['salesforce'] },
    after: { notes: 'Key account', tags: ['salesforce', 'sf_customer'] },
    diff: [
      { path: 'notes', before: null, after: 'Key account' },
      { path: 'tags', before: ['salesforce'], after: ['salesforce', 'sf_customer'] },
    ],
    sources: ['0015g000000006JAAQ'],
  },
  {
    type: 'membership',
    action: 'create',
    key: 'bob@example.com -> 0015g000000006JAAQ',
    zendesk_id: null,
    label: 'bob@example.com -> Acme',
    before: null,
    after: null,
    user: { id: 12, key: 'bob@example.com', email: 'bob@example.com' },
    organization: { id: 7, key: '0015g000000006JAAQ', name: 'Acme' },
    default: false,
    diff: [{ path: 'organization', before: null, after: 'Acme' }],
    reason: 'secondary',
    sources: ['0035g000000002AAA'],
  },
];

function plan(): Plan {
  return sealPlan({
    format_version: PLAN_FORMAT_VERSION,
    created_at: '2026-12-02T00:00:00.000Z',
    config_digest: 'sha256:0',
    syncs: [{ name: 'demo', from: 'sf', to: 'zd', changes, warnings: [], summary: { create: 2, update: 1, delete: 0 } }],
    summary: { create: 2, update: 1, delete: 0 },
  } as unknown as Plan);
}

/** a change as a plain object without its display-only fields */
function withoutDisplay(c: object): Record<string, unknown> {
  const { diff: _d, sources: _s, ...rest } = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
  return rest;
}

describe('the apply view of a saved plan', () => {
  it('keeps every field of every change but diff and sources, in the same order', async () => {
    const file = join(dir, 'plan.json');
    await writePlanFile(file, plan());
    const full = await readPlanFile(file);
    const view = await readPlanFile(file, { view: 'apply' });
    expect(view.seal).toBe(full.seal);
    expect(view.syncs[0].changes).toHaveLength(3);
    for (const [i, c] of view.syncs[0].changes.entries()) {
      expect(isApplyView(c)).toBe(true);
      expect(isApplyView(full.syncs[0].changes[i])).toBe(false);
      expect({ ...c }).toEqual(withoutDisplay(full.syncs[0].changes[i]));
      expect(Object.keys(c)).toEqual(Object.keys(withoutDisplay(full.syncs[0].changes[i])));
    }
    // the full read keeps them
    expect(full.syncs[0].changes[1].diff).toHaveLength(2);
    expect((full.syncs[0].changes[2] as unknown as { sources: string[] }).sources).toEqual(['0035g000000002AAA']);
  });

  it('throws when apply code reads diff or sources, instead of seeing nothing', () => {
    const c = applyView(JSON.parse(JSON.stringify(changes[1])) as Change);
    expect(() => c.diff).toThrow(/does not keep its display-only "diff"/);
    expect(() => (c as unknown as { sources: unknown }).sources).toThrow(/display-only "sources"/);
    expect(JSON.stringify(c)).not.toMatch(/"diff"|"sources"/);
  });

  it('shares tag lists frozen: changing one in place fails instead of changing every change that shares it', () => {
    const a = applyView(JSON.parse(JSON.stringify(changes[1])) as Change);
    const b = applyView(JSON.parse(JSON.stringify(changes[1])) as Change);
    const tags = (c: Change): string[] => (c.after as { tags: string[] }).tags;
    expect(tags(a)).toBe(tags(b));
    expect(Object.isFrozen(tags(a))).toBe(true);
    expect(() => tags(a).push('x')).toThrow(TypeError);
    expect((a.before as { tags: string[] }).tags).toEqual(['salesforce']);
  });

  it('is checked against the seal like the full read: an edited plan is refused', async () => {
    const file = join(dir, 'edited.json');
    await writePlanFile(file, plan());
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"Key account"', '"Someone else"'));
    await expect(readPlanFile(file, { view: 'apply' })).rejects.toThrow(/seal does not match/);
  });
});
