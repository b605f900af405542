// Relationship rules (DESIGN.md section 5, from Zendesk's own integration, seed 004): which of
// A (the user's organization is set), M (a membership is created for the contact's primary account) and
// F (mapped fields are synced) happen, for the 7 scenarios under the 5 settings. Pure.
//
// The table below is the contract, copied from DESIGN.md section 5; `decideRelationship` reads it, and adds
// only what the table does not cover (each addition is explained where it is made):
//  - A user that exists but has no default organization at all (the table's S3/S4 assume one): it is
//    classified S4 (its default is not the account's org). With multiple organizations + primary, the new
//    primary membership is made its default (make_default: there is no manual default to respect), and
//    therefore F happens, as in S3, which is what that user looks like after the apply.
//  - M in the table is about the contact's primary account. Secondary relationships and the accounts of
//    other contacts sharing the email are extra memberships (multiple organizations + primary on), also for
//    a user this plan creates: otherwise the next plan would not be empty (apply-then-plan converges).
//
// Where the table and a rule of section 5 seem to conflict, the table wins:
//  - S6 under multiple organizations + primary: A ✓, although "with multiple organizations on, never write
//    organization_id". That rule exists because the write replaces a user's memberships; a user being created
//    has none, so creating it with organization_id loses nothing and gives it its default membership.
//  - S4 under primary (multiple organizations off): A ✓ moves the user to the account's organization even if
//    someone set its organization by hand. "An existing, manually assigned default membership wins" is about
//    default memberships, which only exist with multiple organizations on; without them, the standard account
//    sync owns the user's single organization.
//  - S4 under multiple organizations + primary: M ✓ but F ✗, and no make_default: the existing default wins, so
//    the contact's fields stop syncing until someone makes the account's organization the default in Zendesk.
import type { Sync, ZendeskInstance } from '../model/config.js';

export type Outcome = '✓' | '✗' | '–';
export type Scenario = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6' | 'S7';
export type SettingsColumn = 'none' | 'multi-org' | 'primary' | 'multi-org+primary' | 'multi-org+primary+secondary';

export const SETTINGS_COLUMNS: readonly SettingsColumn[] = ['none', 'multi-org', 'primary', 'multi-org+primary', 'multi-org+primary+secondary'];
export const SCENARIOS: readonly Scenario[] = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7'];

export interface Outcomes {
  A: Outcome;
  M: Outcome;
  F: Outcome;
  /** a new user is created (S2, S6, S7) */
  created: boolean;
}

type Cell = [Outcome, Outcome, Outcome];

// DESIGN.md section 5, row by row, columns in SETTINGS_COLUMNS order; each cell is [A, M, F].
const TABLE: Record<Scenario, [Cell, Cell, Cell, Cell, Cell]> = {
  S1: [['–', '–', '✓'], ['–', '–', '✓'], ['✗', '–', '✓'], ['✗', '✗', '✓'], ['✗', '✗', '✓']],
  S2: [['–', '–', '✓'], ['–', '–', '✓'], ['✗', '–', '✓'], ['✗', '✗', '✓'], ['✗', '✗', '✓']],
  S3: [['–', '–', '✓'], ['–', '–', '✓'], ['✓', '–', '✓'], ['✗', '✓', '✓'], ['✗', '✓', '✓']],
  S4: [['✗', '–', '✓'], ['✗', '–', '✓'], ['✓', '–', '✓'], ['✗', '✓', '✗'], ['✗', '✓', '✗']],
  S5: [['✗', '–', '✓'], ['✗', '✗', '✓'], ['✗', '–', '✓'], ['✗', '✗', '✓'], ['✗', '✗', '✓']],
  S6: [['✗', '–', '✓'], ['✗', '✗', '✓'], ['✓', '–', '✓'], ['✓', '✗', '✓'], ['✓', '✗', '✓']],
  S7: [['✗', '–', '✓'], ['✗', '✗', '✓'], ['✗', '–', '✓'], ['✗', '✗', '✓'], ['✗', '✗', '✓']],
};

/** The relationship settings of one sync. */
export interface RelationshipSettings {
  /** zendesk.<instance>.multiple_organizations (checked against the account setting by checkPreconditions) */
  multipleOrganizations: boolean;
  /** users.relationships.primary */
  primary: boolean;
  /** users.relationships.secondary as configured */
  secondary: boolean;
  /** organizations are synced by this sync */
  organizations: boolean;
  /** users are synced by this sync */
  users: boolean;
}

