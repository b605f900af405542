/** Builds the typed Config (src/model/config.ts) from schema-valid, checked data, applying defaults. */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { OFFBOARD_REASONS, type OffboardReason, type OffboardRule } from '../model/config.js';
import type {
  Aggregate,
  Config,
  IncludeSpec,
  Mapping,
  OrganizationSync,
  SalesforceAuth,
  SalesforceInstance,
  Scalar,
  StateSettings,
  Sync,
  TagRule,
  UserSource,
  UserSync,
  ZendeskAuth,
  ZendeskInstance,
} from '../model/config.js';
import { displayPath, type Segment } from './diagnostics.js';
import { CheckContext, entries, isObj, str, type Json } from './context.js';
import { buildCases } from './cases.js';

export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';
export const DEFAULT_API_VERSION = '62.0';

const SECRET_FILES: Array<[string, string]> = [
  ['private_key_file', 'private_key'],
  ['client_secret_file', 'client_secret'],
  ['token_file', 'token'],
  ['password_file', 'password'],
];

/**
 * Reads `*_file` secrets (paths relative to the config file) into the auth objects, in place.
 * Unreadable or empty files are reported at the `*_file` node.
 */
export function readSecretFiles(ctx: CheckContext, data: unknown, configFile: string): void {
  if (!isObj(data)) return;
  for (const section of ['salesforce', 'zendesk']) {
    for (const [name, inst] of entries(data[section])) {
      if (!isObj(inst) || !isObj(inst.auth)) continue;
      const auth = inst.auth;
      for (const [fileKey, key] of SECRET_FILES) {
        const path = str(auth[fileKey]);
        const at: Segment[] = [section, name, 'auth', fileKey];
        if (path === undefined || path === '' || ctx.unresolved(at)) continue;
        const full = isAbsolute(path) ? path : resolve(dirname(configFile), path);
        try {
          const content = readFileSync(full, 'utf8');
          const value = key === 'private_key' ? content : content.trim();
          if (value.trim() === '') ctx.report(at, `secret file "${path}" is empty`);
          else auth[key] = value;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
          const where = isAbsolute(path) ? '' : ' (paths are relative to the config file)';
          ctx.report(at, `cannot read secret file "${path}": ${reason}${where}`);
        }
      }
    }
  }
}

export function buildConfig(ctx: CheckContext, data: Json, file: string, digest: string): Config {
  const salesforce: Record<string, SalesforceInstance> = {};
  for (const [name, v] of entries(data.salesforce)) {
    const inst = v as Json;
    salesforce[name] = {
      name,
      login_url: trimSlash(str(inst.login_url) ?? DEFAULT_LOGIN_URL),
      api_version: str(inst.api_version) ?? DEFAULT_API_VERSION,
      auth: salesforceAuth(inst.auth as Json),
      pos: ctx.pos(['salesforce', name], true),
    };
    if (typeof inst.timeout_seconds === 'number') salesforce[name].timeout_seconds = inst.timeout_seconds;
  }
  const zendesk: Record<string, ZendeskInstance> = {};
  for (const [name, v] of entries(data.zendesk)) {
    const inst = v as Json;
    const sub = str(inst.subdomain);
    const instance: ZendeskInstance = {
      name,
      url: sub !== undefined ? `https://${sub.toLowerCase()}.zendesk.com` : trimSlash(str(inst.url) ?? ''),
      auth: zendeskAuth(inst.auth as Json),
      multiple_organizations: inst.multiple_organizations === true,
      pos: ctx.pos(['zendesk', name], true),
    };
    if (typeof inst.max_requests_per_minute === 'number') instance.max_requests_per_minute = inst.max_requests_per_minute;
    if (typeof inst.timeout_seconds === 'number') instance.timeout_seconds = inst.timeout_seconds;
    zendesk[name] = instance;
  }
  const syncs: Sync[] = [];
  for (const [name, v] of entries(data.syncs)) {
    const s = v as Json;
    const at: Segment[] = ['syncs', name];
    const prot = isObj(s.protected) ? s.protected : {};
    const sync: Sync = {
      name,
      from: String(s.from),
      to: String(s.to),
      memberships: 'additive',
      protected: {
        external_ids: strings(prot.external_ids),
        names: strings(prot.names),
        domains: strings(prot.domains).map((d) => d.toLowerCase()),
      },
      pos: ctx.pos(at, true),
    };
    if (isObj(s.organizations)) sync.organizations = organizations(ctx, s.organizations, [...at, 'organizations']);
    if (isObj(s.users)) sync.users = users(ctx, s.users, [...at, 'users']);
    if (isObj(s.cases)) sync.cases = buildCases(ctx, s.cases, [...at, 'cases'], s);
    sync.memberships = s.memberships === 'mirror' ? 'mirror' : 'additive';
    if (typeof s.max_changes === 'number') sync.max_changes = { count: s.max_changes };
    else if (typeof s.max_changes === 'string') sync.max_changes = { percent: Number(s.max_changes.trim().replace(/%$/, '')) };
    syncs.push(sync);
  }
  const config: Config = { version: 1, file, digest, salesforce, zendesk, syncs };
  if (isObj(data.state)) config.state = stateSettings(data.state, file);
  return config;
}

