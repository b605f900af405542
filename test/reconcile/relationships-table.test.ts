// DESIGN.md section 5's table, 7 scenarios x 5 settings, each case checking A, M and F on the plan itself
// (not only on the decision), and that applying the plan then planning again changes nothing.
import { describe, expect, it } from 'vitest';
import { reconcileDetailed } from '../../src/reconcile/index.js';
import type { Change, UserChange } from '../../src/model/plan.js';
import type { TargetData } from '../../src/model/zendesk.js';
import { applyPlan, dOrg, dPerson, makeDesired, makeSource, makeSync, makeTarget, makeZendesk, zMembership, zOrg, zUser } from './helpers.js';

type O = '✓' | '✗' | '–';
type Column = 'none' | 'multi-org' | 'primary' | 'multi-org+primary' | 'multi-org+primary+secondary';
const COLUMNS: Column[] = ['none', 'multi-org', 'primary', 'multi-org+primary', 'multi-org+primary+secondary'];

// Typed in from DESIGN.md section 5 independently of src/reconcile/relationships.ts: "A M F" per cell.
const EXPECTED: Record<string, string[]> = {
  S1: ['– – ✓', '– – ✓', '✗ – ✓', '✗ ✗ ✓', '✗ ✗ ✓'],
  S2: ['– – ✓new', '– – ✓new', '✗ – ✓new', '✗ ✗ ✓new', '✗ ✗ ✓new'],
  S3: ['– – ✓', '– – ✓', '✓ – ✓', '✗ ✓ ✓', '✗ ✓ ✓'],
  S4: ['✗ – ✓', '✗ – ✓', '✓ – ✓', '✗ ✓ ✗', '✗ ✓ ✗'],
  S5: ['✗ – ✓', '✗ ✗ ✓', '✗ – ✓', '✗ ✗ ✓', '✗ ✗ ✓'],
  S6: ['✗ – ✓new', '✗ ✗ ✓new', '✓ – ✓new', '✓ ✗ ✓new', '✓ ✗ ✓new'],
  S7: ['✗ – ✓new', '✗ ✗ ✓new', '✗ – ✓new', '✗ ✗ ✓new', '✗ ✗ ✓new'],
};

function settingsOf(column: Column): { multi: boolean; primary: boolean; secondary: boolean } {
  return {
    multi: column.startsWith('multi-org'),
    primary: column.includes('primary'),
    secondary: column.endsWith('secondary'),
  };
}

const ACME = 100; // the contact's account's organization (account A1)
const OTHER = 200; // another organization (account A9)
const USER = 10;

/** One scenario's data: contact C1 ann@acme.com; account A1 has org 100 (synced); account A5 has none. */
function fixture(scenario: string, multi: boolean): { accountId: string | null; target: TargetData } {
  const orgs = [zOrg(ACME, 'Acme', 'A1'), zOrg(OTHER, 'Other', 'A9')];
  const base = { organizations: orgs, settings: { multipleOrganizations: multi } };
  const userIn = (orgId: number) =>
    makeTarget({
      ...base,
      users: [zUser(USER, 'Ann@Acme.com', { name: 'Old Name', organization_id: orgId })],
      memberships: [zMembership(1, USER, orgId, true)],
    });
  switch (scenario) {
    case 'S1':
      return { accountId: null, target: userIn(OTHER) };
    case 'S2':
      return { accountId: null, target: makeTarget(base) };
    case 'S3':
      return { accountId: 'A1', target: userIn(ACME) };
    case 'S4':
      return { accountId: 'A1', target: userIn(OTHER) };
    case 'S5':
      return { accountId: 'A5', target: userIn(OTHER) };
    case 'S6':
      return { accountId: 'A1', target: makeTarget(base) };
    default:
      return { accountId: 'A5', target: makeTarget(base) };
  }
}

function run(scenario: string, column: Column, target?: TargetData) {
  const s = settingsOf(column);
  const sync = makeSync({ users: { relationships: { primary: s.primary, secondary: s.secondary } } });
  const zendesk = makeZendesk(s.multi);
  const fx = fixture(scenario, s.multi);
  const desired = makeDesired({
    organizations: [dOrg('A1', 'Acme'), dOrg('A9', 'Other')],
    people: [dPerson('C1', 'ann@acme.com', { accountId: fx.accountId, attributes: { name: 'Ann Example' } })],
  });
  const source = makeSource();
  return { ...reconcileDetailed({ sync, zendesk, desired, source, target: target ?? fx.target }), fx, sync, zendesk, desired, source };
}