export function relationshipSettings(sync: Sync, zendesk: ZendeskInstance): RelationshipSettings {
  return {
    multipleOrganizations: zendesk.multiple_organizations,
    primary: sync.users?.relationships.primary ?? false,
    secondary: sync.users?.relationships.secondary ?? false,
    organizations: sync.organizations !== undefined,
    users: sync.users !== undefined,
  };
}

/** Secondary relationships sync only when all of these are on (seed 004): organizations sync, users sync,
 * primary relationship sync, multiple organizations in Zendesk, and secondary relationship sync. */
export function secondaryActive(s: RelationshipSettings): boolean {
  return s.organizations && s.users && s.primary && s.multipleOrganizations && s.secondary;
}

/** Why configured secondary sync will not run (empty when it runs or is not configured). */
export function secondaryBlockers(s: RelationshipSettings): string[] {
  if (!s.secondary) return [];
  const out: string[] = [];
  if (!s.multipleOrganizations) out.push('multiple_organizations is off for the Zendesk instance');
  if (!s.primary) out.push('users.relationships.primary is off');
  if (!s.organizations) out.push('the sync has no organizations section');
  return out;
}

export function settingsColumn(s: RelationshipSettings): SettingsColumn {
  if (s.multipleOrganizations && s.primary) return secondaryActive(s) ? 'multi-org+primary+secondary' : 'multi-org+primary';
  if (s.multipleOrganizations) return 'multi-org';
  if (s.primary) return 'primary';
  return 'none';
}

/** What the user and its primary account look like before the plan. */
export interface Situation {
  /** the sync record is a contact linked to an account */
  hasAccount: boolean;
  /** that account has a Zendesk organization (existing, or created by this plan) */
  accountSynced: boolean;
  /** a Zendesk user matches */
  userExists: boolean;
  /** the user's current default organization is the account's organization */
  defaultIsAccountOrg: boolean;
  /** the user has a default organization at all */
  hasDefault: boolean;
}

export function classify(s: Situation): Scenario {
  if (!s.hasAccount) return s.userExists ? 'S1' : 'S2';
  if (s.accountSynced) {
    if (!s.userExists) return 'S6';
    return s.defaultIsAccountOrg ? 'S3' : 'S4';
  }
  return s.userExists ? 'S5' : 'S7';
}

/** The table's cell. */
export function tableOutcomes(scenario: Scenario, column: SettingsColumn): Outcomes {
  const [A, M, F] = TABLE[scenario][SETTINGS_COLUMNS.indexOf(column)];
  return { A, M, F, created: scenario === 'S2' || scenario === 'S6' || scenario === 'S7' };
}

export interface Decision extends Outcomes {
  scenario: Scenario;
  column: SettingsColumn;
  /** make the primary account's membership the user's default (only when it has none) */
  makeDefault: boolean;
}

// A decision depends only on the settings and the situation's five booleans: reconcile asks for one per person
// group (500k at the design target), so the 32 possible ones are made once per settings object and shared
// (frozen: nobody may change a decision).
const decisions = new WeakMap<RelationshipSettings, (Decision | undefined)[]>();

export function decideRelationship(settings: RelationshipSettings, situation: Situation): Decision {
  const bits =
    (situation.hasAccount ? 1 : 0) |
    (situation.accountSynced ? 2 : 0) |
    (situation.userExists ? 4 : 0) |
    (situation.defaultIsAccountOrg ? 8 : 0) |
    (situation.hasDefault ? 16 : 0);
  let cache = decisions.get(settings);
  if (!cache) {
    cache = [];
    decisions.set(settings, cache);
  }
  return (cache[bits] ??= Object.freeze(decide(settings, situation)));
}

function decide(settings: RelationshipSettings, situation: Situation): Decision {
  const scenario = classify(situation);
  const column = settingsColumn(settings);
  const out = tableOutcomes(scenario, column);
  let makeDefault = false;
  // Not in the table: an existing user without any default organization, multiple organizations + primary.
  // The rule "an existing, manually assigned default membership wins" has nothing to protect here, so the
  // primary membership becomes the default (Zendesk may already default a user's first membership; a
  // secondary one created in the same apply could win that race, hence the explicit make_default), and F
  // follows S3: after the apply the contact's primary account is the default organization.
  if (scenario === 'S4' && !situation.hasDefault && out.M === '✓') {
    makeDefault = true;
    out.F = '✓';
  }
  return { ...out, scenario, column, makeDefault };
}