function salesforceAuth(a: Json): SalesforceAuth {
  const s = (k: string) => str(a[k]) ?? '';
  switch (a.method) {
    case 'jwt': {
      const auth: SalesforceAuth = { method: 'jwt', client_id: s('client_id'), username: s('username'), private_key: s('private_key') };
      if (typeof a.audience === 'string') auth.audience = a.audience;
      return auth;
    }
    case 'client_credentials':
      return { method: 'client_credentials', client_id: s('client_id'), client_secret: s('client_secret') };
    case 'access_token': {
      const auth: SalesforceAuth = { method: 'access_token', token: s('token') };
      if (typeof a.instance_url === 'string') auth.instance_url = trimSlash(a.instance_url);
      return auth;
    }
    default: {
      const auth: SalesforceAuth = { method: 'password', username: s('username'), password: s('password') };
      for (const k of ['security_token', 'client_id', 'client_secret'] as const) if (typeof a[k] === 'string') auth[k] = a[k];
      return auth;
    }
  }
}

function zendeskAuth(a: Json): ZendeskAuth {
  const token = str(a.token) ?? '';
  if (a.method === 'api_token') return { method: 'api_token', email: str(a.email) ?? '', token };
  return { method: 'oauth', token };
}

function organizations(ctx: CheckContext, o: Json, at: Segment[]): OrganizationSync {
  const out: OrganizationSync = {
    match: o.match === 'name' ? 'name' : 'external_id',
    adopt_by_name: o.adopt_by_name === true,
    name: mapping(ctx, o.name ?? 'Name', [...at, 'name']),
    fields: fieldMappings(ctx, o.fields, [...at, 'fields']),
    ...(o.manage_fields === true ? { manage_fields: true } : {}),
    include: entries(o.include).map(([relationship, spec]): IncludeSpec => {
      const i: IncludeSpec = { relationship, fields: isObj(spec) ? strings(spec.fields) : [], pos: ctx.pos([...at, 'include', relationship], true) };
      if (isObj(spec) && typeof spec.where === 'string') i.where = spec.where;
      return i;
    }),
    pos: ctx.pos(at, true),
  };
  if (typeof o.where === 'string') out.where = o.where;
  if (Array.isArray(o.record_types)) out.record_types = strings(o.record_types);
  for (const k of ['domain_names', 'notes', 'details'] as const) if (o[k] !== undefined) out[k] = mapping(ctx, o[k], [...at, k]);
  if (isObj(o.tags)) out.tags = tags(ctx, o.tags, [...at, 'tags']);
  if (isObj(o.retention)) {
    out.retention = { delete_when: String(o.retention.delete_when), keep_if_open_tickets: o.retention.keep_if_open_tickets !== false, pos: ctx.pos([...at, 'retention'], true) };
    if (typeof o.retention.max_deletes === 'number') out.retention.max_deletes = o.retention.max_deletes;
    if (typeof o.retention.keep_if_ticket_within_days === 'number') out.retention.keep_if_ticket_within_days = o.retention.keep_if_ticket_within_days;
  }
  return out;
}

