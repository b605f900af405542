// Plain-data builders for reconcile tests (DesiredState is built directly, not through src/map), and a small
// Zendesk simulator that applies a plan's changes to TargetData the way Zendesk would, so that tests can check
// that apply followed by plan shows no changes.
import type { OrganizationSync, Sync, UserSync, ZendeskInstance } from '../../src/model/config.js';
import type { DesiredOrganization, DesiredPerson, DesiredState } from '../../src/model/desired.js';
import type { Change, SyncPlan } from '../../src/model/plan.js';
import type { AccountContactRelation, SourceData } from '../../src/model/salesforce.js';
import type { TargetData, ZdFieldDef, ZdMembership, ZdOrganization, ZdUser } from '../../src/model/zendesk.js';
import { normalizeEmail, normalizeName } from '../../src/map/normalize.js';

export function orgSync(over: Partial<OrganizationSync> = {}): OrganizationSync {
  return {
    match: 'external_id',
    adopt_by_name: false,
    name: { kind: 'field', from: 'Name', name: 'syncs.test.organizations.name' },
    fields: {},
    include: [],
    ...over,
  };
}

export function userSync(over: Partial<UserSync> = {}): UserSync {
  return {
    sources: [{ object: 'Contact' }],
    match: 'email',
    email: 'Email',
    name: { kind: 'field', from: 'Name', name: 'syncs.test.users.name' },
    fields: {},
    verify_email: false,
    relationships: { primary: true, secondary: false },
    ...over,
  };
}

export interface SyncOptions {
  organizations?: Partial<OrganizationSync> | false;
  users?: Partial<UserSync> | false;
  protected?: Partial<Sync['protected']>;
}

export function makeSync(opts: SyncOptions = {}): Sync {
  const sync: Sync = {
    name: 'test',
    from: 'production',
    to: 'global',
    protected: { external_ids: [], names: [], domains: [], ...opts.protected },
  };
  if (opts.organizations !== false) sync.organizations = orgSync(opts.organizations || {});
  if (opts.users !== false) sync.users = userSync(opts.users || {});
  return sync;
}

export function makeZendesk(multipleOrganizations = false): ZendeskInstance {
  return {
    name: 'global',
    url: 'https://example.zendesk.com',
    auth: { method: 'oauth', token: 'not-a-real-token' },
    multiple_organizations: multipleOrganizations,
  };
}

export function dOrg(
  accountId: string,
  name: string,
  over: Partial<Omit<DesiredOrganization, 'attributes'>> & { attributes?: Partial<DesiredOrganization['attributes']>; matchByName?: boolean } = {},
): DesiredOrganization {
  const { attributes, matchByName, ...rest } = over;
  return {
    accountId,
    key: matchByName ? normalizeName(name) : accountId,
    attributes: { name, external_id: accountId, organization_fields: {}, ...attributes },
    tags: [],
    newOrganizationUsers: [],
    ...rest,
  };
}

export function dPerson(
  sourceId: string,
  email: string | null,
  over: Partial<Omit<DesiredPerson, 'attributes'>> & { attributes?: Partial<DesiredPerson['attributes']>; matchByExternalId?: boolean } = {},
): DesiredPerson {
  const { attributes, matchByExternalId, ...rest } = over;
  const norm = normalizeEmail(email);
  return {
    sourceId,
    object: 'Contact',
    createdDate: '2020-01-01T00:00:00.000Z',
    accountId: null,
    accountName: null,
    email: norm,
    key: matchByExternalId ? sourceId : norm,
    attributes: { name: `Person ${sourceId}`, email: norm, user_fields: {}, ...attributes },
    tags: [],
    ...rest,
  };
}

export function makeDesired(over: Partial<DesiredState> = {}): DesiredState {
  return {
    organizations: [],
    people: [],
    organizationTags: { prefix: 'sf_', static: [] },
    userTags: { prefix: 'sf_', static: [] },
    warnings: [],
    ...over,
  };
}

export function makeSource(over: Partial<SourceData> = {}): SourceData {
  return { accounts: [], people: [], relations: [], retention: [], describe: {}, ...over };
}

export function relation(id: string, contactId: string, accountId: string, over: Partial<AccountContactRelation> = {}): AccountContactRelation {
  return { Id: id, ContactId: contactId, AccountId: accountId, IsDirect: false, IsActive: true, ...over };
}

