// The Zendesk emulator's state: organizations, users, memberships and their indexes (name, external_id,
// email, memberships by user / by organization), custom field definitions, account settings, the id
// counter, and how records are rendered into API answers. Resource rules (organizations.ts, users.ts,
// memberships.ts) change state only through put* / drop*, which keep the indexes in step.
import type { ZdFieldDef, ZdMembership, ZdOrganization, ZdUser } from '../../model/zendesk.js';
import type { ZendeskCredential } from './credentials.js';
import { clone, isRecord, timestamp } from './records.js';
import { ChangeTracker } from './incremental.js';

export type Org = ZdOrganization;
export type User = ZdUser;
export type Membership = ZdMembership & { view_tickets?: boolean };
export type Field = ZdFieldDef & Record<string, unknown>;

export interface StoreOptions {
  /** this instance's base URL without `/api/v2` */
  baseUrl: () => string;
  now: () => number;
}

const key = (v: string | null | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : null);

function addTo<K>(idx: Map<K, Set<number>>, k: K | null, id: number): void {
  if (k === null) return;
  let set = idx.get(k);
  if (!set) idx.set(k, (set = new Set()));
  set.add(id);
}

function removeFrom<K>(idx: Map<K, Set<number>>, k: K | null, id: number): void {
  if (k === null) return;
  const set = idx.get(k);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) idx.delete(k);
}

function first<T>(map: Map<number, T>, ids: Set<number> | undefined): T | undefined {
  for (const id of ids ?? []) {
    const v = map.get(id);
    if (v) return v;
  }
  return undefined;
}

export const sortById = <T extends { id: number }>(list: Iterable<T>): T[] => [...list].sort((a, b) => a.id - b.id);

export class ZendeskStore {
  orgs = new Map<number, Org>();
  users = new Map<number, User>();
  memberships = new Map<number, Membership>();
  orgFields: Field[] = [];
  userFields: Field[] = [];
  settings: Record<string, unknown> = {};
  /** credentials mode (credentials.ts): the seed's credentials; undefined = any credentials */
  credentials: ZendeskCredential[] | undefined;
  nextId = 10001;
  welcomeEmails = 0;

  // indexes (case-insensitive keys -> ids), kept in step by putOrg/dropOrg, putUser/dropUser, putMembership/dropMembership
  private readonly orgsByName = new Map<string, Set<number>>();
  private readonly orgsByExt = new Map<string, Set<number>>();
  private readonly usersByEmail = new Map<string, Set<number>>();
  private readonly usersByExt = new Map<string, Set<number>>();
  private readonly membershipsByUser = new Map<number, Set<number>>();
  private readonly membershipsByOrg = new Map<number, Set<number>>();
  // ids of orgs / users / memberships in ascending order, rebuilt after an insert or delete (for paging)
  private readonly idCache = new Map<Map<number, unknown>, number[]>();

  /** the order of changes, for the incremental exports (issue 13) */
  readonly tracker = new ChangeTracker();
  /** set while a seed loads: loading is no change */
  loading = false;

  constructor(private readonly options: StoreOptions) {}

  /** empties every record, index and counter (before a seed is loaded) */
  clear(): void {
    this.orgs = new Map();
    this.users = new Map();
    this.memberships = new Map();
    for (const idx of [this.orgsByName, this.orgsByExt, this.usersByEmail, this.usersByExt, this.membershipsByUser, this.membershipsByOrg]) idx.clear();
    this.idCache.clear();
    this.orgFields = [];
    this.userFields = [];
    this.settings = {};
    this.credentials = undefined;
    this.welcomeEmails = 0;
    this.nextId = 10001;
  }

  base(): string {
    return this.options.baseUrl().replace(/\/+$/, '');
  }
  now(): number {
    return this.options.now();
  }
  /** now, as a Zendesk timestamp */
  ts(): string {
    return timestamp(new Date(this.options.now()));
  }
  newId(): number {
    return this.nextId++;
  }
  multipleOrgs(): boolean {
    const u = this.settings.user;
    return isRecord(u) && u.multiple_organizations === true;
  }

  /** the ids of a record map in ascending order (cached until an insert or delete) */
  idsOf(map: Map<number, unknown>): number[] {
    let ids = this.idCache.get(map);
    if (!ids) this.idCache.set(map, (ids = [...map.keys()]));
    return ids;
  }

  // ---------- writes ----------

