// Users: desired people (Contacts and Leads) vs Zendesk users -> user create / update changes, plus each
// person's relationship decision (the membership resource plans memberships from it). DESIGN.md sections 3
// and 5: match by email (case-insensitive) or external_id; people sharing an email become one user driven by the sync record;
// agents, admins and protected domains are never modified; relationships decide A / M / F. Pure.
// Over ~400 lines on purpose: the pass (reconcileUsers) applies the relationship table case by case between the
// plugin's find / compare / add / update, and the sold-to creates share its set of planned emails and its
// warnings; split, one decision would sit in two files. Memberships are already their own resource (memberships.ts).
import type { ProtectedRecords, Sync } from '../../model/config.js';
import type { DesiredPerson, DesiredState } from '../../model/desired.js';
import type { Change, UserAttributes, UserCreate, UserUpdate, Warning } from '../../model/plan.js';
import type { TargetData, ZdOrganization, ZdUser } from '../../model/zendesk.js';
import { normalizeEmail, normalizeText } from '../../map/normalize.js';
import { decideRelationship, type Decision, type RelationshipSettings } from '../relationships.js';
import { MembershipIndex } from './memberships.js';
import { organizationRef, type LinkedOrganization, type OrganizationsResult } from './organizations.js';
import { compact, compareFields, compareScalar, compareTags, createDiff, emptyComparison, hasCreateDiff, withCreateDiff, indexBy, listForMessage, managedAttributes, normalizeLine, normalizedFields } from './resource.js';
import { withUpdateDiff } from '../../model/update-diff.js';
import type { Comparison, FindResult, ManagedAttributes, Resource, ResourcePlugin } from './resource.js';

/** People sharing one email: one Zendesk user. */
export interface PersonGroup {
  email: string;
  /** the sync record: first linked to an account (earliest CreatedDate, then Id), else the earliest */
  syncRecord: DesiredPerson;
  /** the others, in the same order */
  others: DesiredPerson[];
}

/** What reconcile decided for one person group (exposed for tests and for explaining a plan). */
export interface PersonOutcome {
  email: string;
  userKey: string;
  syncRecordId: string;
  sourceIds: string[];
  /** Zendesk user id when one matched */
  userId: number | null;
  /** null when skipped */
  decision: Decision | null;
  /** warning code when the group was skipped (agent_skipped, protected_skipped, email_taken) */
  skipped: string | null;
}

export interface UsersInput {
  sync: Sync;
  desired: DesiredState;
  target: TargetData;
  organizations: OrganizationsResult;
  settings: RelationshipSettings;
  /** collect a PersonOutcome per group (memory: one object per person group; off for plain plans) */
  explain?: boolean;
}

/** A person group the users pass planned (not skipped): what the membership resource plans memberships from. */
export interface PlannedPerson {
  group: PersonGroup;
  /** the user's change key (email, or external_id with match: external_id) */
  userKey: string;
  /** the Zendesk user; null when this plan creates it */
  user: ZdUser | null;
  decision: Decision;
  /** the organization of the sync record's account, when it has one that is synced */
  primaryOrg: LinkedOrganization | null;
}

export interface UsersResult {
  changes: Change[];
  warnings: Warning[];
  /** the planned people, with multiple organizations + primary only (otherwise there are no memberships) */
  people: PlannedPerson[];
  /** the target's memberships, by user */
  memberships: MembershipIndex;
  outcomes: PersonOutcome[];
  /** Zendesk user ids with a Salesforce counterpart (orphan report) */
  counterparts: Set<number>;
}

function byCreated(a: DesiredPerson, b: DesiredPerson): number {
  if (a.createdDate !== b.createdDate) return a.createdDate < b.createdDate ? -1 : 1;
  return a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0;
}

