// DESIGN.md section 5 end to end (issue 6): the 35 cases (7 scenarios x 5 settings) through plan and apply
// over the sandbox, with the real Salesforce reader, Zendesk reader and writer. Each case loads a small seed,
// plans, applies, reads the sandbox's state and the requests the writer sent, and checks
//   A  the user's organization is set to the account's organization (a user write carried organization_id),
//   M  a membership is created for the account's organization (a membership create request, and the state),
//   F  mapped fields are synced (the user's name and its job_title user field come from the contact),
//   new  a user is created,
// exactly as the table says; then plans again and expects no changes.
// The expected table is typed in again from DESIGN.md section 5 (not imported from src/reconcile), so that the
// test checks the implementation against the contract rather than against itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import {
  COLUMNS,
  ConfigDir,
  EMAIL,
  NEW_NAME,
  OLD_NAME,
  ORG,
  SCENARIO_TEXT,
  TITLE,
  USER_ID,
  changeLines,
  membershipCreates,
  membershipPairs,
  membershipsOf,
  planAndApply,
  planWith,
  scenarioSeed,
  settingsOf,
  userByEmail,
  userWrites,
  usersWithEmail,
  zendeskState,
  type Column,
  type Scenario,
} from './relationships-helpers.js';

type O = '✓' | '✗' | '–';

// DESIGN.md section 5, "A M F" per cell, columns: none, multi-org, primary, multi-org + primary, multi-org + primary + secondary.
const TABLE: Record<Scenario, string[]> = {
  S1: ['– – ✓', '– – ✓', '✗ – ✓', '✗ ✗ ✓', '✗ ✗ ✓'],
  S2: ['– – ✓new', '– – ✓new', '✗ – ✓new', '✗ ✗ ✓new', '✗ ✗ ✓new'],
  S3: ['– – ✓', '– – ✓', '✓ – ✓', '✗ ✓ ✓', '✗ ✓ ✓'],
  S4: ['✗ – ✓', '✗ – ✓', '✓ – ✓', '✗ ✓ ✗', '✗ ✓ ✗'],
  S5: ['✗ – ✓', '✗ ✗ ✓', '✗ – ✓', '✗ ✗ ✓', '✗ ✗ ✓'],
  S6: ['✗ – ✓new', '✗ ✗ ✓new', '✓ – ✓new', '✓ ✗ ✓new', '✓ ✗ ✓new'],
  S7: ['✗ – ✓new', '✗ ✗ ✓new', '✗ – ✓new', '✗ ✗ ✓new', '✗ ✗ ✓new'],
};

interface Case {
  scenario: Scenario;
  column: Column;
  A: O;
  M: O;
  F: O;
  created: boolean;
  name: string;
}

const CASES: Case[] = (Object.entries(TABLE) as [Scenario, string[]][]).flatMap(([scenario, cells]) =>
  cells.map((cell, i) => {
    const [A, M, F] = cell.split(' ') as [O, O, string];
    const created = F.endsWith('new');
    const column = COLUMNS[i];
    return {
      scenario,
      column,
      A,
      M,
      F: F.replace('new', '') as O,
      created,
      name: `${scenario} (${SCENARIO_TEXT[scenario]}) under ${column}: A ${A}, M ${M}, F ${F.replace('new', '')}${created ? ', new user' : ''}`,
    };
  }),
);

let sandbox: Sandbox;
let configs: ConfigDir;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: scenarioSeed('S1', false), port: 0 });
  configs = new ConfigDir(sandbox);
});

afterAll(async () => {
  await sandbox?.close();
  configs?.remove();
});

describe('DESIGN.md section 5 end to end over the sandbox', () => {
  it('has 35 cases', () => {
    expect(CASES).toHaveLength(35);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(35);
  });

  it.each(CASES)('$name', async (c) => {
    const s = settingsOf(c.column);
    const seed = scenarioSeed(c.scenario, s.multi);
    sandbox.reset(seed);
    const config = await configs.load(s);
    const before = zendeskState(sandbox);
    const userBefore = userByEmail(before, EMAIL);

    const { plan, result, applyRequests } = await planAndApply(config);
    expect(plan.syncs[0].error).toBeUndefined();
    expect(result?.failures).toEqual([]);
    expect(result?.errors).toEqual([]);
    expect(result?.ok).toBe(true);

    const after = zendeskState(sandbox);
    const users = usersWithEmail(after, EMAIL);
    expect(users).toHaveLength(1);
    const user = users[0];
    const writes = userWrites(applyRequests).filter((w) => (w.user.email as string | undefined)?.toLowerCase() === EMAIL || w.pathId === user.id || w.user.id === user.id);
    const orgWrites = writes.filter((w) => 'organization_id' in w.user && w.user.organization_id !== null);
    const memberships = membershipCreates(applyRequests);

    // new: a user is created (end-user), otherwise the existing one is kept
    if (c.created) {
      expect(userBefore).toBeUndefined();
      expect(user.id).not.toBe(USER_ID);
      expect(user.role).toBe('end-user');
    } else {
      expect(user.id).toBe(USER_ID);
    }

    // A: the user's organization is set to the account's organization
    if (c.A === '✓') {
      expect(user.organization_id).toBe(ORG.ACME);
      if (userBefore?.organization_id !== ORG.ACME) {
        expect(orgWrites.map((w) => w.user.organization_id)).toEqual([ORG.ACME]);
      }
    } else {
      expect(orgWrites).toEqual([]);
      // the default organization stays what it was (none for a new user)
      expect(user.organization_id ?? null).toBe(userBefore?.organization_id ?? null);
    }

    // M: a membership is created for the account's organization
    // (in S3 the user's default organization is the account's, so that membership exists already: M holds
    // without a request, and none is sent twice)
    if (c.M === '✓') {
      const existed = membershipsOf(before, user.id).some((m) => m.organization_id === ORG.ACME);
      expect(existed).toBe(c.scenario === 'S3');
      expect(memberships).toEqual(existed ? [] : [expect.objectContaining({ user_id: user.id, organization_id: ORG.ACME })]);
      expect(membershipsOf(after, user.id).filter((m) => m.organization_id === ORG.ACME)).toHaveLength(1);
    } else {
      expect(memberships).toEqual([]);
    }

    // F: mapped fields are synced
    if (c.F === '✓') {
      // (the name differs, so a user write was sent: the recorded requests do include the writer's)
      expect(writes.length).toBeGreaterThan(0);
      expect(user.name).toBe(NEW_NAME);
      expect(user.user_fields?.job_title).toBe(TITLE);
    } else {
      expect(user.name).toBe(OLD_NAME);
      expect(user.user_fields?.job_title ?? null).toBeNull();
      expect(plan.syncs[0].warnings.map((w) => w.code)).toContain('fields_not_synced');
    }

    // With multiple organizations on, an existing user's organization_id is never written, and none of its
    // memberships is removed.
    if (s.multi && !c.created) {
      expect(writes.filter((w) => 'organization_id' in w.user)).toEqual([]);
      const kept = membershipPairs(after);
      for (const pair of membershipPairs(before)) expect(kept).toContain(pair);
    }
    // Only one default organization, and it is the user's organization_id.
    const defaults = membershipsOf(after, user.id).filter((m) => m.default === true);
    expect(defaults.map((m) => m.organization_id)).toEqual(user.organization_id ? [user.organization_id] : []);

    // Plan again: nothing left to do.
    const again = await planWith(config);
    expect(changeLines(again)).toEqual([]);
  });
});
