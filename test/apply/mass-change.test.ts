// The mass-change guard (issue 17 part 5), pure: counted per record type and attribute over updates only.
import { describe, expect, it } from 'vitest';
import { countAttributeChanges, findMassChanges, maxChangesLimit, writtenAttributes } from '../../src/apply/mass-change.js';
import type { UserUpdate } from '../../src/model/plan.js';
import { orgCreate, orgUpdate, syncConfig, userUpdate } from './helpers.js';

const orgUpdates = (n: number, before: Record<string, unknown>, after: Record<string, unknown>) => Array.from({ length: n }, (_, i) => orgUpdate(i + 1, `A${i}`, `Acme ${i}`, before, after));

describe('writtenAttributes / countAttributeChanges', () => {
  it("reads before / after (never the reviewer's diff): what is overwritten or cleared, custom fields one key at a time", () => {
    const u = userUpdate(
      100,
      'bob@acme.com',
      { user_fields: { a: 1, b: null, c: 'x' }, tags: ['gold', 'vip'], organization_id: 5, name: 'Bob' },
      { user_fields: { a: 2, b: 3, c: null }, tags: ['gold'], name: 'Bob B' },
      { id: 1, key: 'ACME' },
    ) as UserUpdate;
    expect(u.diff).toEqual([]);
    expect(writtenAttributes(u).sort()).toEqual(['name', 'organization_id', 'tags', 'user_fields.a', 'user_fields.c']);
  });

  it('does not count filling an empty attribute, adding tags, or a first organization', () => {
    const u = userUpdate(100, 'bob@acme.com', { user_fields: { a: null }, tags: ['gold'], organization_id: null, phone: '' }, { user_fields: { a: 1 }, tags: ['gold', 'vip'], phone: '+1' }, { id: 1, key: 'ACME' }) as UserUpdate;
    expect(writtenAttributes(u)).toEqual([]);
  });

  it('counts updates only, once per record and attribute', () => {
    const changes = [
      ...orgUpdates(3, { notes: 'a', tags: ['old'] }, { notes: 'b', tags: ['x'] }),
      orgCreate('NEW', 'New', { notes: 'b' }),
      userUpdate(100, 'bob@acme.com', { name: 'Bob' }, { name: 'Bob B' }),
    ];
    const counts = countAttributeChanges(changes);
    expect(Object.fromEntries(counts.organization)).toEqual({ notes: 3, tags: 3 });
    expect(Object.fromEntries(counts.user)).toEqual({ name: 1 });
  });
});

describe('maxChangesLimit', () => {
  it('is the configured number, or the percentage of the total rounded down, at least 1', () => {
    expect(maxChangesLimit({ count: 7 }, undefined)).toBe(7);
    expect(maxChangesLimit({ percent: 50 }, 45_000)).toBe(22_500);
    expect(maxChangesLimit({ percent: 50 }, 5)).toBe(2);
    expect(maxChangesLimit({ percent: 10 }, 3)).toBe(1);
    expect(maxChangesLimit({ percent: 50 }, undefined)).toBeUndefined();
  });
});

describe('findMassChanges', () => {
  const config = syncConfig('global');

  it('flags an attribute changed on more than 50% of the organizations by default, and only that one', () => {
    const changes = [...orgUpdates(3, { notes: 'a' }, { notes: 'b' }), orgUpdate(9, 'Z', 'Zed', { name: 'Zed' }, { name: 'Zed Ltd' })];
    const found = findMassChanges({ syncName: 'global', config, changes, totals: { organization: 4 } });
    expect(found.map((m) => [m.type, m.attribute, m.changes, m.limit])).toEqual([['organization', 'notes', 3, 2]]);
    expect(found[0].message).toBe(
      'sync "global" overwrites or clears notes on 3 organizations, more than max_changes (max_changes is 50% of the 4 organizations in Zendesk "global": 2): check the mapping, raise syncs.global.max_changes or pass --force',
    );
  });

  it('passes at the limit, and with a configured number counts no total', () => {
    const changes = orgUpdates(2, { notes: 'a' }, { notes: 'b' });
    expect(findMassChanges({ syncName: 'global', config, changes, totals: { organization: 4 } })).toEqual([]);
    expect(findMassChanges({ syncName: 'global', config: { ...config, max_changes: { count: 2 } }, changes, totals: {} })).toEqual([]);
    const over = findMassChanges({ syncName: 'global', config: { ...config, max_changes: { count: 1 } }, changes, totals: {} });
    expect(over.map((m) => m.message)).toEqual([expect.stringContaining('more than max_changes (max_changes is 1)')]);
  });

  it('refuses when the total a percentage needs is unknown', () => {
    const found = findMassChanges({ syncName: 'global', config, changes: [userUpdate(100, 'bob@acme.com', { name: 'Bob' }, { name: 'Bob B' })], totals: {} });
    expect(found.map((m) => m.message)).toEqual([expect.stringContaining('50% of the users in Zendesk "global", whose number is unknown')]);
  });

  it('counts users and organizations against their own totals', () => {
    const changes = [...orgUpdates(3, { notes: 'a' }, { notes: 'b' }), userUpdate(100, 'bob@acme.com', { name: 'Bob' }, { name: 'Bob B' })];
    const found = findMassChanges({ syncName: 'global', config, changes, totals: { organization: 100, user: 1 } });
    expect(found).toEqual([]);
  });
});