/** Groups people by normalised email and picks each group's sync record (DESIGN.md section 5). */
export function groupPeople(people: DesiredPerson[]): { groups: PersonGroup[]; missingEmail: DesiredPerson[] } {
  const byEmail = new Map<string, DesiredPerson[]>();
  const missingEmail: DesiredPerson[] = [];
  for (const p of people) {
    const email = normalizeEmail(p.email);
    if (!email) {
      missingEmail.push(p);
      continue;
    }
    const list = byEmail.get(email);
    if (list) list.push(p);
    else byEmail.set(email, [p]);
  }
  const groups: PersonGroup[] = [];
  for (const email of [...byEmail.keys()].sort()) {
    const found = byEmail.get(email) ?? [];
    // most emails belong to one person: no copy, sort or filter for them
    if (found.length === 1) {
      groups.push({ email, syncRecord: found[0], others: [] });
      continue;
    }
    const list = [...found].sort(byCreated);
    const syncRecord = list.find((p) => p.accountId !== null) ?? list[0];
    groups.push({ email, syncRecord, others: list.filter((p) => p !== syncRecord) });
  }
  missingEmail.sort(byCreated);
  return { groups, missingEmail };
}

// the protected domains normalised once per list, not once per email
const protectedDomains = new WeakMap<readonly string[], string[]>();

export function isProtectedEmail(p: ProtectedRecords, email: string): boolean {
  let domains = protectedDomains.get(p.domains);
  if (!domains) {
    domains = p.domains.map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter((d) => d !== '');
    protectedDomains.set(p.domains, domains);
  }
  if (domains.length === 0) return false;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domains.some((dd) => domain === dd || domain.endsWith(`.${dd}`));
}

/** The user plugin: find / compare / add / update for one sync (users are never removed). */
export class UserPlugin implements ResourcePlugin<PersonGroup, ZdUser> {
  readonly type = 'user' as const;
  readonly byEmail: Map<string, ZdUser>;
  private byExternalIdIndex: Map<string, ZdUser> | null = null;
  private readonly managed: ManagedAttributes;

  constructor(
    private readonly sync: Sync,
    private readonly target: TargetData,
    desired: DesiredState,
  ) {
    this.byEmail = indexBy(target.users, (u) => normalizeEmail(u.email));
    this.managed = managedAttributes(target.userFields, desired.userTags, desired.people);
  }

  /** users by external_id: only match: external_id looks users up by it (built on first use) */
  private get byExternalId(): Map<string, ZdUser> {
    this.byExternalIdIndex ??= indexBy(this.target.users, (u) => u.external_id);
    return this.byExternalIdIndex;
  }

  get match(): 'email' | 'external_id' {
    return this.sync.users?.match ?? 'email';
  }

  /** What every user create carries last: the end-user role and, unless verify_email, verified without the email. */
  private creationFlags(): Pick<UserAttributes, 'role' | 'verified' | 'skip_verify_email'> {
    const verify = this.sync.users?.verify_email ?? false;
    return { role: 'end-user', verified: verify ? undefined : true, skip_verify_email: verify ? undefined : true };
  }

  userKey(g: PersonGroup): string {
    return this.match === 'external_id' ? (g.syncRecord.key ?? g.syncRecord.sourceId) : g.email;
  }

  find(g: PersonGroup): FindResult<ZdUser> {
    if (this.match === 'email') {
      const hit = this.byEmail.get(g.email);
      return hit ? { kind: 'found', record: hit, via: 'email' } : { kind: 'none' };
    }
    for (const p of [g.syncRecord, ...g.others]) {
      const hit = this.byExternalId.get(p.key ?? p.sourceId);
      if (hit) return { kind: 'found', record: hit, via: 'external_id' };
    }
    // Zendesk emails are unique: a user with this email but no external_id is this person; with another
    // external_id it is someone else, and creating ours would fail.
    const byEmail = this.byEmail.get(g.email);
    if (!byEmail) return { kind: 'none' };
    if (!byEmail.external_id) return { kind: 'found', record: byEmail, via: 'email' };
    return {
      kind: 'skip',
      warning: {
        code: 'email_taken',
        message: `${g.email} (${[g.syncRecord, ...g.others].map((p) => p.sourceId).join(', ')}) is the email of Zendesk user ${byEmail.id}, whose external_id ${byEmail.external_id} belongs to another record; skipped`,
        records: [...[g.syncRecord, ...g.others].map((p) => p.sourceId), g.email, String(byEmail.id)],
      },
    };
  }

