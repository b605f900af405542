// Users: the record Zendesk creates (defaults as a live account answers a new end user: alias, details,
// notes null, time_zone America/New_York), its rules (emails and external_ids unique, case-insensitive; writing
// organization_id replaces the memberships; create_or_update matches by external_id then email) and the
// users endpoints, the bulk ones as jobs.
import type { ZdRole } from '../../model/zendesk.js';
import type { SandboxResponse } from '../http.js';
import type { JobEngine } from './jobs.js';
import { bulkItems, BULK_LIMIT, jobResult, tooMany } from './jobs.js';
import { replaceMemberships } from './memberships.js';
import { page, pageIds } from './paging.js';
import { checkCustomFields, clone, isRecord, isValidEmail, normalizeTags, type ZdErrorDetails } from './records.js';
import { badRequest, body, fail, ids, json, missing, notFound, outcomeResponse, str, type Outcome } from './responses.js';
import type { Router } from './router.js';
import type { User, ZendeskStore } from './store.js';
import { searchUsers } from './user-search.js';

const ROLES: ZdRole[] = ['end-user', 'agent', 'admin'];

/** a user record with every attribute Zendesk answers with, from the given input */
export function newUserRecord(id: number, input: Record<string, unknown>, at: string): User {
  const role = ROLES.includes(input.role as ZdRole) ? (input.role as ZdRole) : 'end-user';
  return {
    id,
    name: String(input.name ?? ''),
    email: str(input.email)?.toLowerCase() ?? null,
    created_at: typeof input.created_at === 'string' ? input.created_at : at,
    updated_at: typeof input.updated_at === 'string' ? input.updated_at : at,
    time_zone: typeof input.time_zone === 'string' ? input.time_zone : 'America/New_York',
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
    alias: typeof input.alias === 'string' ? input.alias : null,
    active: input.active !== false,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: false,
    signature: role === 'end-user' ? null : '',
    details: typeof input.details === 'string' ? input.details : null,
    notes: typeof input.notes === 'string' ? input.notes : null,
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

export function applyUser(store: ZendeskStore, input: Record<string, unknown>, existing: User | undefined): Outcome<User> {
  const details: ZdErrorDetails = {};
  const at = store.ts();
  const next: User = existing ? clone(existing) : newUserRecord(0, { ...input, organization_id: undefined, created_at: undefined, updated_at: undefined }, at);
  const checkEmail = (email: string): void => {
    if (!isValidEmail(email)) details.email = [{ description: `Email: ${email} is not properly formatted`, error: 'InvalidFormat' }];
    else if (store.userByEmail(email)) details.email = [{ description: `Email: ${email} is already being used by another user`, error: 'DuplicateValue' }];
  };
  if (!existing) {
    if (!str(input.name)) details.name = [{ description: 'Name: is too short (minimum one character)', error: 'InvalidValue' }];
    const email = str(input.email);
    if (email !== null) checkEmail(email);
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
      checkEmail(email);
      if (!details.email) next.email = email.toLowerCase();
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
    const other = ext ? store.userByExternalId(ext) : undefined;
    if (other && other.id !== existing?.id) details.external_id = [{ description: 'External ID: has already been taken', error: 'DuplicateValue' }];
    else next.external_id = ext;
  }
  if ('user_fields' in input && isRecord(input.user_fields)) {
    const { values, errors } = checkCustomFields(input.user_fields, store.userFields);
    Object.assign(details, errors);
    next.user_fields = { ...(existing ? next.user_fields : {}), ...values };
  }
  let orgId: number | null | undefined;
  if ('organization_id' in input) {
    if (input.organization_id === null) orgId = null;
    else if (store.orgs.has(Number(input.organization_id))) orgId = Number(input.organization_id);
    else details.organization_id = [{ description: `Organization: ${String(input.organization_id)} does not exist`, error: 'InvalidValue' }];
  }
  if (Object.keys(details).length > 0) return { ok: false, status: 422, error: Object.values(details)[0][0].error, details };

  if (!existing) {
    next.id = store.newId();
    next.created_at = at;
    next.updated_at = at;
    store.putUser(next);
    if (next.email && next.verified !== true && input.skip_verify_email !== true) store.welcomeEmails++;
    if (orgId !== undefined && orgId !== null) replaceMemberships(store, next, orgId);
    return { ok: true, value: store.users.get(next.id) as User, action: 'create' };
  }
  const before = JSON.stringify(existing);
  store.putUser(next);
  if (orgId !== undefined) replaceMemberships(store, next, orgId);
  const stored = store.users.get(next.id) as User;
  if (JSON.stringify(stored) !== before) stored.updated_at = at;
  return { ok: true, value: stored, action: 'update' };
}

function findUser(store: ZendeskStore, input: Record<string, unknown>): User | undefined {
  if (typeof input.id === 'number' || (typeof input.id === 'string' && /^\d+$/.test(input.id))) return store.users.get(Number(input.id));
  return undefined;
}

/** create_or_update: matched by external_id, then by email (case-insensitive), as Zendesk documents. */
export function upsertUser(store: ZendeskStore, input: Record<string, unknown>): Outcome<User> {
  const ext = str(input.external_id);
  const email = str(input.email);
  const existing = (ext ? store.userByExternalId(ext) : undefined) ?? (email ? store.userByEmail(email) : undefined) ?? findUser(store, input);
  return applyUser(store, input, existing);
}

export function userRoutes(router: Router, store: ZendeskStore, jobs: JobEngine): void {
  const out = (u: User): User => store.userOut(u);
  const location = (u: User): Record<string, string> => ({ Location: `${store.base()}/api/v2/users/${u.id}.json` });
  // Real Zendesk answers 403 on create_many / create_or_update_many when bulk user import is not enabled on the
  // account; the sandbox has it enabled unless the seed's settings say `sandbox: { bulk_user_import: false }`.
  const bulkImportOff = (): boolean => isRecord(store.settings.sandbox) && store.settings.sandbox.bulk_user_import === false;
  const forbidden = (): SandboxResponse => json(403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help. (Bulk user import is not enabled on this account.)' });

  router.on('GET', 'users', (req) => {
    const q = req.url.searchParams;
    const roles = [...q.getAll('role'), ...q.getAll('role[]')];
    const ext = q.get('external_id');
    if (roles.length === 0 && ext === null) return pageIds(store.base(), req, 'users', store.idsOf(store.users), (id) => out(store.users.get(id) as User));
    const list = [...store.users.values()].filter((u) => (roles.length === 0 || roles.includes(u.role)) && (ext === null || u.external_id?.toLowerCase() === ext.toLowerCase()));
    return page(store.base(), req, 'users', list, out);
  });
  router.on('GET', 'users/count', () => json(200, { count: { value: store.users.size, refreshed_at: store.ts() } }));
  router.on('GET', 'users/show_many', (req) => {
    const q = req.url.searchParams;
    const wanted = q.has('ids') ? ids(q.get('ids')) : ids(q.get('external_ids'));
    if (wanted.length > BULK_LIMIT) return tooMany('ids');
    const found = q.has('ids') ? wanted.map((id) => store.users.get(Number(id))) : wanted.map((e) => store.userByExternalId(e));
    // live Zendesk answers show_many sorted by id, whatever the order of the ids asked for (recorded)
    const list = [...new Set(found.filter((u): u is User => u !== undefined))].sort((a, b) => a.id - b.id);
    return json(200, { users: list.map(out), next_page: null, previous_page: null, count: list.length });
  });
  router.on('GET', 'users/search', (req) => {
    // Search is offset-paginated only in Zendesk.
    const url = new URL(req.url);
    url.searchParams.delete('page[size]');
    url.searchParams.delete('page[after]');
    return page(store.base(), { ...req, url }, 'users', searchUsers(store, req.url.searchParams), out);
  });
  // The authenticated user (`zdsf check`): with basic auth "email/token:…", the seed's user of that email when there
  // is one (so a test can seed an agent or an end user), else an admin; with a bearer token, an admin.
  router.on('GET', 'users/me', (req) => {
    const auth = String(req.headers.authorization ?? '');
    let email = 'sandbox-admin@zdsf.invalid';
    if (/^Basic\s/i.test(auth)) {
      const decoded = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
      email = decoded.split(':')[0].replace(/\/token$/, '') || email;
    }
    const known = [...store.users.values()].find((u) => typeof u.email === 'string' && u.email.toLowerCase() === email.toLowerCase());
    return json(200, { user: known ? out(known) : { id: 1, name: 'Sandbox Admin', email, role: 'admin', active: true, verified: true } });
  });
  router.on('GET', 'users/:id', (_req, [id]) => {
    const u = store.users.get(Number(id));
    return u ? json(200, { user: out(u) }) : notFound();
  });
  router.on('POST', 'users', (req) => {
    const input = body(req, 'user');
    if (!input) return missing('user');
    return outcomeResponse(applyUser(store, input, undefined), (u) => json(201, { user: out(u) }, location(u)));
  });
  router.on('POST', 'users/create_or_update', (req) => {
    const input = body(req, 'user');
    if (!input) return missing('user');
    const o = upsertUser(store, input);
    return outcomeResponse(o, (u) => json(o.ok && o.action === 'create' ? 201 : 200, { user: out(u) }, location(u)));
  });
  router.on('POST', 'users/create_many', (req) => {
    if (bulkImportOff()) return forbidden();
    const items = bulkItems(req.body, 'users');
    if (!Array.isArray(items)) return items;
    return jobs.queue('Bulk Create Users', 'Creating User', items.map((it, i) => () => jobResult(i, applyUser(store, it, undefined))));
  });
  // Real Zendesk lets an admin's token update agents and admins through this endpoint too; so does the sandbox.
  // zdsf itself must not (DESIGN.md section 3).
  router.on('POST', 'users/create_or_update_many', (req) => {
    if (bulkImportOff()) return forbidden();
    const items = bulkItems(req.body, 'users');
    if (!Array.isArray(items)) return items;
    return jobs.queue('Bulk Create or Update Users', 'Updating user', items.map((it, i) => () => jobResult(i, upsertUser(store, it))));
  });
  router.on('PUT', 'users/update_many', (req) => {
    const q = req.url.searchParams;
    if (q.has('ids') || q.has('external_ids')) {
      const input = body(req, 'user');
      if (!input) return missing('user');
      const keys = q.has('ids') ? ids(q.get('ids')).map((id) => store.users.get(Number(id))) : ids(q.get('external_ids')).map((e) => store.userByExternalId(e));
      if (keys.length > BULK_LIMIT) return tooMany('users', 'updated');
      return jobs.queue('Bulk Update Users', 'Updating user', keys.map((u, i) => () =>
        jobResult(i, u && store.users.has(u.id) ? applyUser(store, input, store.users.get(u.id)) : fail(404, 'RecordNotFound', 'id', 'User not found'), { id: u?.id }),
      ));
    }
    const items = bulkItems(req.body, 'users', 'updated');
    if (!Array.isArray(items)) return items;
    return jobs.queue('Bulk Update Users', 'Updating user', items.map((it, i) => () => {
      const { id: _id, ...changes } = it;
      const u = findUser(store, it) ?? (str(it.external_id) ? store.userByExternalId(String(it.external_id)) : undefined);
      return jobResult(i, u ? applyUser(store, changes, u) : fail(404, 'RecordNotFound', 'id', `User ${String(it.id ?? it.external_id)} not found`), { id: u?.id ?? (typeof it.id === 'number' ? it.id : undefined) });
    }));
  });
  router.on('PUT', 'users/:id', (req, [id]) => {
    const u = store.users.get(Number(id));
    if (!u) return notFound();
    const input = body(req, 'user');
    if (!input) return missing('user');
    return outcomeResponse(applyUser(store, input, u), (v) => json(200, { user: out(v) }));
  });
  // DELETE /api/v2/users/destroy_many?ids=1,2 (offboarding): a job, one result per id as live Zendesk answers
  // ({ id, action: "delete", success: true, status: "Deleted" }); removes the user and its memberships.
  router.on('DELETE', 'users/destroy_many', (req) => {
    const q = req.url.searchParams;
    const wanted = ids(q.get('ids'));
    if (wanted.length === 0) return badRequest('InvalidParameter', 'destroy_many needs ids=.');
    if (wanted.length > BULK_LIMIT) return tooMany('users');
    return jobs.queue('Bulk Delete Users', 'Deleting user', wanted.map((id, i) => () => {
      const u = store.users.get(Number(id));
      if (!u) return jobResult(i, fail(404, 'RecordNotFound', 'id', `User ${id} not found`), { id: Number(id) });
      for (const m of store.userMemberships(u.id)) store.dropMembership(m);
      store.dropUser(u);
      return jobResult(i, { ok: true, value: u, action: 'delete' });
    }));
  });
  router.on('DELETE', 'users/:id', (_req, [id]) => {
    const u = store.users.get(Number(id));
    if (!u) return notFound();
    // Real Zendesk soft-deletes (the user stays readable with active: false); the sandbox removes it.
    for (const m of store.userMemberships(u.id)) store.dropMembership(m);
    store.dropUser(u);
    return json(200, { user: { ...out(u), active: false } });
  });
  router.on('GET', 'users/:id/organizations', (req, [id]) => {
    if (!store.users.has(Number(id))) return notFound();
    const orgIds = new Set(store.userMemberships(Number(id)).map((m) => m.organization_id));
    return page(store.base(), req, 'organizations', [...store.orgs.values()].filter((o) => orgIds.has(o.id)), (o) => store.orgOut(o));
  });
}