export function zOrg(id: number, name: string, externalId: string | null, over: Partial<ZdOrganization> = {}): ZdOrganization {
  return { id, name, external_id: externalId, tags: [], domain_names: [], notes: null, details: null, organization_fields: {}, ...over };
}

export function zUser(id: number, email: string | null, over: Partial<ZdUser> = {}): ZdUser {
  return {
    id,
    name: `User ${id}`,
    email,
    role: 'end-user',
    external_id: null,
    organization_id: null,
    tags: [],
    user_fields: {},
    ...over,
  };
}

export function zMembership(id: number, userId: number, orgId: number, isDefault: boolean | null = null): ZdMembership {
  return { id, user_id: userId, organization_id: orgId, default: isDefault };
}

export function makeTarget(over: Partial<TargetData> = {}): TargetData {
  return {
    organizations: [],
    users: [],
    memberships: [],
    organizationFields: [],
    userFields: [],
    settings: { multipleOrganizations: false },
    rateLimitPerMinute: null,
    ...over,
  };
}

export function field(key: string, type: string, options?: { name: string; value: string }[]): ZdFieldDef {
  return {
    id: key.length * 1000 + type.length,
    key,
    type,
    title: key,
    active: true,
    custom_field_options: options?.map((o, i) => ({ id: i + 1, ...o })),
  };
}

export interface ApplyOptions {
  /** store custom field values the way Zendesk's API returns them (decimals as strings, dates with a time) */
  zendeskShapes?: boolean;
  /** Zendesk makes a user's first membership its default (on by default, as Zendesk does; zdsf relies on it) */
  autoDefault?: boolean;
}

function stored(value: unknown, def: ZdFieldDef | undefined, shapes: boolean): unknown {
  if (!shapes || value === null || value === undefined) return value;
  if (def?.type === 'decimal') return String(value);
  if (def?.type === 'date') return `${String(value)}T00:00:00+00:00`;
  return value;
}

function storeFields(current: Record<string, unknown>, next: unknown, defs: ZdFieldDef[], shapes: boolean): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries((next ?? {}) as Record<string, unknown>)) {
    out[k] = stored(v, defs.find((d) => d.key === k), shapes);
  }
  return out;
}

function expectBefore(change: Change, record: Record<string, unknown>): void {
  // A stale-plan check, as apply does: every `before` value must still be the live value.
  for (const [k, v] of Object.entries(change.before ?? {})) {
    if (k === 'organization_fields' || k === 'user_fields') {
      const live = (record[k] ?? {}) as Record<string, unknown>;
      for (const [fk, fv] of Object.entries(v as Record<string, unknown>)) {
        if (JSON.stringify(live[fk] ?? null) !== JSON.stringify(fv ?? null)) throw new Error(`stale before for ${change.key} ${k}.${fk}`);
      }
    } else if (JSON.stringify(record[k] ?? null) !== JSON.stringify(v ?? null)) {
      throw new Error(`stale before for ${change.key} ${k}: plan ${JSON.stringify(v)} live ${JSON.stringify(record[k])}`);
    }
  }
}

