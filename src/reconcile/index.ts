// reconcile: desired state (from map) vs Zendesk (target) -> the plan of one sync. Pure: no I/O.
// DESIGN.md sections 3 (matching and ownership), 4 (plan) and 5 (relationships). The resources (organizations,
// users, memberships) are run by registry.ts; this file orders their changes and builds the sync's plan.
import type { Sync, ZendeskInstance } from '../model/config.js';
import type { DesiredState } from '../model/desired.js';
import type { Change, MatchModes, Orphans, Summary, SyncPlan, Warning } from '../model/plan.js';
import type { SourceData } from '../model/salesforce.js';
import type { TargetData } from '../model/zendesk.js';
import { normalizeEmail } from '../map/normalize.js';
import { relationshipSettings, secondaryBlockers } from './relationships.js';
import { runResources } from './registry.js';
import type { FieldPlan } from './resources/fields.js';
import { isProtectedEmail, type PersonOutcome } from './resources/users.js';

export type { PersonOutcome } from './resources/users.js';
export type { Decision, Outcome, Outcomes, Scenario, SettingsColumn, RelationshipSettings } from './relationships.js';
export { decideRelationship, classify, tableOutcomes, relationshipSettings, secondaryActive, SCENARIOS, SETTINGS_COLUMNS } from './relationships.js';

export interface ReconcileInput {
  sync: Sync;
  zendesk: ZendeskInstance;
  desired: DesiredState;
  source: SourceData;
  target: TargetData;
  /** also list Zendesk organizations and end-users that have no Salesforce counterpart */
  reportOrphans?: boolean;
  /** the field resource's plan (issue 17), made before map by planFieldChanges; `target` then holds the
   * definitions as they will be after apply */
  fields?: FieldPlan;
}

