// The guard's pure parts, with plain data (the sandbox cases are in tamper.test.ts).
import { describe, expect, it } from 'vitest';
import { defaultMaxDeletes, guardAgainstConfig, guardAgainstLive, writableAttributes } from '../../src/apply/guard.js';
import { checkChanges, LiveIndex } from '../../src/apply/stale.js';
import { canonicalJson, computeSeal } from '../../src/model/seal.js';
import type { ZdOrganization } from '../../src/model/zendesk.js';
import { makeConfig, makePlan, orgDelete, orgUpdate, syncConfig } from './helpers.js';

const match = { organizations: 'external_id', users: 'email' } as const;
const org = (o: Partial<ZdOrganization>): ZdOrganization => ({ id: 1, name: 'A', external_id: 'A', tags: [], domain_names: [], notes: null, details: null, organization_fields: {}, ...o });

describe('max_deletes', () => {
  it('defaults to 10% of the live organizations, rounded down, at least 1', () => {
    expect([0, 5, 10, 19, 20, 29, 1000].map(defaultMaxDeletes)).toEqual([1, 1, 1, 1, 2, 2, 100]);
  });

  it('counts the live number: 3 deletes of 29 organizations are refused, of 30 allowed', () => {
    const sync = makePlan({ global: [orgDelete(1, 'A', 'A'), orgDelete(2, 'B', 'B'), orgDelete(3, 'C', 'C')] }).syncs[0];
    const live = new LiveIndex({ organizations: [org({ id: 1 }), org({ id: 2, external_id: 'B' }), org({ id: 3, external_id: 'C' })], users: [], memberships: [] }, match);
    const at = (n: number) => guardAgainstLive({ sync, config: syncConfig(), live, organizationCount: n, allowDelete: true, force: false }).deletes;
    expect(at(29)).toHaveLength(1);
    expect(at(30)).toEqual([]);
  });
});

describe('the stale check of a delete', () => {
  it('refuses a delete whose record is no longer the one the plan saw (before)', () => {
    const live = { organizations: [org({ id: 1, name: 'A', external_id: 'SOMEONE-ELSE' })], users: [], memberships: [] };
    const [check] = checkChanges([orgDelete(1, 'A', 'A')], live, match);
    expect(check.status).toBe('stale');
    expect(check.reason).toContain('external_id changed since the plan');
  });
});

describe('attributes the config maps', () => {
  it('lists mapped attributes only', () => {
    const w = writableAttributes(syncConfig());
    expect([...w.organization].sort()).toEqual(['external_id', 'name', 'notes', 'tags']);
    expect([...w.userCreateOnly].sort()).toEqual(['role', 'skip_verify_email', 'verified']);
  });

  it('names an organization_fields key the config does not map', () => {
    const config = makeConfig();
    const sync = makePlan({ global: [orgUpdate(1, 'A', 'A', {}, { organization_fields: { secret: 'x' } })] }).syncs[0];
    expect(guardAgainstConfig({ sync, config: config.syncs[0], zendesk: config.zendesk.global })).toEqual([
      'sync "global": organization update "A" (id 1): attribute organization_fields.secret is not mapped by the config',
    ]);
  });
});

describe('the seal', () => {
  it('is over canonical JSON: keys sorted at every level, no whitespace, undefined left out', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [1, { f: 1, e: 'é' }], u: undefined } })).toBe('{"a":{"c":[1,{"e":"é","f":1}],"d":2},"b":1}');
  });

  it('changes with any change of any change, and not with key order', () => {
    const p = makePlan({ global: [orgUpdate(1, 'A', 'A', { notes: 'a' }, { notes: 'b' })] });
    const { seal: _s, ...rest } = p;
    const base = computeSeal(rest as never);
    const reordered = JSON.parse(JSON.stringify({ summary: rest.summary, syncs: rest.syncs, config_digest: rest.config_digest, created_at: rest.created_at, format_version: rest.format_version }));
    expect(computeSeal(reordered)).toBe(base);
    const edited = structuredClone(rest);
    (edited.syncs[0].changes[0].after as Record<string, unknown>).notes = 'c';
    expect(computeSeal(edited as never)).not.toBe(base);
    expect(p.seal).toBe(base);
  });
});