  compare(g: PersonGroup, u: ZdUser): Comparison {
    const c = emptyComparison();
    const a = g.syncRecord.attributes;
    compareScalar(c, 'name', a.name, u.name, normalizeLine);
    // with match: email the email is the key, equal by construction
    if (this.match === 'external_id') compareScalar(c, 'email', g.email, u.email, normalizeEmail);
    if (a.external_id !== undefined) compareScalar(c, 'external_id', a.external_id, u.external_id, normalizeText);
    if (a.phone !== undefined) compareScalar(c, 'phone', a.phone, u.phone, normalizeText);
    if (a.notes !== undefined) compareScalar(c, 'notes', a.notes, u.notes, normalizeText);
    if (a.details !== undefined) compareScalar(c, 'details', a.details, u.details, normalizeText);
    compareFields(c, 'user_fields', a.user_fields, u.user_fields, this.managed.defs);
    compareTags(c, u.tags, g.syncRecord.tags, this.managed.owns);
    return c;
  }

  add(g: PersonGroup): UserCreate {
    const a = g.syncRecord.attributes;
    const after = compact<UserAttributes>({
      name: normalizeLine(a.name) ?? g.email,
      email: g.email,
      external_id: a.external_id === undefined ? (this.match === 'external_id' ? this.userKey(g) : undefined) : normalizeText(a.external_id),
      phone: a.phone === undefined ? undefined : normalizeText(a.phone),
      notes: a.notes === undefined ? undefined : normalizeText(a.notes),
      details: a.details === undefined ? undefined : normalizeText(a.details),
      user_fields: normalizedFields(a.user_fields, this.managed.defs),
      tags: [...g.syncRecord.tags].sort(),
      ...this.creationFlags(),
    });
    const head = { type: 'user', action: 'create', key: this.userKey(g), zendesk_id: null, label: g.email, before: null, after } as const;
    return withCreateDiff(head, { sources: [g.syncRecord.sourceId, ...g.others.map((p) => p.sourceId)] });
  }

  update(g: PersonGroup, u: ZdUser, c: Comparison): UserUpdate {
    const head = {
      type: 'user' as const,
      action: 'update' as const,
      key: this.userKey(g),
      zendesk_id: u.id,
      label: g.email,
      before: c.before as UserAttributes,
      after: c.after as UserAttributes,
    };
    // the diff is computed when read (src/model/update-diff.ts): reconcile built it from before / after
    return withUpdateDiff(head, c.diff, { sources: [g.syncRecord.sourceId, ...g.others.map((p) => p.sourceId)] });
  }

  remove(): Change {
    throw new Error('zdsf never deletes Zendesk users');
  }

  /** A user for users.create_for_new_organizations (sold-to contacts of an organization this plan creates). */
  addSoldTo(person: { email: string; name: string; sourceId: string }, org: LinkedOrganization): UserCreate {
    const external = this.match === 'external_id' ? person.sourceId : undefined;
    const after = compact<UserAttributes>({
      name: normalizeText(person.name) ?? person.email,
      email: person.email,
      external_id: external,
      ...this.creationFlags(),
    });
    return {
      type: 'user',
      action: 'create',
      key: external ?? person.email,
      zendesk_id: null,
      label: person.email,
      before: null,
      after,
      organization: organizationRef(org),
      diff: createDiff({ ...after, organization_id: org.name }),
      reason: `sold-to contact of ${org.name}`,
      sources: [person.sourceId, org.accountId],
    };
  }
}

/** Sets the user's organization (A) on a create or an update. The diff shows organization names. */
function setOrganization(change: UserCreate | UserUpdate, org: LinkedOrganization, current: { id: number | null; name: string | null }): void {
  change.organization = organizationRef(org);
  if (change.action === 'update') change.before = { ...change.before, organization_id: current.id };
  // a create's computed diff (withCreateDiff) ends with organization_id from `organization`, before null
  if (!(hasCreateDiff(change) && current.id === null && current.name === null)) {
    change.diff = [...change.diff.filter((d) => d.path !== 'organization_id'), { path: 'organization_id', before: current.name ?? current.id, after: org.name }];
  }
  change.reason = 'primary';
}