  /** stores an organization (new or changed) and keeps the name / external_id indexes in step */
  putOrg(o: Org): void {
    const old = this.orgs.get(o.id);
    if (old) {
      removeFrom(this.orgsByName, key(old.name), old.id);
      removeFrom(this.orgsByExt, key(old.external_id), old.id);
    }
    if (!old) this.idCache.delete(this.orgs);
    this.orgs.set(o.id, o);
    addTo(this.orgsByName, key(o.name), o.id);
    addTo(this.orgsByExt, key(o.external_id), o.id);
    if (!this.loading) this.tracker.touch('organization', o.id);
  }
  dropOrg(o: Org): void {
    removeFrom(this.orgsByName, key(o.name), o.id);
    removeFrom(this.orgsByExt, key(o.external_id), o.id);
    this.orgs.delete(o.id);
    this.idCache.delete(this.orgs);
    if (!this.loading) this.tracker.removed('organization', o.id, { ...this.orgOut(o), deleted_at: this.ts(), updated_at: this.ts() }, this.now());
  }
  putUser(u: User): void {
    const old = this.users.get(u.id);
    if (old) {
      removeFrom(this.usersByEmail, key(old.email), old.id);
      removeFrom(this.usersByExt, key(old.external_id), old.id);
    }
    if (!old) this.idCache.delete(this.users);
    this.users.set(u.id, u);
    addTo(this.usersByEmail, key(u.email), u.id);
    addTo(this.usersByExt, key(u.external_id), u.id);
    if (!this.loading) this.tracker.touch('user', u.id);
  }
  dropUser(u: User): void {
    removeFrom(this.usersByEmail, key(u.email), u.id);
    removeFrom(this.usersByExt, key(u.external_id), u.id);
    this.users.delete(u.id);
    this.idCache.delete(this.users);
    if (!this.loading) this.tracker.removed('user', u.id, { ...this.userOut(u), active: false, updated_at: this.ts() }, this.now());
  }
  putMembership(m: Membership): void {
    if (!this.memberships.has(m.id)) this.idCache.delete(this.memberships);
    this.memberships.set(m.id, m);
    addTo(this.membershipsByUser, m.user_id, m.id);
    addTo(this.membershipsByOrg, m.organization_id, m.id);
    this.touchMember(m.user_id);
  }
  dropMembership(m: Membership): void {
    this.memberships.delete(m.id);
    this.idCache.delete(this.memberships);
    removeFrom(this.membershipsByUser, m.user_id, m.id);
    removeFrom(this.membershipsByOrg, m.organization_id, m.id);
    this.touchMember(m.user_id);
  }
  /** A membership written or removed changes its user's organization_id: the user's updated_at moves, and the
   * incremental user export (incremental.ts) returns the user. Nothing is tracked while a seed loads. */
  touchMember(userId: number): void {
    const u = this.users.get(userId);
    if (this.loading || !u) return;
    u.updated_at = this.ts();
    this.tracker.touch('user', u.id);
  }

  // ---------- lookups ----------

  userMemberships(userId: number): Membership[] {
    return sortById([...(this.membershipsByUser.get(userId) ?? [])].map((id) => this.memberships.get(id) as Membership));
  }
  hasMemberships(userId: number): boolean {
    return (this.membershipsByUser.get(userId)?.size ?? 0) > 0;
  }
  orgMemberships(orgId: number): Membership[] {
    return sortById([...(this.membershipsByOrg.get(orgId) ?? [])].map((id) => this.memberships.get(id) as Membership));
  }
  orgByExternalId(externalId: string): Org | undefined {
    return first(this.orgs, this.orgsByExt.get(key(externalId) ?? ''));
  }
  orgByName(name: string): Org | undefined {
    return first(this.orgs, this.orgsByName.get(key(name) ?? ''));
  }
  userByEmail(email: string): User | undefined {
    return first(this.users, this.usersByEmail.get(key(email) ?? ''));
  }
  userByExternalId(externalId: string): User | undefined {
    return first(this.users, this.usersByExt.get(key(externalId) ?? ''));
  }

  // ---------- rendering ----------

  orgOut(o: Org): Org {
    return { url: `${this.base()}/api/v2/organizations/${o.id}.json`, ...clone(o), organization_fields: fieldValues(o.organization_fields, this.orgFields) };
  }
  userOut(u: User): User {
    return { url: `${this.base()}/api/v2/users/${u.id}.json`, ...clone(u), user_fields: fieldValues(u.user_fields, this.userFields) };
  }
  membershipOut(m: Membership): Membership {
    return {
      url: `${this.base()}/api/v2/organization_memberships/${m.id}.json`,
      ...m,
      organization_name: this.orgs.get(m.organization_id)?.name ?? '',
    } as Membership;
  }
  fieldOut(f: Field): Record<string, unknown> {
    const { kind, ...rest } = f;
    return { url: `${this.base()}/api/v2/${String(kind)}/${f.id}.json`, ...clone(rest) };
  }
}

/** every defined field's value (null, or false for a checkbox, when unset), then any other stored keys */
function fieldValues(values: Record<string, unknown>, defs: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) out[d.key] = d.key in values ? values[d.key] : d.type === 'checkbox' ? false : null;
  for (const [k, v] of Object.entries(values)) if (!(k in out)) out[k] = v;
  return out;
}