const userChange = (changes: Change[]) => changes.find((c): c is UserChange => c.type === 'user' && (c.action === 'create' || c.action === 'update'));

const cases = Object.entries(EXPECTED).flatMap(([scenario, cells]) =>
  cells.map((cell, i) => {
    const [A, M, F] = cell.split(' ');
    return { scenario, column: COLUMNS[i], A: A as O, M: M as O, F: F.replace('new', '') as O, created: F.endsWith('new') };
  }),
);

describe('DESIGN.md section 5: relationships table', () => {
  it('has 35 cases', () => {
    expect(cases).toHaveLength(35);
  });

  it.each(cases)('$scenario under $column: A $A, M $M, F $F', ({ scenario, column, A, M, F, created }) => {
    const { plan, people, fx, sync, zendesk, desired, source } = run(scenario, column);
    const s = settingsOf(column);

    // The decision reconcile took.
    expect(people).toHaveLength(1);
    expect(people[0].decision).toMatchObject({ scenario, A, M, F, created });

    const user = userChange(plan.changes);
    const memberships = plan.changes.filter((c) => c.type === 'membership');

    // new: a user is created, with role end-user, verified and no welcome mail.
    if (created) {
      expect(user?.action).toBe('create');
      expect(user?.after).toMatchObject({ email: 'ann@acme.com', role: 'end-user', verified: true, skip_verify_email: true });
    } else {
      expect(plan.changes.some((c) => c.type === 'user' && c.action === 'create')).toBe(false);
    }

    // A: the user's organization is set to the account's organization.
    const userOrg = user && (user.type === 'user') ? user.organization : undefined;
    const writesOrg = userOrg !== undefined;
    if (A === '✓') {
      if (created) {
        expect(userOrg?.id).toBe(ACME);
      } else if (fx.target.users[0].organization_id !== ACME) {
        expect(user?.action).toBe('update');
        expect(userOrg?.id).toBe(ACME);
        expect(user?.before?.organization_id).toBe(fx.target.users[0].organization_id);
        expect(user?.reason).toBe('primary');
      } else {
        expect(writesOrg).toBe(false); // already set
      }
    } else {
      expect(writesOrg).toBe(false);
    }
    // With multiple organizations on, an existing user's organization_id is never written.
    if (s.multi && !created) expect(writesOrg).toBe(false);

    // M: a membership for the account's organization is created (or already exists).
    if (M === '✓') {
      const exists = fx.target.memberships.some((m) => m.user_id === USER && m.organization_id === ACME);
      if (exists) {
        expect(memberships).toEqual([]);
      } else {
        expect(memberships).toHaveLength(1);
        expect(memberships[0]).toMatchObject({
          action: 'create',
          key: 'ann@acme.com -> A1',
          label: 'ann@acme.com -> Acme',
          user: { id: USER, key: 'ann@acme.com', email: 'ann@acme.com' },
          organization: { id: ACME, key: 'A1', name: 'Acme' },
          reason: 'primary',
        });
      }
    } else {
      expect(memberships).toEqual([]);
    }
    // Never a make_default over an existing default.
    expect(plan.changes.some((c) => c.action === 'make_default')).toBe(false);

    // F: mapped fields are synced (the name differs in Zendesk).
    if (F === '✓') {
      expect(user).toBeDefined();
      if (created) expect(user?.after?.name).toBe('Ann Example');
      else expect(user?.diff).toContainEqual({ path: 'name', before: 'Old Name', after: 'Ann Example' });
      expect(plan.warnings).toEqual([]);
    } else {
      expect(user).toBeUndefined();
      expect(plan.warnings).toEqual([expect.objectContaining({ code: 'fields_not_synced', records: ['C1', 'ann@acme.com'] })]);
    }

    // Apply, then plan again: nothing left to do, and the outcome holds in Zendesk.
    const next = applyPlan(plan, fx.target);
    const again = reconcileDetailed({ sync, zendesk, desired, source, target: next });
    expect(again.plan.changes).toEqual([]);
    const ann = next.users.find((u) => u.email?.toLowerCase() === 'ann@acme.com');
    expect(ann?.name).toBe(F === '✓' ? 'Ann Example' : 'Old Name');
    if (A === '✓') expect(ann?.organization_id).toBe(ACME);
    if (M === '✓') expect(next.memberships.some((m) => m.user_id === ann?.id && m.organization_id === ACME)).toBe(true);
    if (M !== '✓' && A !== '✓') expect(next.memberships.some((m) => m.user_id === ann?.id && m.organization_id === ACME)).toBe(scenario === 'S3');
  });
});
