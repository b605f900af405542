// A stateful emulator of the parts of the Zendesk Support API that zdsf uses (DESIGN.md section 7).
// Records have the shapes of Zendesk's OpenAPI description ("Support API" 2.0.0) and of
// https://developer.zendesk.com/api-reference/ticketing/introduction/ ; where the sandbox differs from the
// real service on purpose, a comment says so.
import { randomBytes } from 'node:crypto';
import type { Emulator, SandboxRequest, SandboxResponse } from '../http.js';
import type { ZendeskSeed } from '../../model/seed.js';
import type { ZdFieldDef, ZdMembership, ZdOrganization, ZdRole, ZdUser } from '../../model/zendesk.js';
import {
  checkCustomFields,
  clone,
  DEFAULT_SETTINGS,
  deepMerge,
  isRecord,
  isValidEmail,
  normalizeDomains,
  normalizeTags,
  timestamp,
  type ZdErrorDetails,
} from './records.js';

export interface ZendeskEmulatorOptions {
  /** This instance's base URL without `/api/v2` (e.g. `http://127.0.0.1:4010` or `http://127.0.0.1:4010/zendesk/fed`);
   * used for `url` attributes, `links.next`, `next_page` and job status URLs. */
  baseUrl: () => string;
  /** With it, a job is `queued` for the first half of this many milliseconds, `working` for the second half, then
   * `completed` (its writes land then, seen by any request). Without it, a job moves one step each time it is
   * polled: queued -> working -> completed (deterministic for tests). */
  jobDelayMs?: number;
  /** clock, for tests */
  now?: () => number;
}

export interface ZendeskEmulatorInfo {
  /** users created without `verified: true` or `skip_verify_email: true`: real Zendesk would have mailed them */
  welcome_emails_sent: number;
  jobs_created: number;
  jobs_pending: number;
}

export interface ZendeskEmulator extends Emulator<ZendeskSeed> {
  info(): ZendeskEmulatorInfo;
  /** completes every pending job, in the order they were queued */
  settle(): void;
}

type Org = ZdOrganization;
type User = ZdUser;
type Membership = ZdMembership & { view_tickets?: boolean };
type Field = ZdFieldDef & Record<string, unknown>;
type Action = 'create' | 'update' | 'delete';

type Outcome<T> =
  | { ok: true; value: T; action: Action }
  | { ok: false; status: 404 | 422; error: string; details: ZdErrorDetails };

interface JobResult {
  [k: string]: unknown;
  success: boolean;
}

interface Job {
  id: string;
  job_type: string;
  total: number;
  status: 'queued' | 'working' | 'completed';
  progress: number | null;
  results: JobResult[] | null;
  message: string | null;
  createdAt: number;
  polls: number;
  run: () => JobResult[];
}

const BULK_LIMIT = 100;
const PAGE_LIMIT = 100;

const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({ status, body, headers });
const notFound = (): SandboxResponse => json(404, { error: 'RecordNotFound', description: 'Not found' });
const badRequest = (error: string, description: string): SandboxResponse => json(400, { error, description });
const invalid = (details: ZdErrorDetails): SandboxResponse =>
  json(422, { error: 'RecordInvalid', description: 'Record validation errors', details });

function fail(status: 404 | 422, error: string, attribute: string, description: string): Outcome<never> {
  return { ok: false, status, error, details: { [attribute]: [{ description, error }] } };
}