/** Applies a plan's changes to a copy of the target as Zendesk would, and returns the new target. */
export function applyPlan(plan: SyncPlan, target: TargetData, opts: ApplyOptions = {}): TargetData {
  const t: TargetData = structuredClone(target);
  const shapes = opts.zendeskShapes ?? false;
  let nextId = 100_000;
  const orgKeys = new Map<string, number>();
  const userKeys = new Map<string, number>();
  const orgId = (ref: { id: number | null; key: string } | undefined): number | null => {
    if (!ref) return null;
    if (ref.id !== null) return ref.id;
    const id = orgKeys.get(ref.key);
    if (id === undefined) throw new Error(`unresolved organization ref ${ref.key}`);
    return id;
  };
  const userId = (ref: { id: number | null; key: string }): number => {
    if (ref.id !== null) return ref.id;
    const id = userKeys.get(ref.key);
    if (id === undefined) throw new Error(`unresolved user ref ${ref.key}`);
    return id;
  };
  const setOrganization = (u: ZdUser, id: number | null): void => {
    // Zendesk: writing organization_id replaces all of the user's memberships.
    t.memberships = t.memberships.filter((m) => m.user_id !== u.id);
    u.organization_id = id;
    if (id !== null) t.memberships.push({ id: nextId++, user_id: u.id, organization_id: id, default: true });
  };
  for (const c of plan.changes) {
    const after = (c.after ?? {}) as Record<string, unknown>;
    if (c.type === 'organization' && c.action === 'create') {
      if (t.organizations.some((o) => normalizeName(o.name) === normalizeName(after.name))) throw new Error(`422 name taken: ${String(after.name)}`);
      const o = zOrg(nextId++, String(after.name), (after.external_id as string | undefined) ?? null, {
        tags: (after.tags as string[] | undefined) ?? [],
        domain_names: (after.domain_names as string[] | undefined) ?? [],
        notes: (after.notes as string | undefined) ?? null,
        details: (after.details as string | undefined) ?? null,
        organization_fields: storeFields({}, after.organization_fields, t.organizationFields, shapes),
      });
      t.organizations.push(o);
      orgKeys.set(c.key, o.id);
    } else if (c.type === 'organization' && c.action === 'update') {
      const o = t.organizations.find((x) => x.id === c.zendesk_id);
      if (!o) throw new Error(`no organization ${c.zendesk_id}`);
      expectBefore(c, o);
      for (const [k, v] of Object.entries(after)) {
        if (k === 'organization_fields') o.organization_fields = storeFields(o.organization_fields, v, t.organizationFields, shapes);
        else o[k] = v;
      }
    } else if (c.type === 'organization' && c.action === 'delete') {
      t.organizations = t.organizations.filter((o) => o.id !== c.zendesk_id);
      t.memberships = t.memberships.filter((m) => m.organization_id !== c.zendesk_id);
      for (const u of t.users) if (u.organization_id === c.zendesk_id) u.organization_id = null;
    } else if (c.type === 'user' && c.action === 'create') {
      const email = normalizeEmail(after.email);
      if (email && t.users.some((u) => normalizeEmail(u.email) === email)) throw new Error(`422 email taken: ${email}`);
      const u = zUser(nextId++, after.email as string, {
        name: String(after.name),
        external_id: (after.external_id as string | undefined) ?? null,
        tags: (after.tags as string[] | undefined) ?? [],
        phone: (after.phone as string | undefined) ?? null,
        notes: (after.notes as string | undefined) ?? null,
        details: (after.details as string | undefined) ?? null,
        user_fields: storeFields({}, after.user_fields, t.userFields, shapes),
        verified: after.verified as boolean | undefined,
      });
      t.users.push(u);
      userKeys.set(c.key, u.id);
      setOrganization(u, orgId(c.organization));
    } else if (c.type === 'user' && c.action === 'update') {
      const u = t.users.find((x) => x.id === c.zendesk_id);
      if (!u) throw new Error(`no user ${c.zendesk_id}`);
      if (u.role !== 'end-user') throw new Error(`plan modifies ${u.role} ${u.id}`);
      expectBefore(c, u);
      for (const [k, v] of Object.entries(after)) {
        if (k === 'user_fields') u.user_fields = storeFields(u.user_fields, v, t.userFields, shapes);
        else u[k] = v;
      }
      if (c.organization) setOrganization(u, orgId(c.organization));
    } else if (c.type === 'membership' && c.action === 'create') {
      const uid = userId(c.user);
      const oid = orgId(c.organization);
      if (oid === null) throw new Error('membership without organization');
      if (t.memberships.some((m) => m.user_id === uid && m.organization_id === oid)) throw new Error('422 membership exists');
      const first = !t.memberships.some((m) => m.user_id === uid);
      // Zendesk makes a user's first membership its default; `default: true` makes this one the default
      const isDefault = (first && (opts.autoDefault ?? true)) || c.default;
      if (c.default) for (const x of t.memberships) if (x.user_id === uid) x.default = null;
      t.memberships.push({ id: nextId++, user_id: uid, organization_id: oid, default: isDefault ? true : null });
      if (isDefault) {
        const u = t.users.find((x) => x.id === uid);
        if (u) u.organization_id = oid;
      }
    } else if (c.type === 'membership' && c.action === 'make_default') {
      const uid = userId(c.user);
      const oid = orgId(c.organization);
      const m = t.memberships.find((x) => x.user_id === uid && x.organization_id === oid);
      if (!m) throw new Error('make_default on a missing membership');
      for (const x of t.memberships) if (x.user_id === uid) x.default = x === m ? true : null;
      const u = t.users.find((x) => x.id === uid);
      if (u) u.organization_id = oid;
    } else {
      throw new Error(`unexpected change ${(c as Change).type} ${(c as Change).action}`);
    }
  }
  return t;
}