function users(ctx: CheckContext, u: Json, at: Segment[]): UserSync {
  const rel = isObj(u.relationships) ? u.relationships : {};
  const out: UserSync = {
    sources: (Array.isArray(u.sources) ? u.sources : []).map((v: unknown, i: number): UserSource => {
      const s = v as Json;
      const src: UserSource = { object: s.object === 'Lead' ? 'Lead' : 'Contact', pos: ctx.pos([...at, 'sources', i]) };
      if (typeof s.where === 'string') src.where = s.where;
      if (Array.isArray(s.record_types)) src.record_types = strings(s.record_types);
      return src;
    }),
    match: u.match === 'external_id' ? 'external_id' : 'email',
    email: str(u.email) ?? 'Email',
    name: mapping(ctx, u.name ?? 'Name', [...at, 'name']),
    fields: fieldMappings(ctx, u.fields, [...at, 'fields']),
    ...(u.manage_fields === true ? { manage_fields: true } : {}),
    verify_email: u.verify_email === true,
    relationships: { primary: rel.primary !== false, secondary: rel.secondary === true },
    pos: ctx.pos(at, true),
  };
  for (const k of ['phone', 'notes', 'details'] as const) if (u[k] !== undefined) out[k] = mapping(ctx, u[k], [...at, k]);
  if (isObj(u.tags)) out.tags = tags(ctx, u.tags, [...at, 'tags']);
  if (isObj(u.offboard)) out.offboard = offboard(ctx, u.offboard, [...at, 'offboard']);
  const c = u.create_for_new_organizations;
  if (isObj(c)) {
    out.create_for_new_organizations = {
      from: String(c.from),
      email: String(c.email),
      name: String(c.name),
      pos: ctx.pos([...at, 'create_for_new_organizations'], true),
    };
  }
  return out;
}

function offboard(ctx: CheckContext, o: Json, at: Segment[]): OffboardRule {
  const when = (Array.isArray(o.when) ? o.when : [o.when]).filter((w): w is OffboardReason => OFFBOARD_REASONS.includes(w as OffboardReason));
  const rule: OffboardRule = {
    when: OFFBOARD_REASONS.filter((r) => when.includes(r)),
    action: o.action === 'delete' || o.action === 'remove_tags' ? o.action : 'suspend',
    after_days: typeof o.after_days === 'number' ? o.after_days : 30,
    keep_if_open_tickets: o.keep_if_open_tickets !== false,
    pos: ctx.pos(at, true),
  };
  if (typeof o.inactive_when === 'string') rule.inactive_when = o.inactive_when;
  if (typeof o.keep_if_ticket_within_days === 'number') rule.keep_if_ticket_within_days = o.keep_if_ticket_within_days;
  if (typeof o.max_offboard === 'number') rule.max_offboard = o.max_offboard;
  return rule;
}

function fieldMappings(ctx: CheckContext, v: unknown, at: Segment[]): Record<string, Mapping> {
  const out: Record<string, Mapping> = {};
  for (const [key, m] of entries(v)) out[key] = mapping(ctx, m, [...at, key]);
  return out;
}

/** Normalises the four mapping forms; `name` is the mapping's config path. */
export function mapping(ctx: CheckContext, v: unknown, at: Segment[]): Mapping {
  const name = displayPath(at);
  const pos = ctx.pos(at);
  if (typeof v === 'string') return { kind: 'field', from: v, name, pos };
  const o = isObj(v) ? v : {};
  if ('value' in o) return { kind: 'value', value: o.value as Scalar, name, pos };
  if (typeof o.template === 'string') return { kind: 'template', template: o.template, name, pos };
  const m: Mapping = { kind: 'field', from: String(o.from), name, pos };
  if (isObj(o.map)) m.map = o.map as Record<string, Scalar>;
  if ('default' in o) m.default = o.default as Scalar;
  if (typeof o.aggregate === 'string') m.aggregate = o.aggregate as Aggregate;
  if (typeof o.separator === 'string') m.separator = o.separator;
  else if (o.aggregate === 'join') m.separator = ', ';
  return m;
}

function tags(ctx: CheckContext, t: Json, at: Segment[]): TagRule {
  return { prefix: str(t.prefix) ?? '', from: strings(t.from), static: strings(t.static), pos: ctx.pos(at, true) };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `state:` (issue 13): the directory beside the config, refresh_every as milliseconds */
export function stateSettings(state: Json, file: string): StateSettings {
  return {
    dir: resolve(dirname(file), str(state.dir) ?? '.zdsf'),
    refresh_every_ms: parseDuration(str(state.refresh_every) ?? '24h') ?? 24 * 3600_000,
  };
}

/** "90s", "10m", "24h", "1.5d" -> milliseconds; undefined when not a duration */
export function parseDuration(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}