function where(pos: ZendeskInstance['pos']): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}: ` : '';
}

/**
 * Problems that must stop the plan of this sync before anything is compared. Today: `multiple_organizations`
 * in sync.yaml must agree with the Zendesk account's setting (writing organization_id on an account with
 * multiple organizations replaces memberships; planning memberships on an account without it fails).
 * Each message says which side to fix.
 */
export function checkPreconditions(sync: Sync, zendesk: ZendeskInstance, target: TargetData): string[] {
  const problems: string[] = [];
  const configured = zendesk.multiple_organizations;
  const actual = target.settings.multipleOrganizations;
  if (configured !== actual) {
    const setting = `zendesk.${zendesk.name}.multiple_organizations`;
    problems.push(
      configured
        ? `${where(zendesk.pos)}${setting} is true in the config, but the Zendesk account ${zendesk.url} does not let users belong to multiple organizations (sync "${sync.name}"). ` +
            `Either set ${setting}: false, or turn on "Allow users to belong to multiple organizations" in Zendesk Admin Center (People > Configuration > End users), then plan again.`
        : `${where(zendesk.pos)}${setting} is false (or missing) in the config, but the Zendesk account ${zendesk.url} lets users belong to multiple organizations (sync "${sync.name}"). ` +
            `Set ${setting}: true so that zdsf adds memberships instead of writing organization_id (which would replace every membership of a user), then plan again.`,
    );
  }
  return problems;
}

/** What a sync's plan records of the config and the instance, so that apply never derives it again. */
export function planSettings(sync: Sync, zendesk: ZendeskInstance): Pick<SyncPlan, 'target' | 'match' | 'multiple_organizations' | 'verify_email'> {
  const match: MatchModes = { organizations: sync.organizations?.match ?? 'external_id', users: sync.users?.match ?? 'email' };
  return {
    target: { name: zendesk.name, url: zendesk.url },
    match,
    multiple_organizations: zendesk.multiple_organizations,
    verify_email: sync.users?.verify_email ?? false,
  };
}

const GROUP: Record<string, number> = { field: -2, field_option: -1, organization: 0, user: 1, membership: 2 };

function rank(c: Change): number {
  return c.action === 'delete' ? 3 : (GROUP[c.type] ?? 2);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ACTION_ORDER: Record<string, number> = { create: 0, update: 1, make_default: 2, delete: 3 };

/** Organizations, users, memberships and make_default, deletes last; within each by label (case-insensitive),
 * a membership's create before its make_default, then by key. The sort keys are computed once per change, not
 * in every comparison (a first sync sorts hundreds of thousands of changes). */
export function orderChanges(changes: Change[]): Change[] {
  const keyed = changes.map((c) => ({ c, rank: rank(c), lower: c.label.toLowerCase(), action: ACTION_ORDER[c.action] ?? 9 }));
  keyed.sort(
    (a, b) =>
      a.rank - b.rank ||
      compareText(a.lower, b.lower) ||
      compareText(a.c.label, b.c.label) ||
      a.action - b.action ||
      compareText(a.c.key, b.c.key),
  );
  return keyed.map((k) => k.c);
}

export function summarize(changes: Change[]): Summary {
  const s: Summary = { create: 0, update: 0, delete: 0 };
  for (const c of changes) {
    if (c.action === 'create') s.create++;
    else if (c.action === 'delete') s.delete++;
    else s.update++;
  }
  return s;
}

export interface ReconcileResult {
  plan: SyncPlan;
  /** per person group: the relationship decision (scenario, A / M / F) or why it was skipped */
  people: PersonOutcome[];
}

/** reconcileSync, plus the per-person decisions behind the plan (`people` is empty unless `explain`). */
export function reconcileDetailed(input: ReconcileInput, explain = true): ReconcileResult {
  const { sync, zendesk, desired, source, target, fields } = input;
  const settings = relationshipSettings(sync, zendesk);
  const warnings: Warning[] = [...desired.warnings];

  const blockers = secondaryBlockers(settings);
  if (blockers.length > 0) {
    warnings.push({
      code: settings.multipleOrganizations ? 'secondary_inactive' : 'secondary_without_multi_org',
      message: `users.relationships.secondary is on but secondary relationships are not synced: ${blockers.join('; ')}`,
      records: [],
    });
  }

  const { results, changes: planned, warnings: found } = runResources({ sync, zendesk, desired, source, target, settings, explain, fields });
  for (const w of found) warnings.push(w);
  const { organization: orgs, user: users } = results;

  const changes = orderChanges(planned);
  const plan: SyncPlan = { name: sync.name, from: sync.from, to: sync.to, ...planSettings(sync, zendesk), changes, warnings, summary: summarize(changes) };

  if (input.reportOrphans) {
    const orphans: Orphans = { organizations: [], users: [] };
    if (sync.organizations) {
      for (const o of target.organizations) {
        if (orgs.counterparts.has(o.id) || orgs.protectedIds.has(o.id)) continue;
        orphans.organizations.push({ id: o.id, name: o.name, external_id: o.external_id ?? null });
      }
    }
    // Users are only judged when the sync reads people from Salesforce: a sync whose users section only creates
    // sold-to users for new organizations has no view of the others. Sold-to contacts of any synced account
    // count as counterparts (zdsf created them, or would have).
    if (sync.users && sync.users.sources.length > 0) {
      const soldTo = new Set(desired.organizations.flatMap((o) => o.newOrganizationUsers.map((p) => normalizeEmail(p.email))));
      for (const u of target.users) {
        if (u.role !== 'end-user' || users.counterparts.has(u.id)) continue;
        const email = normalizeEmail(u.email);
        if (email && (isProtectedEmail(sync.protected, email) || soldTo.has(email))) continue;
        orphans.users.push({ id: u.id, email: u.email ?? null, name: u.name });
      }
    }
    orphans.organizations.sort((a, b) => a.id - b.id);
    orphans.users.sort((a, b) => a.id - b.id);
    plan.orphans = orphans;
  }
  return { plan, people: users.outcomes };
}

/** Desired vs actual for one sync -> its plan: changes in apply order, warnings (map's first), summary
 * (create = creates; update = updates + make_default; delete = deletes), and orphans when asked. */
export function reconcileSync(input: ReconcileInput): SyncPlan {
  return reconcileDetailed(input, false).plan;
}