function outcomeResponse<T>(o: Outcome<T>, render: (v: T) => SandboxResponse): SandboxResponse {
  if (o.ok) return render(o.value);
  return o.status === 404 ? notFound() : invalid(o.details);
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

function ids(param: string | null): string[] {
  return param ? param.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

const ROLES: ZdRole[] = ['end-user', 'agent', 'admin'];

export function createZendeskEmulator(seed: ZendeskSeed | undefined, options: ZendeskEmulatorOptions): ZendeskEmulator {
  const now = options.now ?? (() => Date.now());
  let original: ZendeskSeed = clone(seed ?? {});

  let orgs = new Map<number, Org>();
  let users = new Map<number, User>();
  let memberships = new Map<number, Membership>();
  // indexes (case-insensitive keys -> ids), kept in step by putOrg/dropOrg, putUser/dropUser, putMembership/dropMembership
  const orgsByName = new Map<string, Set<number>>();
  const orgsByExt = new Map<string, Set<number>>();
  const usersByEmail = new Map<string, Set<number>>();
  const usersByExt = new Map<string, Set<number>>();
  const membershipsByUser = new Map<number, Set<number>>();
  const membershipsByOrg = new Map<number, Set<number>>();
  // ids of orgs / users / memberships in ascending order, rebuilt after an insert or delete (for paging)
  const idCache = new Map<Map<number, unknown>, number[]>();
  const idsOf = (map: Map<number, unknown>): number[] => {
    let ids = idCache.get(map);
    if (!ids) idCache.set(map, (ids = [...map.keys()]));
    return ids;
  };
  let orgFields: Field[] = [];
  let userFields: Field[] = [];
  let settings: Record<string, unknown> = {};
  let jobs = new Map<string, Job>();
  let nextId = 10001;
  let welcomeEmails = 0;
  let jobsCreated = 0;

  const base = (): string => options.baseUrl().replace(/\/+$/, '');
  const ts = (): string => timestamp(new Date(now()));
  const newId = (): number => nextId++;
  const multipleOrgs = (): boolean => {
    const u = settings.user;
    return isRecord(u) && u.multiple_organizations === true;
  };

  // ---------- loading ----------

  function load(s: ZendeskSeed): void {
    orgs = new Map();
    users = new Map();
    memberships = new Map();
    for (const idx of [orgsByName, orgsByExt, usersByEmail, usersByExt, membershipsByUser, membershipsByOrg]) idx.clear();
    idCache.clear();
    jobs = new Map();
    welcomeEmails = 0;
    jobsCreated = 0;
    settings = deepMerge(DEFAULT_SETTINGS, isRecord(s.settings) ? s.settings : {});
    const all = [s.organizations, s.users, s.organization_memberships, s.organization_fields, s.user_fields];
    let max = 10000;
    for (const list of all) for (const r of list ?? []) if (typeof r.id === 'number' && r.id > max) max = r.id;
    nextId = max + 1;
    const created = ts();

    const loadField = (f: Partial<ZdFieldDef> & Record<string, unknown>, kind: string, position: number): Field => {
      const id = typeof f.id === 'number' ? f.id : newId();
      const key = String(f.key ?? `field_${id}`);
      const type = String(f.type ?? 'text');
      const field: Field = {
        id,
        type,
        key,
        title: String(f.title ?? key),
        description: typeof f.description === 'string' ? f.description : '',
        raw_title: String(f.raw_title ?? f.title ?? key),
        raw_description: typeof f.description === 'string' ? f.description : '',
        position: typeof f.position === 'number' ? f.position : position,
        active: f.active !== false,
        system: false,
        regexp_for_validation: typeof f.regexp_for_validation === 'string' ? f.regexp_for_validation : null,
        created_at: typeof f.created_at === 'string' ? f.created_at : created,
        updated_at: typeof f.updated_at === 'string' ? f.updated_at : created,
        kind,
      };
      if (type === 'dropdown' || type === 'tagger' || type === 'multiselect') {
        field.custom_field_options = (f.custom_field_options ?? []).map((o, i) => ({
          id: typeof o.id === 'number' ? o.id : newId(),
          name: String(o.name ?? o.value),
          raw_name: String(o.name ?? o.value),
          value: String(o.value),
          position: i,
          default: false,
        }));
      }
      if (type === 'checkbox' && typeof f.tag === 'string') field.tag = f.tag;
      return field;
    };
    orgFields = (s.organization_fields ?? []).map((f, i) => loadField(f as Field, 'organization_fields', i));
    userFields = (s.user_fields ?? []).map((f, i) => loadField(f as Field, 'user_fields', i));

    const byId = <T extends { id?: number }>(list: T[] | undefined): (T & { id: number })[] =>
      (list ?? []).map((r) => ({ ...r, id: typeof r.id === 'number' ? r.id : newId() })).sort((a, b) => a.id - b.id);
    for (const o of byId(s.organizations)) {
      const id = o.id;
      const { url: _url, ...attrs } = o;
      const org: Org = {
        ...attrs,
        id,
        name: String(o.name ?? `Organization ${id}`),
        shared_tickets: o.shared_tickets === true,
        shared_comments: o.shared_comments === true,
        external_id: str(o.external_id),
        created_at: typeof o.created_at === 'string' ? o.created_at : created,
        updated_at: typeof o.updated_at === 'string' ? o.updated_at : created,
        domain_names: normalizeDomains(o.domain_names),
        details: o.details ?? null,
        notes: o.notes ?? null,
        group_id: typeof o.group_id === 'number' ? o.group_id : null,
        tags: normalizeTags(o.tags),
        organization_fields: isRecord(o.organization_fields) ? { ...o.organization_fields } : {},
      };
      putOrg(org);
    }
    const seededUsers = byId(s.users);
    for (const u of seededUsers) {
      const id = u.id;
      // the seed's own attributes are kept (last_login_at, shared ...); the ones the emulator normalises win
      const { url: _url, ...attrs } = u;
      const base = newUserRecord(id, u, created);
      const user: User = {
        ...base,
        ...attrs,
        id,
        name: base.name,
        email: base.email,
        role: base.role,
        external_id: base.external_id,
        tags: base.tags,
        verified: base.verified,
        user_fields: base.user_fields,
        organization_id: null,
      };
      putUser(user);
    }
    for (const m of byId(s.organization_memberships)) {
      if (typeof m.user_id !== 'number' || typeof m.organization_id !== 'number') continue;
      if (!users.has(m.user_id) || !orgs.has(m.organization_id)) continue;
      const id = m.id;
      putMembership({
        id,
        user_id: m.user_id,
        organization_id: m.organization_id,
        default: m.default === true ? true : null,
        created_at: m.created_at ?? created,
        updated_at: m.updated_at ?? created,
        view_tickets: true,
      });
    }
    // A user's organization_id without a membership in the seed stands for one default membership.
    for (const u of seededUsers) {
      if (typeof u.organization_id !== 'number' || !orgs.has(u.organization_id)) continue;
      if (membershipsByUser.get(u.id)?.size) continue;
      const id = newId();
      putMembership({ id, user_id: u.id, organization_id: u.organization_id, default: true, created_at: created, updated_at: created, view_tickets: true });
    }
    for (const user of users.values()) {
      const ms = userMemberships(user.id);
      if (ms.length > 0 && !ms.some((m) => m.default === true)) ms[0].default = true;
      const defaults = ms.filter((m) => m.default === true);
      for (const extra of defaults.slice(1)) extra.default = null;
      user.organization_id = defaults[0]?.organization_id ?? null;
    }
  }

  function newUserRecord(id: number, input: Record<string, unknown>, at: string): User {
    const role = ROLES.includes(input.role as ZdRole) ? (input.role as ZdRole) : 'end-user';
    return {
      id,
      name: String(input.name ?? ''),
      email: str(input.email)?.toLowerCase() ?? null,
      created_at: typeof input.created_at === 'string' ? input.created_at : at,
      updated_at: typeof input.updated_at === 'string' ? input.updated_at : at,
      time_zone: typeof input.time_zone === 'string' ? input.time_zone : 'Eastern Time (US & Canada)',
      iana_time_zone: typeof input.iana_time_zone === 'string' ? input.iana_time_zone : 'America/New_York',
      phone: str(input.phone),
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      locale: typeof input.locale === 'string' ? input.locale : 'en-US',
      organization_id: null,
      role,
      verified: input.verified === true,
      external_id: str(input.external_id),
      tags: normalizeTags(input.tags),
      alias: typeof input.alias === 'string' ? input.alias : '',
      active: input.active !== false,
      shared: false,
      shared_agent: false,
      last_login_at: null,
      two_factor_auth_enabled: null,
      signature: role === 'end-user' ? null : '',
      details: typeof input.details === 'string' ? input.details : '',
      notes: typeof input.notes === 'string' ? input.notes : '',
      role_type: role === 'admin' ? 4 : null,
      custom_role_id: null,
      moderator: role !== 'end-user',
      ticket_restriction: role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: role !== 'admin',
      suspended: input.suspended === true,
      default_group_id: null,
      report_csv: role === 'admin',
      user_fields: isRecord(input.user_fields) ? { ...input.user_fields } : {},
    };
  }

  // ---------- rendering ----------

  function fieldValues(values: Record<string, unknown>, defs: Field[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const d of defs) out[d.key] = d.key in values ? values[d.key] : d.type === 'checkbox' ? false : null;
    for (const [k, v] of Object.entries(values)) if (!(k in out)) out[k] = v;
    return out;
  }
  const orgOut = (o: Org): Org => ({ url: `${base()}/api/v2/organizations/${o.id}.json`, ...clone(o), organization_fields: fieldValues(o.organization_fields, orgFields) });
  const userOut = (u: User): User => ({ url: `${base()}/api/v2/users/${u.id}.json`, ...clone(u), user_fields: fieldValues(u.user_fields, userFields) });
  const membershipOut = (m: Membership): Membership => ({
    url: `${base()}/api/v2/organization_memberships/${m.id}.json`,
    ...m,
    organization_name: orgs.get(m.organization_id)?.name ?? '',
  } as Membership);
  const fieldOut = (f: Field): Record<string, unknown> => {
    const { kind, ...rest } = f;
    return { url: `${base()}/api/v2/${String(kind)}/${f.id}.json`, ...clone(rest) };
  };
  function jobOut(j: Job): Record<string, unknown> {
    return {
      id: j.id,
      job_type: j.job_type,
      url: `${base()}/api/v2/job_statuses/${j.id}.json`,
      total: j.total,
      progress: j.progress,
      status: j.status,
      message: j.message,
      results: j.results,
    };
  }

  // ---------- lookups ----------

  const sortById = <T extends { id: number }>(list: Iterable<T>): T[] => [...list].sort((a, b) => a.id - b.id);
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
  const first = <T>(map: Map<number, T>, ids: Set<number> | undefined): T | undefined => {
    for (const id of ids ?? []) {
      const v = map.get(id);
      if (v) return v;
    }
    return undefined;
  };
  /** stores an organization (new or changed) and keeps the name / external_id indexes in step */
  function putOrg(o: Org): void {
    const old = orgs.get(o.id);
    if (old) {
      removeFrom(orgsByName, key(old.name), old.id);
      removeFrom(orgsByExt, key(old.external_id), old.id);
    }
    if (!old) idCache.delete(orgs);
    orgs.set(o.id, o);
    addTo(orgsByName, key(o.name), o.id);
    addTo(orgsByExt, key(o.external_id), o.id);
  }
  function dropOrg(o: Org): void {
    removeFrom(orgsByName, key(o.name), o.id);
    removeFrom(orgsByExt, key(o.external_id), o.id);
    orgs.delete(o.id);
    idCache.delete(orgs);
  }
  function putUser(u: User): void {
    const old = users.get(u.id);
    if (old) {
      removeFrom(usersByEmail, key(old.email), old.id);
      removeFrom(usersByExt, key(old.external_id), old.id);
    }
    if (!old) idCache.delete(users);
    users.set(u.id, u);
    addTo(usersByEmail, key(u.email), u.id);
    addTo(usersByExt, key(u.external_id), u.id);
  }
  function dropUser(u: User): void {
    removeFrom(usersByEmail, key(u.email), u.id);
    removeFrom(usersByExt, key(u.external_id), u.id);
    users.delete(u.id);
    idCache.delete(users);
  }
  function putMembership(m: Membership): void {
    if (!memberships.has(m.id)) idCache.delete(memberships);
    memberships.set(m.id, m);
    addTo(membershipsByUser, m.user_id, m.id);
    addTo(membershipsByOrg, m.organization_id, m.id);
  }
  function dropMembership(m: Membership): void {
    memberships.delete(m.id);
    idCache.delete(memberships);
    removeFrom(membershipsByUser, m.user_id, m.id);
    removeFrom(membershipsByOrg, m.organization_id, m.id);
  }
  function userMemberships(userId: number): Membership[] {
    return sortById([...(membershipsByUser.get(userId) ?? [])].map((id) => memberships.get(id) as Membership));
  }
  function orgMemberships(orgId: number): Membership[] {
    return sortById([...(membershipsByOrg.get(orgId) ?? [])].map((id) => memberships.get(id) as Membership));
  }
  const orgByExternalId = (externalId: string): Org | undefined => first(orgs, orgsByExt.get(key(externalId) ?? ''));
  const orgByName = (name: string): Org | undefined => first(orgs, orgsByName.get(key(name) ?? ''));
  const userByEmail = (email: string): User | undefined => first(users, usersByEmail.get(key(email) ?? ''));
  const userByExternalId = (externalId: string): User | undefined => first(users, usersByExt.get(key(externalId) ?? ''));

  // ---------- memberships ----------

  function syncUserOrganization(userId: number): void {
    const user = users.get(userId);
    if (!user) return;
    const ms = userMemberships(userId);
    if (ms.length > 0 && !ms.some((m) => m.default === true)) ms[0].default = true;
    user.organization_id = ms.find((m) => m.default === true)?.organization_id ?? null;
  }

  function addMembership(userId: unknown, orgId: unknown, makeDefault: boolean): Outcome<Membership> {
    const user = typeof userId === 'number' || typeof userId === 'string' ? users.get(Number(userId)) : undefined;
    if (!user) return fail(422, 'InvalidValue', 'user_id', `User: ${String(userId)} does not exist`);
    const org = typeof orgId === 'number' || typeof orgId === 'string' ? orgs.get(Number(orgId)) : undefined;
    if (!org) return fail(422, 'InvalidValue', 'organization_id', `Organization: ${String(orgId)} does not exist`);
    const existing = userMemberships(user.id);
    if (existing.some((m) => m.organization_id === org.id)) {
      return fail(422, 'DuplicateValue', 'user_id', 'User has already been taken');
    }
    if (existing.length > 0 && !multipleOrgs()) {
      return fail(422, 'InvalidValue', 'organization_id', 'User can only belong to one organization: multiple organizations are not enabled on this account');
    }
    const at = ts();
    const isDefault = existing.length === 0 || makeDefault;
    if (isDefault) for (const m of existing) if (m.default) { m.default = null; m.updated_at = at; }
    const m: Membership = { id: newId(), user_id: user.id, organization_id: org.id, default: isDefault ? true : null, created_at: at, updated_at: at, view_tickets: true };
    putMembership(m);
    syncUserOrganization(user.id);
    return { ok: true, value: m, action: 'create' };
  }

  function removeMembership(m: Membership): void {
    dropMembership(m);
    syncUserOrganization(m.user_id);
  }

  function makeDefault(m: Membership): void {
    const at = ts();
    for (const other of userMemberships(m.user_id)) {
      const want = other.id === m.id ? true : null;
      if (other.default !== want) { other.default = want; other.updated_at = at; }
    }
    syncUserOrganization(m.user_id);
  }

  /** Writing a user's organization_id: all its memberships are removed and one (default) is created, as Zendesk
   * does (seed 004: "writing organization_id replaces all memberships"). Unchanged when it is already the user's
   * only membership. */
  function replaceMemberships(user: User, orgId: number | null): void {
    const ms = userMemberships(user.id);
    if (orgId !== null && ms.length === 1 && ms[0].organization_id === orgId) return;
    for (const m of ms) dropMembership(m);
    if (orgId !== null) {
      const at = ts();
      const m: Membership = { id: newId(), user_id: user.id, organization_id: orgId, default: true, created_at: at, updated_at: at, view_tickets: true };
      putMembership(m);
    }
    syncUserOrganization(user.id);
  }

  // ---------- organizations ----------

  function applyOrg(input: Record<string, unknown>, existing: Org | undefined): Outcome<Org> {
    const details: ZdErrorDetails = {};
    const next: Org = existing
      ? clone(existing)
      : { id: 0, name: '', shared_tickets: false, shared_comments: false, external_id: null, created_at: '', updated_at: '', domain_names: [], details: null, notes: null, group_id: null, tags: [], organization_fields: {} };
    if (!existing || 'name' in input) {
      const name = str(input.name);
      const other = name ? orgByName(name) : undefined;
      if (!name) details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }];
      else if (other && other.id !== existing?.id) details.name = [{ description: 'Name: has already been taken', error: 'DuplicateValue' }];
      else next.name = name;
    }
    if ('external_id' in input) {
      const ext = str(input.external_id);
      const other = ext ? orgByExternalId(ext) : undefined;
      if (other && other.id !== existing?.id) details.external_id = [{ description: 'External ID: has already been taken', error: 'DuplicateValue' }];
      else next.external_id = ext;
    }
    for (const k of ['details', 'notes'] as const) if (k in input) next[k] = input[k] === null ? null : String(input[k]);
    for (const k of ['shared_tickets', 'shared_comments'] as const) if (k in input) next[k] = input[k] === true;
    if ('group_id' in input) next.group_id = typeof input.group_id === 'number' ? input.group_id : null;
    if ('tags' in input) next.tags = normalizeTags(input.tags);
    if ('domain_names' in input) next.domain_names = normalizeDomains(input.domain_names);
    if ('organization_fields' in input && isRecord(input.organization_fields)) {
      const { values, errors } = checkCustomFields(input.organization_fields, orgFields);
      Object.assign(details, errors);
      next.organization_fields = { ...next.organization_fields, ...values };
    }
    if (Object.keys(details).length > 0) return { ok: false, status: 422, error: Object.values(details)[0][0].error, details };
    const at = ts();
    if (!existing) {
      next.id = newId();
      next.created_at = at;
      next.updated_at = at;
      putOrg(next);
      return { ok: true, value: next, action: 'create' };
    }
    if (JSON.stringify(next) !== JSON.stringify(existing)) next.updated_at = at;
    putOrg(next);
    return { ok: true, value: next, action: 'update' };
  }

  function deleteOrg(org: Org): Outcome<Org> {
    for (const m of orgMemberships(org.id)) removeMembership(m);
    dropOrg(org);
    return { ok: true, value: org, action: 'delete' };
  }

  function findOrg(input: Record<string, unknown>): Org | undefined {
    if (typeof input.id === 'number' || (typeof input.id === 'string' && /^\d+$/.test(input.id))) return orgs.get(Number(input.id));
    const ext = str(input.external_id);
    return ext ? orgByExternalId(ext) : undefined;
  }

  // ---------- users ----------

  function applyUser(input: Record<string, unknown>, existing: User | undefined): Outcome<User> {
    const details: ZdErrorDetails = {};
    const at = ts();
    const next: User = existing ? clone(existing) : newUserRecord(0, { ...input, organization_id: undefined, created_at: undefined, updated_at: undefined }, at);
    if (!existing) {
      if (!str(input.name)) details.name = [{ description: 'Name: is too short (minimum one character)', error: 'InvalidValue' }];
      const email = str(input.email);
      if (email !== null) {
        if (!isValidEmail(email)) details.email = [{ description: `Email: ${email} is not properly formatted`, error: 'InvalidFormat' }];
        else if (userByEmail(email)) details.email = [{ description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' }];
      }
    } else {
      if ('name' in input) {
        const name = str(input.name);
        if (!name) details.name = [{ description: 'Name: is too short (minimum one character)', error: 'InvalidValue' }];
        else next.name = name;
      }
      // Real Zendesk adds a secondary identity when an existing user is given another email; the sandbox keeps
      // one email per user, so it only sets it when the user has none.
      const email = str(input.email);
      if (email !== null && next.email === null) {
        if (!isValidEmail(email)) details.email = [{ description: `Email: ${email} is not properly formatted`, error: 'InvalidFormat' }];
        else if (userByEmail(email)) details.email = [{ description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' }];
        else next.email = email.toLowerCase();
      }
      for (const k of ['phone', 'details', 'notes', 'alias', 'time_zone', 'locale'] as const) {
        if (k in input) next[k] = input[k] === null ? (k === 'phone' ? null : '') : String(input[k]);
      }
      if ('tags' in input) next.tags = normalizeTags(input.tags);
      if ('verified' in input) next.verified = input.verified === true || next.verified === true;
      if ('suspended' in input) next.suspended = input.suspended === true;
    }
    if ('role' in input) {
      if (!ROLES.includes(input.role as ZdRole)) details.role = [{ description: `Role: ${String(input.role)} is not one of end-user, agent, admin`, error: 'InvalidValue' }];
      else next.role = input.role as ZdRole;
    }
    if ('external_id' in input) {
      const ext = str(input.external_id);
      const other = ext ? userByExternalId(ext) : undefined;
      if (other && other.id !== existing?.id) details.external_id = [{ description: 'External ID: has already been taken', error: 'DuplicateValue' }];
      else next.external_id = ext;
    }
    if ('user_fields' in input && isRecord(input.user_fields)) {
      const { values, errors } = checkCustomFields(input.user_fields, userFields);
      Object.assign(details, errors);
      next.user_fields = { ...(existing ? next.user_fields : {}), ...values };
    }
    let orgId: number | null | undefined;
    if ('organization_id' in input) {
      if (input.organization_id === null) orgId = null;
      else if (orgs.has(Number(input.organization_id))) orgId = Number(input.organization_id);
      else details.organization_id = [{ description: `Organization: ${String(input.organization_id)} does not exist`, error: 'InvalidValue' }];
    }
    if (Object.keys(details).length > 0) return { ok: false, status: 422, error: Object.values(details)[0][0].error, details };

    if (!existing) {
      next.id = newId();
      next.created_at = at;
      next.updated_at = at;
      putUser(next);
      if (next.email && next.verified !== true && input.skip_verify_email !== true) welcomeEmails++;
      if (orgId !== undefined && orgId !== null) replaceMemberships(next, orgId);
      return { ok: true, value: users.get(next.id) as User, action: 'create' };
    }
    const before = JSON.stringify(existing);
    putUser(next);
    if (orgId !== undefined) replaceMemberships(next, orgId);
    const stored = users.get(next.id) as User;
    if (JSON.stringify(stored) !== before) stored.updated_at = at;
    return { ok: true, value: stored, action: 'update' };
  }

  function findUser(input: Record<string, unknown>): User | undefined {
    if (typeof input.id === 'number' || (typeof input.id === 'string' && /^\d+$/.test(input.id))) return users.get(Number(input.id));
    return undefined;
  }

  /** create_or_update: matched by external_id, then by email (case-insensitive), as Zendesk documents. */
  function upsertUser(input: Record<string, unknown>): Outcome<User> {
    const ext = str(input.external_id);
    const email = str(input.email);
    const existing = (ext ? userByExternalId(ext) : undefined) ?? (email ? userByEmail(email) : undefined) ?? findUser(input);
    return applyUser(input, existing);
  }

  // ---------- jobs ----------

  function completeJob(job: Job): void {
    if (job.status === 'completed') return;
    for (const earlier of jobs.values()) {
      if (earlier === job) break;
      if (earlier.status !== 'completed') finish(earlier);
    }
    finish(job);
  }
  function finish(job: Job): void {
    job.results = job.run();
    job.status = 'completed';
    job.progress = job.total;
    job.message = `Completed at ${new Date(now()).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' +0000')}`;
  }
  function advance(job: Job): void {
    if (job.status === 'completed') return;
    if (options.jobDelayMs !== undefined) {
      const elapsed = now() - job.createdAt;
      if (elapsed >= options.jobDelayMs) completeJob(job);
      else if (elapsed >= options.jobDelayMs / 2) toWorking(job);
      return;
    }
    job.polls++;
    if (job.polls === 1) toWorking(job);
    else completeJob(job);
  }
  function toWorking(job: Job): void {
    job.status = 'working';
    job.progress = Math.floor(job.total / 2);
  }
  function settleDue(): void {
    if (options.jobDelayMs === undefined) return;
    for (const job of jobs.values()) if (job.status !== 'completed' && now() - job.createdAt >= options.jobDelayMs) completeJob(job);
  }

  function queueJob(jobType: string, total: number, run: () => JobResult[]): SandboxResponse {
    const job: Job = { id: randomBytes(16).toString('hex'), job_type: jobType, total, status: 'queued', progress: null, results: null, message: null, createdAt: now(), polls: 0, run };
    jobs.set(job.id, job);
    jobsCreated++;
    if (options.jobDelayMs === 0) completeJob(job);
    return json(200, { job_status: jobOut(job) });
  }

  function jobResult<T extends { id: number }>(index: number, o: Outcome<T>, extra: (v: T) => Record<string, unknown> = () => ({})): JobResult {
    if (o.ok) {
      const status = o.action === 'create' ? 'Created' : o.action === 'update' ? 'Updated' : 'Deleted';
      return { index, id: o.value.id, action: o.action, status, success: true, ...extra(o.value) };
    }
    const descriptions = Object.values(o.details).flat().map((d) => d.description);
    return { index, error: o.error, details: descriptions.join('; '), success: false };
  }

  /** the array under `key` of a bulk body, or the response refusing it */
  function bulkItems(body: unknown, key: string): Record<string, unknown>[] | SandboxResponse {
    const list = isRecord(body) ? body[key] : undefined;
    if (!Array.isArray(list) || !list.every(isRecord)) {
      return badRequest('InvalidParameter', `The request body must be {"${key}": [ ... ]}, an array of objects.`);
    }
    if (list.length > BULK_LIMIT) return tooMany(list.length);
    return list as Record<string, unknown>[];
  }
  // Zendesk documents "up to 100" records per bulk request; the exact error body for more is not in the OAS:
  // the sandbox answers 400 TooManyRecords.
  const tooMany = (n: number): SandboxResponse =>
    badRequest('TooManyRecords', `Too many records: ${n} sent, a bulk request accepts at most ${BULK_LIMIT}.`);

  // ---------- paging ----------

  function encodeCursor(id: number): string {
    return Buffer.from(JSON.stringify({ o: 'id', v: id })).toString('base64url');
  }
  function decodeCursor(c: string): number | null {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
      return isRecord(parsed) && typeof parsed.v === 'number' ? parsed.v : null;
    } catch {
      return null;
    }
  }

  function page<T extends { id: number }>(req: SandboxRequest, key: string, items: T[], render: (v: T) => unknown): SandboxResponse {
    const byKey = new Map(items.map((r) => [r.id, r]));
    return pageIds(req, key, items.map((r) => r.id), (id) => render(byKey.get(id) as T));
  }

  /** Lists `ids` with cursor pagination (page[size], page[after], page[before]) or offset pagination (page, per_page). */
  function pageIds(req: SandboxRequest, key: string, items: number[], render: (id: number) => unknown): SandboxResponse {
    const q = req.url.searchParams;
    const link = (params: Record<string, string>): string => {
      const u = new URL(`${base()}${req.url.pathname}`);
      for (const [k, v] of q) if (!k.startsWith('page') && k !== 'per_page') u.searchParams.append(k, v);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      return u.toString();
    };
    // Records are kept in id order (seeds are loaded sorted, new ids only grow), so this rarely sorts.
    let isSorted = true;
    for (let i = 1; i < items.length && isSorted; i++) if (items[i - 1] > items[i]) isSorted = false;
    const sorted = isSorted ? items : [...items].sort((a, b) => a - b);
    /** index of the first record with an id greater than `id` */
    const firstAfter = (id: number): number => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] <= id) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    if (q.has('page[size]') || q.has('page[after]') || q.has('page[before]')) {
      const size = q.has('page[size]') ? Number(q.get('page[size]')) : PAGE_LIMIT;
      if (!Number.isInteger(size) || size < 1) return badRequest('InvalidPaginationParameter', 'page[size] must be a positive integer');
      if (size > PAGE_LIMIT) return badRequest('InvalidPaginationParameter', `page[size] must be at most ${PAGE_LIMIT}`);
      let slice: number[];
      let hasMore: boolean;
      const after = q.get('page[after]');
      const before = q.get('page[before]');
      if (before) {
        const b = decodeCursor(before);
        if (b === null) return badRequest('InvalidPaginationParameter', 'page[before] is not a valid cursor');
        const end = firstAfter(b - 1);
        slice = sorted.slice(Math.max(0, end - size), end);
        hasMore = end > size;
      } else {
        const a = after ? decodeCursor(after) : 0;
        if (a === null) return badRequest('InvalidPaginationParameter', 'page[after] is not a valid cursor');
        const start = firstAfter(a);
        slice = sorted.slice(start, start + size);
        hasMore = sorted.length > start + size;
      }
      const first = slice[0];
      const last = slice[slice.length - 1];
      const afterCursor = last !== undefined ? encodeCursor(last) : null;
      const beforeCursor = first !== undefined ? encodeCursor(first) : null;
      return json(200, {
        [key]: slice.map(render),
        meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
        links: {
          // The real API also gives links.next on the last page; the sandbox gives null there, so that
          // clients that follow links.next while it is set (node-zendesk's getAll) stop.
          next: hasMore && afterCursor ? link({ 'page[after]': afterCursor, 'page[size]': String(size) }) : null,
          prev: beforeCursor ? link({ 'page[before]': beforeCursor, 'page[size]': String(size) }) : null,
        },
      });
    }
    const perPage = Math.min(PAGE_LIMIT, Math.max(1, Number(q.get('per_page') ?? PAGE_LIMIT) || PAGE_LIMIT));
    const pageNo = Math.max(1, Number(q.get('page') ?? 1) || 1);
    const slice = sorted.slice((pageNo - 1) * perPage, pageNo * perPage);
    const more = pageNo * perPage < sorted.length;
    return json(200, {
      [key]: slice.map(render),
      next_page: more ? link({ page: String(pageNo + 1), per_page: String(perPage) }) : null,
      previous_page: pageNo > 1 ? link({ page: String(pageNo - 1), per_page: String(perPage) }) : null,
      count: sorted.length,
    });
  }

  // ---------- routes ----------

  type Handler = (req: SandboxRequest, p: string[]) => SandboxResponse;
  const routes: [string, string, Handler][] = [];
  const on = (method: string, pattern: string, h: Handler): void => {
    routes.push([method, pattern, h]);
  };
  const body = (req: SandboxRequest, key: string): Record<string, unknown> | undefined => {
    const b = req.body;
    return isRecord(b) && isRecord(b[key]) ? b[key] : undefined;
  };
  const missing = (key: string): SandboxResponse => badRequest('InvalidParameter', `The request body must be {"${key}": { ... }}.`);

  // organizations
  on('GET', 'organizations', (req) => pageIds(req, 'organizations', idsOf(orgs), (id) => orgOut(orgs.get(id) as Org)));
  on('GET', 'organizations/count', () => json(200, { count: { value: orgs.size, refreshed_at: ts() } }));
  on('GET', 'organizations/show_many', (req) => {
    const q = req.url.searchParams;
    const wanted = q.has('ids') ? ids(q.get('ids')) : ids(q.get('external_ids'));
    if (wanted.length > BULK_LIMIT) return tooMany(wanted.length);
    const found = q.has('ids') ? wanted.map((id) => orgs.get(Number(id))) : wanted.map((e) => orgByExternalId(e));
    const list = found.filter((o): o is Org => o !== undefined);
    return json(200, { organizations: list.map(orgOut), next_page: null, previous_page: null, count: list.length });
  });
  on('GET', 'organizations/search', (req) => {
    const q = req.url.searchParams;
    const ext = q.get('external_id');
    const name = q.get('name');
    if (ext !== null && name !== null) return badRequest('InvalidParameter', 'Search by external_id or by name, not both.');
    if (ext === null && name === null) return badRequest('InvalidParameter', 'Search needs external_id= or name=.');
    const list = [...orgs.values()].filter((o) => (ext !== null ? o.external_id?.toLowerCase() === ext.toLowerCase() : o.name.toLowerCase() === String(name).trim().toLowerCase()));
    return page(req, 'organizations', list, orgOut);
  });
  on('GET', 'organizations/:id', (_req, [id]) => {
    const o = orgs.get(Number(id));
    return o ? json(200, { organization: orgOut(o) }) : notFound();
  });
  on('GET', 'organizations/:id/organization_memberships', (req, [id]) => {
    if (!orgs.has(Number(id))) return notFound();
    return page(req, 'organization_memberships', orgMemberships(Number(id)), membershipOut);
  });
  on('GET', 'organizations/:id/users', (req, [id]) => {
    if (!orgs.has(Number(id))) return notFound();
    const members = new Set(orgMemberships(Number(id)).map((m) => m.user_id));
    return page(req, 'users', [...users.values()].filter((u) => members.has(u.id)), userOut);
  });
  on('POST', 'organizations', (req) => {
    const input = body(req, 'organization');
    if (!input) return missing('organization');
    return outcomeResponse(applyOrg(input, undefined), (o) => json(201, { organization: orgOut(o) }, { Location: `${base()}/api/v2/organizations/${o.id}.json` }));
  });
  on('POST', 'organizations/create_or_update', (req) => {
    const input = body(req, 'organization');
    if (!input) return missing('organization');
    // Zendesk matches by id or external_id only ("Name is not available as a matching criteria").
    const existing = findOrg(input);
    const o = applyOrg(input, existing);
    return outcomeResponse(o, (org) => json(o.ok && o.action === 'create' ? 201 : 200, { organization: orgOut(org) }));
  });
  on('POST', 'organizations/create_many', (req) => {
    const items = bulkItems(req.body, 'organizations');
    if (!Array.isArray(items)) return items;
    return queueJob('Bulk Create Organizations', items.length, () => items.map((it, i) => jobResult(i, applyOrg(it, undefined))));
  });
  on('PUT', 'organizations/update_many', (req) => {
    const q = req.url.searchParams;
    if (q.has('ids') || q.has('external_ids')) {
      const input = body(req, 'organization');
      if (!input) return missing('organization');
      const keys = q.has('ids') ? ids(q.get('ids')).map((id) => ({ id: Number(id) })) : ids(q.get('external_ids')).map((e) => ({ external_id: e }));
      if (keys.length > BULK_LIMIT) return tooMany(keys.length);
      return queueJob('Bulk Update Organizations', keys.length, () =>
        keys.map((k, i) => {
          const org = findOrg(k);
          return jobResult(i, org ? applyOrg(input, org) : fail(404, 'RecordNotFound', 'id', `Organization ${Object.values(k)[0]} not found`));
        }),
      );
    }
    const items = bulkItems(req.body, 'organizations');
    if (!Array.isArray(items)) return items;
    return queueJob('Bulk Update Organizations', items.length, () =>
      items.map((it, i) => {
        const org = findOrg(it);
        const { id: _id, ...changes } = it;
        return jobResult(i, org ? applyOrg(changes, org) : fail(404, 'RecordNotFound', 'id', `Organization ${String(it.id ?? it.external_id)} not found`));
      }),
    );
  });
  on('DELETE', 'organizations/destroy_many', (req) => {
    const q = req.url.searchParams;
    const keys = q.has('ids') ? ids(q.get('ids')).map((id) => ({ id: Number(id) })) : ids(q.get('external_ids')).map((e) => ({ external_id: e }));
    if (keys.length === 0) return badRequest('InvalidParameter', 'destroy_many needs ids= or external_ids=.');
    if (keys.length > BULK_LIMIT) return tooMany(keys.length);
    return queueJob('Bulk Delete Organizations', keys.length, () =>
      keys.map((k, i) => {
        const org = findOrg(k);
        return jobResult(i, org ? deleteOrg(org) : fail(404, 'RecordNotFound', 'id', `Organization ${Object.values(k)[0]} not found`));
      }),
    );
  });
  on('PUT', 'organizations/:id', (req, [id]) => {
    const org = orgs.get(Number(id));
    if (!org) return notFound();
    const input = body(req, 'organization');
    if (!input) return missing('organization');
    return outcomeResponse(applyOrg(input, org), (o) => json(200, { organization: orgOut(o) }));
  });
  on('DELETE', 'organizations/:id', (_req, [id]) => {
    const org = orgs.get(Number(id));
    if (!org) return notFound();
    deleteOrg(org);
    return { status: 204 };
  });

  // users
  on('GET', 'users', (req) => {
    const q = req.url.searchParams;
    const roles = [...q.getAll('role'), ...q.getAll('role[]')];
    const ext = q.get('external_id');
    if (roles.length === 0 && ext === null) return pageIds(req, 'users', idsOf(users), (id) => userOut(users.get(id) as User));
    const list = [...users.values()].filter((u) => (roles.length === 0 || roles.includes(u.role)) && (ext === null || u.external_id?.toLowerCase() === ext.toLowerCase()));
    return page(req, 'users', list, userOut);
  });
  on('GET', 'users/count', () => json(200, { count: { value: users.size, refreshed_at: ts() } }));
  on('GET', 'users/show_many', (req) => {
    const q = req.url.searchParams;
    const wanted = q.has('ids') ? ids(q.get('ids')) : ids(q.get('external_ids'));
    if (wanted.length > BULK_LIMIT) return tooMany(wanted.length);
    const found = q.has('ids') ? wanted.map((id) => users.get(Number(id))) : wanted.map((e) => userByExternalId(e));
    const list = found.filter((u): u is User => u !== undefined);
    return json(200, { users: list.map(userOut), next_page: null, previous_page: null, count: list.length });
  });
  on('GET', 'users/search', (req) => {
    const q = req.url.searchParams;
    const ext = q.get('external_id');
    let list: User[];
    if (ext !== null) list = [...users.values()].filter((u) => u.external_id?.toLowerCase() === ext.toLowerCase());
    else {
      // The sandbox understands `email:x`, `external_id:x`, `role:x`, `organization_id:n` terms and plain words
      // (matched in name and email); real Zendesk search supports much more and is eventually consistent.
      const query = (q.get('query') ?? '').trim();
      const terms = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
      list = [...users.values()].filter((u) =>
        terms.every((t) => {
          const m = /^(\w+):"?(.*?)"?$/.exec(t);
          if (m) {
            const [, k, v] = m;
            const val = v.toLowerCase();
            if (k === 'email') return u.email?.toLowerCase() === val;
            if (k === 'external_id') return u.external_id?.toLowerCase() === val;
            if (k === 'role') return u.role === val;
            if (k === 'organization_id') return userMemberships(u.id).some((mm) => String(mm.organization_id) === val);
            if (k === 'name') return u.name.toLowerCase().includes(val);
            if (k === 'type') return val === 'user';
            return false;
          }
          const w = t.replace(/"/g, '').toLowerCase();
          return u.name.toLowerCase().includes(w) || (u.email ?? '').toLowerCase().includes(w);
        }),
      );
    }
    // Search is offset-paginated only in Zendesk.
    const q2 = new URL(req.url);
    q2.searchParams.delete('page[size]');
    q2.searchParams.delete('page[after]');
    return page({ ...req, url: q2 }, 'users', list, userOut);
  });
  on('GET', 'users/:id', (_req, [id]) => {
    const u = users.get(Number(id));
    return u ? json(200, { user: userOut(u) }) : notFound();
  });
  on('POST', 'users', (req) => {
    const input = body(req, 'user');
    if (!input) return missing('user');
    return outcomeResponse(applyUser(input, undefined), (u) => json(201, { user: userOut(u) }, { Location: `${base()}/api/v2/users/${u.id}.json` }));
  });
  on('POST', 'users/create_or_update', (req) => {
    const input = body(req, 'user');
    if (!input) return missing('user');
    const o = upsertUser(input);
    return outcomeResponse(o, (u) => json(o.ok && o.action === 'create' ? 201 : 200, { user: userOut(u) }, { Location: `${base()}/api/v2/users/${u.id}.json` }));
  });
  const userExtra = (u: User): Record<string, unknown> => ({ ...(u.email ? { email: u.email } : {}), ...(u.external_id ? { external_id: u.external_id } : {}) });
  // Real Zendesk answers 403 on create_many / create_or_update_many when bulk user import is not enabled on the
  // account; the sandbox has it enabled unless the seed's settings say `sandbox: { bulk_user_import: false }`.
  const bulkImportOff = (): boolean => isRecord(settings.sandbox) && settings.sandbox.bulk_user_import === false;
  const forbidden = (): SandboxResponse => json(403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help. (Bulk user import is not enabled on this account.)' });
  on('POST', 'users/create_many', (req) => {
    if (bulkImportOff()) return forbidden();
    const items = bulkItems(req.body, 'users');
    if (!Array.isArray(items)) return items;
    return queueJob('Bulk Create Users', items.length, () => items.map((it, i) => jobResult(i, applyUser(it, undefined), userExtra)));
  });
  // Real Zendesk lets an admin's token update agents and admins through this endpoint too; so does the sandbox.
  // zdsf itself must not (DESIGN.md section 3).
  on('POST', 'users/create_or_update_many', (req) => {
    if (bulkImportOff()) return forbidden();
    const items = bulkItems(req.body, 'users');
    if (!Array.isArray(items)) return items;
    return queueJob('Bulk Create or Update Users', items.length, () => items.map((it, i) => jobResult(i, upsertUser(it), userExtra)));
  });
  on('PUT', 'users/update_many', (req) => {
    const q = req.url.searchParams;
    if (q.has('ids') || q.has('external_ids')) {
      const input = body(req, 'user');
      if (!input) return missing('user');
      const keys = q.has('ids') ? ids(q.get('ids')).map((id) => users.get(Number(id))) : ids(q.get('external_ids')).map((e) => userByExternalId(e));
      if (keys.length > BULK_LIMIT) return tooMany(keys.length);
      return queueJob('Bulk Update Users', keys.length, () => keys.map((u, i) => jobResult(i, u && users.has(u.id) ? applyUser(input, users.get(u.id)) : fail(404, 'RecordNotFound', 'id', 'User not found'), userExtra)));
    }
    const items = bulkItems(req.body, 'users');
    if (!Array.isArray(items)) return items;
    return queueJob('Bulk Update Users', items.length, () =>
      items.map((it, i) => {
        const { id: _id, ...changes } = it;
        const u = findUser(it) ?? (str(it.external_id) ? userByExternalId(String(it.external_id)) : undefined);
        return jobResult(i, u ? applyUser(changes, u) : fail(404, 'RecordNotFound', 'id', `User ${String(it.id ?? it.external_id)} not found`), userExtra);
      }),
    );
  });
  on('PUT', 'users/:id', (req, [id]) => {
    const u = users.get(Number(id));
    if (!u) return notFound();
    const input = body(req, 'user');
    if (!input) return missing('user');
    return outcomeResponse(applyUser(input, u), (v) => json(200, { user: userOut(v) }));
  });
  on('DELETE', 'users/:id', (_req, [id]) => {
    const u = users.get(Number(id));
    if (!u) return notFound();
    // Real Zendesk soft-deletes (the user stays readable with active: false); the sandbox removes it.
    for (const m of userMemberships(u.id)) dropMembership(m);
    dropUser(u);
    return json(200, { user: { ...userOut(u), active: false } });
  });
  on('GET', 'users/:id/organization_memberships', (req, [id]) => {
    if (!users.has(Number(id))) return notFound();
    return page(req, 'organization_memberships', userMemberships(Number(id)), membershipOut);
  });
  on('GET', 'users/:id/organizations', (req, [id]) => {
    if (!users.has(Number(id))) return notFound();
    const orgIds = new Set(userMemberships(Number(id)).map((m) => m.organization_id));
    return page(req, 'organizations', [...orgs.values()].filter((o) => orgIds.has(o.id)), orgOut);
  });
  on('POST', 'users/:id/organization_memberships', (req, [id]) => {
    const input = body(req, 'organization_membership') ?? {};
    return outcomeResponse(addMembership(Number(id), input.organization_id, input.default === true), (m) => json(201, { organization_membership: membershipOut(m) }));
  });
  on('DELETE', 'users/:id/organization_memberships/:id', (_req, [uid, mid]) => {
    const m = memberships.get(Number(mid));
    if (!m || m.user_id !== Number(uid)) return notFound();
    removeMembership(m);
    return { status: 204 };
  });
  const userMembershipsResponse = (userId: number): SandboxResponse => {
    const ms = userMemberships(userId).sort((a, b) => (a.default ? -1 : b.default ? 1 : (orgs.get(a.organization_id)?.name ?? '').localeCompare(orgs.get(b.organization_id)?.name ?? '')));
    return json(200, { organization_memberships: ms.map(membershipOut) });
  };
  on('PUT', 'users/:id/organization_memberships/:id/make_default', (_req, [uid, mid]) => {
    const m = memberships.get(Number(mid));
    if (!m || m.user_id !== Number(uid)) return notFound();
    makeDefault(m);
    return userMembershipsResponse(m.user_id);
  });
  on('PUT', 'users/:id/organizations/:id/make_default', (_req, [uid, oid]) => {
    const m = userMemberships(Number(uid)).find((x) => x.organization_id === Number(oid));
    if (!m) return notFound();
    makeDefault(m);
    return userMembershipsResponse(m.user_id);
  });

  // organization_memberships
  on('GET', 'organization_memberships', (req) => pageIds(req, 'organization_memberships', idsOf(memberships), (id) => membershipOut(memberships.get(id) as Membership)));
  on('GET', 'organization_memberships/:id', (_req, [id]) => {
    const m = memberships.get(Number(id));
    return m ? json(200, { organization_membership: membershipOut(m) }) : notFound();
  });
  on('POST', 'organization_memberships', (req) => {
    const input = body(req, 'organization_membership');
    if (!input) return missing('organization_membership');
    return outcomeResponse(addMembership(input.user_id, input.organization_id, input.default === true), (m) =>
      json(201, { organization_membership: membershipOut(m) }, { Location: `${base()}/api/v2/organization_memberships/${m.id}.json` }),
    );
  });
  on('POST', 'organization_memberships/create_many', (req) => {
    const items = bulkItems(req.body, 'organization_memberships');
    if (!Array.isArray(items)) return items;
    return queueJob('Bulk Create Organization Memberships', items.length, () =>
      items.map((it, i) => jobResult(i, addMembership(it.user_id, it.organization_id, it.default === true))),
    );
  });
  on('DELETE', 'organization_memberships/destroy_many', (req) => {
    const wanted = ids(req.url.searchParams.get('ids'));
    if (wanted.length === 0) return badRequest('InvalidParameter', 'destroy_many needs ids=.');
    if (wanted.length > BULK_LIMIT) return tooMany(wanted.length);
    return queueJob('Bulk Delete Organization Memberships', wanted.length, () =>
      wanted.map((id, i) => {
        const m = memberships.get(Number(id));
        if (!m) return jobResult(i, fail(404, 'RecordNotFound', 'id', `Organization membership ${id} not found`));
        removeMembership(m);
        return jobResult(i, { ok: true, value: m, action: 'delete' });
      }),
    );
  });
  on('DELETE', 'organization_memberships/:id', (_req, [id]) => {
    const m = memberships.get(Number(id));
    if (!m) return notFound();
    removeMembership(m);
    return { status: 204 };
  });

  // fields
  for (const kind of ['organization_fields', 'user_fields'] as const) {
    const list = (): Field[] => (kind === 'organization_fields' ? orgFields : userFields);
    on('GET', kind, (req) => page(req, kind, list(), fieldOut));
    on('GET', `${kind}/:id`, (_req, [id]) => {
      const f = list().find((x) => x.id === Number(id));
      return f ? json(200, { [kind.slice(0, -1)]: fieldOut(f) }) : notFound();
    });
  }

  // job statuses
  on('GET', 'job_statuses', () => {
    const list = [...jobs.values()].reverse().slice(0, 100);
    for (const j of list) advance(j);
    return json(200, { job_statuses: list.map(jobOut) });
  });
  on('GET', 'job_statuses/show_many', (req) => {
    const wanted = ids(req.url.searchParams.get('ids'));
    const list = wanted.map((id) => jobs.get(id)).filter((j): j is Job => j !== undefined);
    for (const j of list) advance(j);
    return json(200, { job_statuses: list.map(jobOut) });
  });
  on('GET', 'job_statuses/:job', (_req, [id]) => {
    const j = jobs.get(id);
    if (!j) return notFound();
    advance(j);
    return json(200, { job_status: jobOut(j) });
  });

  // account settings
  on('GET', 'account/settings', () => json(200, { settings: clone(settings) }));

  function match(pattern: string, segs: string[]): string[] | null {
    const parts = pattern.split('/');
    if (parts.length !== segs.length) return null;
    const params: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p === ':id') {
        if (!/^\d+$/.test(segs[i])) return null;
        params.push(segs[i]);
      } else if (p === ':job') {
        if (!/^[A-Za-z0-9_-]+$/.test(segs[i]) || segs[i] === 'show_many') return null;
        params.push(segs[i]);
      } else if (p !== segs[i]) return null;
    }
    return params;
  }

  function route(req: SandboxRequest): SandboxResponse | undefined {
    const path = req.url.pathname;
    if (!path.startsWith('/api/v2/')) return undefined;
    const auth = req.headers.authorization;
    if (typeof auth !== 'string' || !/^(Basic|Bearer)\s+\S+/i.test(auth)) {
      return json(401, { error: "Couldn't authenticate you" }, { 'WWW-Authenticate': 'Basic realm="Web Password"' });
    }
    settleDue();
    const rest = path.slice('/api/v2/'.length).replace(/\.json$/, '').replace(/\/+$/, '');
    const segs = rest.split('/').map((s) => decodeURIComponent(s));
    let methodAllowed = false;
    for (const [method, pattern, handler] of routes) {
      const params = match(pattern, segs);
      if (!params) continue;
      if (method !== req.method) {
        methodAllowed = true;
        continue;
      }
      return handler(req, params);
    }
    if (methodAllowed) return json(405, { error: 'MethodNotAllowed', description: `${req.method} is not allowed on ${path}` });
    return json(404, { error: 'InvalidEndpoint', description: `Not found: the sandbox does not emulate ${req.method} ${path}` });
  }

  function state(): ZendeskSeed {
    settle();
    return {
      organizations: sortById(orgs.values()).map(orgOut),
      users: sortById(users.values()).map(userOut),
      organization_memberships: sortById(memberships.values()).map(membershipOut),
      organization_fields: orgFields.map((f) => fieldOut(f) as unknown as ZdFieldDef),
      user_fields: userFields.map((f) => fieldOut(f) as unknown as ZdFieldDef),
      settings: clone(settings) as ZendeskSeed['settings'],
    };
  }

  function settle(): void {
    for (const job of jobs.values()) if (job.status !== 'completed') completeJob(job);
  }

  load(original);
  return {
    route,
    state,
    reset(next?: ZendeskSeed) {
      if (next) original = clone(next);
      load(original);
    },
    info: () => ({ welcome_emails_sent: welcomeEmails, jobs_created: jobsCreated, jobs_pending: [...jobs.values()].filter((j) => j.status !== 'completed').length }),
    settle,
  };
}