export function reconcileUsers(input: UsersInput): UsersResult {
  const { sync, desired, target, organizations, settings } = input;
  const memberships = new MembershipIndex(target.memberships);
  const result: UsersResult = { changes: [], warnings: [], people: [], memberships, outcomes: [], counterparts: new Set() };
  if (!sync.users) return result;
  const plugin = new UserPlugin(sync, target, desired);
  const orgById = new Map<number, ZdOrganization>(target.organizations.map((o) => [o.id, o]));
  const multiPrimary = settings.multipleOrganizations && settings.primary;

  const { groups, missingEmail } = groupPeople(desired.people);
  if (missingEmail.length > 0) {
    const ids = missingEmail.map((p) => p.sourceId);
    result.warnings.push({
      code: 'missing_email',
      message: `${ids.length} ${ids.length === 1 ? 'person has' : 'people have'} no valid email and ${ids.length === 1 ? 'was' : 'were'} not synced: ${listForMessage(ids)}`,
      records: ids,
    });
  }

  // the emails of the groups (sold-to creates skip them): only built when sold-to creates are configured
  const planned = sync.users.create_for_new_organizations ? new Set<string>() : null;
  const fieldsNotSynced: { email: string; sourceId: string }[] = [];
  // what one group is decided, when explaining: without explain nothing is kept, so nothing is allocated
  const unexplained: PersonOutcome = { email: '', userKey: '', syncRecordId: '', sourceIds: [], userId: null, decision: null, skipped: null };
  const sourceIdsOf = (g: PersonGroup): string[] => (g.others.length === 0 ? [g.syncRecord.sourceId] : [g.syncRecord.sourceId, ...g.others.map((p) => p.sourceId)]);
  for (const g of groups) {
    const userKey = plugin.userKey(g);
    let outcome = unexplained;
    if (input.explain) {
      outcome = { email: g.email, userKey, syncRecordId: g.syncRecord.sourceId, sourceIds: sourceIdsOf(g), userId: null, decision: null, skipped: null };
      result.outcomes.push(outcome);
    }
    planned?.add(g.email);

    const found = plugin.find(g);
    if (found.kind === 'found') {
      result.counterparts.add(found.record.id);
      outcome.userId = found.record.id;
    }
    if (isProtectedEmail(sync.protected, g.email)) {
      const ids = sourceIdsOf(g);
      outcome.skipped = 'protected_skipped';
      result.warnings.push({
        code: 'protected_skipped',
        message: `${g.email} (${ids.join(', ')}) is in a protected email domain and was left untouched`,
        records: [...ids, g.email],
      });
      continue;
    }
    if (found.kind === 'skip') {
      outcome.skipped = found.warning.code;
      result.warnings.push(found.warning);
      continue;
    }
    const user = found.kind === 'found' ? found.record : null;
    if (user && user.role !== 'end-user') {
      outcome.skipped = 'agent_skipped';
      const ids = sourceIdsOf(g);
      result.warnings.push({
        code: 'agent_skipped',
        message: `${g.email} (${ids.join(', ')}) is a Zendesk ${user.role} (user ${user.id}); zdsf never modifies agents or admins`,
        records: [...ids, g.email],
      });
      continue;
    }

    // Shared emails: without multiple organizations + primary, only the sync record counts.
    if (g.others.length > 0 && !multiPrimary) {
      const ids = sourceIdsOf(g);
      const otherIds = g.others.map((p) => p.sourceId);
      result.warnings.push({
        code: 'shared_email',
        message:
          `${ids.length} records share ${g.email}: ${g.syncRecord.sourceId} is the sync record and drives the user; ` +
          `${listForMessage(otherIds)} ${otherIds.length === 1 ? 'is' : 'are'} not synced` +
          (settings.multipleOrganizations ? ' (turn on users.relationships.primary to add their accounts as memberships)' : ' (multiple organizations is off)'),
        records: [...ids, g.email],
      });
    }

    const primaryOrg = organizations.link(g.syncRecord.accountId);
    const defaultOrgId = user ? memberships.defaultOrgId(user) : null;
    const decision = decideRelationship(settings, {
      hasAccount: g.syncRecord.accountId !== null,
      accountSynced: primaryOrg !== null,
      userExists: user !== null,
      defaultIsAccountOrg: primaryOrg !== null && primaryOrg.id !== null && defaultOrgId === primaryOrg.id,
      hasDefault: defaultOrgId !== null,
    });
    outcome.decision = decision;

    let change: UserCreate | UserUpdate | null = null;
    if (!user) {
      change = plugin.add(g);
    } else if (decision.F === '✓') {
      const c = plugin.compare(g, user);
      if (c.diff.length > 0) change = plugin.update(g, user, c);
    } else if (plugin.compare(g, user).diff.length > 0) {
      fieldsNotSynced.push({ email: g.email, sourceId: g.syncRecord.sourceId });
    }
    // A: set the user's organization_id. The table has A only with multiple organizations off for existing
    // users (writing organization_id would replace their memberships), and in S6 for a user this plan creates,
    // also with multiple organizations on: a new user has no memberships to lose, and the table says so.
    if (decision.A === '✓' && primaryOrg) {
      const currentId = user ? (user.organization_id ?? null) : null;
      if (!user || primaryOrg.id === null || currentId !== primaryOrg.id) {
        if (!change && user) change = plugin.update(g, user, emptyComparison());
        if (change) {
          const currentName = currentId !== null ? (orgById.get(currentId)?.name ?? null) : null;
          setOrganization(change, primaryOrg, { id: currentId, name: currentName });
        }
      }
    }
    if (change) result.changes.push(change);

    // Memberships (multiple organizations + primary only): planned by the membership resource.
    if (multiPrimary) result.people.push({ group: g, userKey, user, decision, primaryOrg });
  }

  // S4 under multiple organizations + primary: the existing default organization wins, so fields that differ
  // are not synced. Said once, so that a reviewer knows why those users' changes do not show up.
  if (fieldsNotSynced.length > 0) {
    const emails = fieldsNotSynced.map((f) => f.email);
    result.warnings.push({
      code: 'fields_not_synced',
      message:
        `${emails.length} ${emails.length === 1 ? 'user has' : 'users have'} mapped fields that differ but are not synced, because the ` +
        `default organization in Zendesk is not the contact's primary account (an existing default wins; make that account's organization ` +
        `the default in Zendesk to resume): ${listForMessage(emails)}`,
      records: fieldsNotSynced.flatMap((f) => [f.sourceId, f.email]),
    });
  }

  // users.create_for_new_organizations: sold-to people of organizations this plan creates.
  if (sync.users.create_for_new_organizations) {
    for (const d of organizations.created) {
      const org = organizations.linked.get(d.accountId);
      if (!org) continue;
      for (const person of d.newOrganizationUsers) {
        const email = normalizeEmail(person.email);
        if (!email) {
          result.warnings.push({
            code: 'missing_email',
            message: `sold-to contact ${person.sourceId} of "${org.name}" has no valid email and was not created`,
            records: [person.sourceId],
          });
          continue;
        }
        if (planned?.has(email)) continue;
        planned?.add(email);
        const existing = plugin.byEmail.get(email);
        if (existing) {
          result.counterparts.add(existing.id);
          if (existing.role !== 'end-user') {
            result.warnings.push({
              code: 'agent_skipped',
              message: `sold-to contact ${email} (${person.sourceId}) of "${org.name}" is a Zendesk ${existing.role} (user ${existing.id}); zdsf never modifies agents or admins`,
              records: [person.sourceId, email],
            });
          }
          continue;
        }
        if (isProtectedEmail(sync.protected, email)) {
          result.warnings.push({
            code: 'protected_skipped',
            message: `sold-to contact ${email} (${person.sourceId}) of "${org.name}" is in a protected email domain and was not created`,
            records: [person.sourceId, email],
          });
          continue;
        }
        result.changes.push(plugin.addSoldTo({ ...person, email }, org));
      }
    }
  }
  return result;
}

/** The user resource (registered in reconcile/registry.ts): reads the organizations pass's links. */
export const userResource: Resource<'user', UsersResult> = {
  type: 'user',
  needs: ['organization'],
  reconcile: (input, upstream) => reconcileUsers({ ...input, organizations: upstream.organization }),
};
