// The reconcile helpers rewritten for scale (issue 12: no per-record sort, Set or lowercasing in a comparator)
// give exactly what the straightforward versions gave: checked against those versions, kept here, on generated
// inputs that include unnormalised, unsorted and duplicated tags and custom-field objects of varying shapes.
import { describe, expect, it } from 'vitest';
import { normalizedTagList, normalizeFieldValue, normalizeTags, sameValue } from '../../src/map/normalize.js';
import { compareFields, compareTags, emptyComparison, mergeTags, normalizedFields, tagOwner, type Comparison } from '../../src/reconcile/resources/resource.js';
import { orderChanges } from '../../src/reconcile/index.js';
import type { Change } from '../../src/model/plan.js';
import type { ZdFieldDef } from '../../src/model/zendesk.js';
import { prng } from '../../src/util/prng.js';

// the versions before issue 12
function mergeTagsBefore(current: string[] | null | undefined, desired: string[], owns: (t: string) => boolean): string[] {
  const keep = normalizeTags(current ?? []).filter((t) => !owns(t));
  return normalizeTags([...keep, ...desired]);
}
function compareTagsBefore(c: Comparison, current: string[] | null | undefined, desired: string[], owns: (t: string) => boolean): void {
  const next = mergeTagsBefore(current, desired, owns);
  if (sameValue(normalizeTags(current ?? []), next)) return;
  c.diff.push({ path: 'tags', before: current ?? [], after: next });
  c.before.tags = current ?? [];
  c.after.tags = next;
}
function compareFieldsBefore(c: Comparison, attribute: 'user_fields', desired: Record<string, unknown>, current: Record<string, unknown> | null | undefined, defs: Map<string, ZdFieldDef>): void {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of Object.keys(desired).sort()) {
    const def = defs.get(key);
    const want = normalizeFieldValue(desired[key], def);
    const raw = current?.[key];
    const have = normalizeFieldValue(raw, def);
    if (sameValue(want, have)) continue;
    before[key] = raw ?? null;
    after[key] = want ?? null;
    c.diff.push({ path: `${attribute}.${key}`, before: raw ?? null, after: want ?? null });
  }
  if (Object.keys(after).length > 0) {
    c.before[attribute] = before;
    c.after[attribute] = after;
  }
}
function orderBefore(changes: Change[]): Change[] {
  const GROUP: Record<string, number> = { organization: 0, user: 1, membership: 2 };
  const rank = (c: Change): number => (c.action === 'delete' ? 3 : (GROUP[c.type] ?? 2));
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const actionOrder: Record<string, number> = { create: 0, update: 1, make_default: 2, delete: 3 };
  return [...changes].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      cmp(a.label.toLowerCase(), b.label.toLowerCase()) ||
      cmp(a.label, b.label) ||
      (actionOrder[a.action] ?? 9) - (actionOrder[b.action] ?? 9) ||
      cmp(a.key, b.key),
  );
}

const rnd = prng(12);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const TAGS = ['sf_gold', 'sf_silver', 'vip', 'Partner', 'sf_Region EU', ' spaced ', 'a,b', '_under_', 'zeta', 'alpha', 'sf_', 'ÉTÉ', 'été', ''];
const tagList = (normalised: boolean): string[] => {
  const n = Math.floor(rnd() * 5);
  const xs = Array.from({ length: n }, () => pick(TAGS));
  return normalised ? normalizeTags(xs) : xs;
};

describe('reconcile hot paths (issue 12)', () => {
  it('normalizedTagList returns a normalised list as it is and normalises any other', () => {
    const ok = ['a', 'b_c', 'été'];
    expect(normalizedTagList(ok)).toBe(ok);
    for (const bad of [['b', 'a'], ['a', 'a'], ['A'], ['a b'], ['a,b'], ['_a'], ['a_'], [' a'], ['']]) {
      expect(normalizedTagList(bad)).not.toBe(bad);
      expect(normalizedTagList(bad)).toEqual(normalizeTags(bad));
    }
  });

  it('mergeTags and compareTags agree with the set-and-sort versions on 2,000 generated cases', () => {
    const owns = tagOwner({ prefix: 'sf_', static: ['vip'] }, ['partner']);
    for (let i = 0; i < 2000; i++) {
      const current = rnd() < 0.1 ? null : tagList(rnd() < 0.5);
      const desired = tagList(rnd() < 0.9);
      expect(mergeTags(current, desired, owns)).toEqual(mergeTagsBefore(current, desired, owns));
      const now = emptyComparison();
      const then = emptyComparison();
      compareTags(now, current, desired, owns);
      compareTagsBefore(then, current, desired, owns);
      expect(now).toEqual(then);
    }
  });

  it('compareFields and normalizedFields keep the sorted key order whatever the shapes of consecutive records', () => {
    const defs = new Map<string, ZdFieldDef>([
      ['tier', { key: 'tier', type: 'dropdown', custom_field_options: [{ name: 'Gold', value: 'gold' }] } as ZdFieldDef],
      ['seats', { key: 'seats', type: 'integer' } as ZdFieldDef],
    ]);
    const shapes = [['tier', 'seats', 'b'], ['b', 'tier'], ['seats'], [], ['z', 'a', 'seats', 'tier']];
    for (let i = 0; i < 500; i++) {
      const keys = pick(shapes);
      const desired = Object.fromEntries(keys.map((k) => [k, pick(['Gold', '3', ' x ', null, 4])]));
      const current = rnd() < 0.2 ? null : Object.fromEntries(keys.map((k) => [k, pick(['gold', 3, 'x', null])]));
      const now = emptyComparison();
      const then = emptyComparison();
      compareFields(now, 'user_fields', desired, current, defs);
      compareFieldsBefore(then, 'user_fields', desired, current, defs);
      expect(now).toEqual(then);
      expect(now.diff.map((d) => d.path)).toEqual(then.diff.map((d) => d.path));
      expect(Object.keys(normalizedFields(desired, defs))).toEqual(Object.keys(desired).sort().filter((k) => normalizeFieldValue(desired[k], defs.get(k)) != null));
    }
  });

  it('orderChanges gives the order of the comparator that lowercased in every comparison', () => {
    const labels = ['b@x.com', 'B@x.com', 'a@x.com', 'Acme', 'acme', 'Zeta Corp', 'été', 'Été'];
    const changes: Change[] = Array.from({ length: 2000 }, (_, i) => ({
      type: pick(['organization', 'user', 'membership'] as const),
      action: pick(['create', 'update', 'make_default', 'delete'] as const),
      key: `k${Math.floor(rnd() * 50)}`,
      label: pick(labels),
      zendesk_id: i,
      before: null,
      after: null,
      diff: [],
    })) as unknown as Change[];
    const input = [...changes];
    expect(orderChanges(changes)).toEqual(orderBefore(changes));
    expect(changes).toEqual(input);
  });
});
