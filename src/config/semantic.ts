/**
 * Checks beyond the schema (issue 2): references between sections, SOQL that parses,
 * aggregates over included relationships, relationship rules, loopback-only http,
 * secrets only from the environment or files, templates.
 */
import type { Segment } from './diagnostics.js';
import { CheckContext, entries, isObj, str, type Json } from './context.js';
import { isSingleReference } from './interpolate.js';
import { SECRET_KEYS } from './secrets.js';
import { soqlConditionProblem } from './soql.js';
import { checkCases } from './cases.js';

const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

export function semanticChecks(ctx: CheckContext, data: unknown): void {
  if (!isObj(data)) return;
  const salesforce = isObj(data.salesforce) ? data.salesforce : {};
  const zendesk = isObj(data.zendesk) ? data.zendesk : {};

  for (const [name, inst] of entries(salesforce)) {
    if (!isObj(inst)) continue;
    checkUrl(ctx, ['salesforce', name, 'login_url'], inst.login_url);
    if (isObj(inst.auth)) {
      checkSecrets(ctx, ['salesforce', name, 'auth'], inst.auth);
      checkUrl(ctx, ['salesforce', name, 'auth', 'instance_url'], inst.auth.instance_url);
    }
  }
  for (const [name, inst] of entries(zendesk)) {
    if (!isObj(inst)) continue;
    checkUrl(ctx, ['zendesk', name, 'url'], inst.url);
    if (isObj(inst.auth)) checkSecrets(ctx, ['zendesk', name, 'auth'], inst.auth);
  }

  const writers = new Map<string, Map<string, string>>(); // "to|section" -> first sync writing it
  for (const [name, sync] of entries(data.syncs)) {
    if (!isObj(sync)) continue;
    checkSync(ctx, ['syncs', name], sync, salesforce, zendesk);
    const to = str(sync.to);
    if (to === undefined) continue;
    for (const section of ['organizations', 'users']) {
      if (!isObj(sync[section])) continue;
      const seen = writers.get(to) ?? new Map<string, string>();
      writers.set(to, seen);
      const first = seen.get(section);
      if (first !== undefined) {
        ctx.warn(['syncs', name, section], `syncs "${first}" and "${name}" both sync ${section} into Zendesk instance "${to}": each may undo the other's changes unless their records never overlap`, true);
      } else seen.set(section, name);
    }
  }
}

function checkSync(ctx: CheckContext, at: Segment[], sync: Json, salesforce: Json, zendesk: Json): void {
  const from = str(sync.from);
  const to = str(sync.to);
  if (from !== undefined && !ctx.unresolved([...at, 'from']) && !(from in salesforce)) {
    ctx.report([...at, 'from'], `Salesforce org "${from}" is not declared under salesforce${declared(salesforce)}`);
  }
  if (to !== undefined && !ctx.unresolved([...at, 'to']) && !(to in zendesk)) {
    ctx.report([...at, 'to'], `Zendesk instance "${to}" is not declared under zendesk${declared(zendesk)}`);
  }
  const orgs = isObj(sync.organizations) ? sync.organizations : undefined;
  const users = isObj(sync.users) ? sync.users : undefined;
  if (!('organizations' in sync) && !('users' in sync) && !('cases' in sync)) {
    ctx.report(at, 'a sync needs an organizations section, a users section, a cases section, or several of them', { atKey: true });
  }
  if (isObj(sync.cases)) checkCases(ctx, [...at, 'cases'], sync.cases, sync);
  const includes = new Set<string>(orgs && isObj(orgs.include) ? Object.keys(orgs.include) : []);
  const usedIncludes = new Set<string>();

  if (orgs) {
    const o = [...at, 'organizations'];
    condition(ctx, [...o, 'where'], orgs.where, 'Account');
    recordTypes(ctx, [...o, 'record_types'], orgs.record_types, 'Account');
    if (orgs.match === 'name' && orgs.adopt_by_name === true) {
      ctx.report([...o, 'adopt_by_name'], 'contradicts match: name (organizations already match by name); remove adopt_by_name or match by external_id');
    }
    for (const [rel, spec] of entries(orgs.include)) {
      if (isObj(spec)) condition(ctx, [...o, 'include', rel, 'where'], spec.where, rel);
      if (isObj(spec) && Array.isArray(spec.fields) && spec.fields.length > 0) usedIncludes.add(rel);
    }
    if (isObj(orgs.retention)) condition(ctx, [...o, 'retention', 'delete_when'], orgs.retention.delete_when, 'Account');
    for (const [segs, value] of mappingsOf(orgs, o, ['name', 'domain_names', 'notes', 'details'])) {
      checkMapping(ctx, segs, value, includes, usedIncludes);
    }
  }

  if (users) {
    const u = [...at, 'users'];
    if (!('sources' in users) && !('create_for_new_organizations' in users)) {
      ctx.report(u, 'users needs sources (Contact, Lead) or create_for_new_organizations', { atKey: true });
    }
    if (Array.isArray(users.sources)) {
      users.sources.forEach((src: unknown, i: number) => {
        if (!isObj(src)) return;
        const object = str(src.object) ?? 'Contact';
        condition(ctx, [...u, 'sources', i, 'where'], src.where, object);
        recordTypes(ctx, [...u, 'sources', i, 'record_types'], src.record_types, object);
      });
      const seen = new Map<string, number>();
      users.sources.forEach((src: unknown, i: number) => {
        const object = isObj(src) ? str(src.object) : undefined;
        if (object === undefined) return;
        if (seen.has(object)) ctx.warn([...u, 'sources', i, 'object'], `${object} is listed twice in sources (also at sources[${seen.get(object)}]): records matching both are read twice`);
        else seen.set(object, i);
      });
    }
    for (const [segs, value] of mappingsOf(users, u, ['name', 'phone', 'notes', 'details'])) {
      checkMapping(ctx, segs, value, new Set(), usedIncludes, 'users');
    }
    const rel = isObj(users.relationships) ? users.relationships : {};
    if (rel.secondary === true) {
      const r = [...u, 'relationships', 'secondary'];
      if (rel.primary === false) ctx.report(r, 'secondary relationships need primary: true (they sync only with primary relationship sync on)');
      if (!orgs) ctx.report(r, 'secondary relationships need an organizations section in this sync (memberships need synced organizations)');
      const target = to !== undefined && isObj(zendesk[to]) ? (zendesk[to] as Json) : undefined;
      if (target && target.multiple_organizations !== true) {
        ctx.report(r, `secondary relationships need multiple_organizations: true on Zendesk instance "${to}" (and the setting on in Zendesk)`);
      }
    }
    if (isObj(users.offboard)) checkOffboard(ctx, [...u, 'offboard'], users.offboard, users);
    if (isObj(users.create_for_new_organizations)) {
      const c = [...u, 'create_for_new_organizations'];
      const relName = str(users.create_for_new_organizations.from);
      if (!orgs) ctx.report(c, 'needs an organizations section in this sync (users are created for organizations the plan creates)', { atKey: true });
      else if (relName !== undefined) {
        usedIncludes.add(relName);
        if (!includes.has(relName)) {
          ctx.report([...c, 'from'], `"${relName}" must be listed under organizations.include (add include: { ${relName}: {} })`);
        }
      }
    }
  }

  if (sync.memberships === 'mirror') {
    const m = [...at, 'memberships'];
    const target = to !== undefined && isObj(zendesk[to]) ? (zendesk[to] as Json) : undefined;
    if (!orgs || !users) ctx.report(m, 'memberships: mirror needs an organizations and a users section in this sync (it mirrors the memberships they plan)');
    else if (target && target.multiple_organizations !== true) ctx.report(m, `memberships: mirror needs multiple_organizations: true on Zendesk instance "${to}" (without it a user has one organization, which zdsf sets)`);
  }

  for (const rel of includes) {
    const spec = orgs && isObj(orgs.include) ? orgs.include[rel] : undefined;
    if (!usedIncludes.has(rel) && (spec === null || isObj(spec))) {
      ctx.warn([...at, 'organizations', 'include', rel], `${rel} is read but no aggregate mapping, fields list or create_for_new_organizations uses it`, true);
    }
  }
}

function declared(section: Json): string {
  const names = Object.keys(section);
  return names.length > 0 ? ` (declared: ${names.join(', ')})` : ' (none declared)';
}

function condition(ctx: CheckContext, at: Segment[], value: unknown, object: string): void {
  if (typeof value !== 'string' || value.trim() === '' || ctx.unresolved(at)) return;
  const problem = soqlConditionProblem(value, object);
  if (problem) ctx.report(at, problem);
}

function recordTypes(ctx: CheckContext, at: Segment[], value: unknown, object: string): void {
  if (!Array.isArray(value) || value.length === 0) return;
  if (!value.every((v) => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_]*$/.test(v))) return; // the schema reports it
  const problem = soqlConditionProblem(`RecordType.DeveloperName IN (${value.map((v) => `'${String(v)}'`).join(', ')})`, object);
  if (problem) ctx.report(at, problem);
}

function mappingsOf(section: Json, at: Segment[], singles: string[]): Array<[Segment[], unknown]> {
  const out: Array<[Segment[], unknown]> = [];
  for (const key of singles) if (key in section && section[key] !== undefined) out.push([[...at, key], section[key]]);
  for (const [key, value] of entries(section.fields)) out.push([[...at, 'fields', key], value]);
  return out;
}

function checkMapping(
  ctx: CheckContext,
  at: Segment[],
  value: unknown,
  includes: Set<string>,
  used: Set<string>,
  section: 'organizations' | 'users' = 'organizations',
): void {
  let from: string | undefined;
  let fromAt = at;
  let aggregate: string | undefined;
  if (typeof value === 'string') from = value;
  else if (isObj(value)) {
    if (typeof value.template === 'string') return checkTemplate(ctx, [...at, 'template'], value.template, includes);
    from = str(value.from);
    fromAt = [...at, 'from'];
    aggregate = str(value.aggregate);
    if ('separator' in value && aggregate !== 'join') {
      ctx.warn([...at, 'separator'], 'separator applies only to aggregate: join; it is ignored here', true);
    }
  }
  if (from === undefined || !FIELD_PATH.test(from) || ctx.unresolved(fromAt)) return;
  const [head, ...rest] = from.split('.');
  if (aggregate !== undefined) {
    if (section === 'users') {
      ctx.report([...at, 'aggregate'], 'aggregates are available only in organizations mappings (over organizations.include)');
      return;
    }
    if (!includes.has(head)) {
      const hint = rest.length === 0 && aggregate !== 'count'
        ? `name a field of an included child relationship, e.g. Customer_Subscriptions__r.Entitled_Seats__c`
        : `add include: { ${head}: {} } to organizations`;
      ctx.report(fromAt, `aggregate ${aggregate} needs a child relationship listed under organizations.include, and "${head}" is not (${hint})`);
      return;
    }
    used.add(head);
    if (rest.length === 0 && aggregate !== 'count') {
      ctx.report(fromAt, `aggregate ${aggregate} needs a field of ${head}, e.g. ${head}.Name (only count works on the relationship alone)`);
    }
    return;
  }
  if (includes.has(head)) {
    used.add(head);
    ctx.report(fromAt, `${head} is an included child relationship (many rows): set aggregate (first, last, min, max, sum, count or join)`);
  }
}

function checkTemplate(ctx: CheckContext, at: Segment[], template: string, includes: Set<string>): void {
  if (ctx.unresolved(at)) return;
  const placeholders = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
  const rest = template.replace(/\{[^{}]*\}/g, '');
  if (rest.includes('{') || rest.includes('}')) {
    ctx.report(at, 'unbalanced { or } in template: placeholders are written {Field.Path}');
    return;
  }
  if (placeholders.length === 0) {
    ctx.warn(at, 'template has no {Field} placeholder: use { value: ... } for a constant');
    return;
  }
  for (const p of placeholders) {
    const path = p.trim();
    if (!FIELD_PATH.test(path)) {
      ctx.report(at, `placeholder {${p}} is not a Salesforce field path (e.g. {Name} or {Owner.Name})`);
    } else if (includes.has(path.split('.')[0])) {
      ctx.report(at, `placeholder {${p}} names an included child relationship; map it with aggregate in its own field`);
    }
  }
}

function checkUrl(ctx: CheckContext, at: Segment[], value: unknown): void {
  if (typeof value !== 'string' || ctx.unresolved(at)) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    if (/^https?:\/\//i.test(value)) ctx.report(at, `"${value}" is not a valid URL`);
    return;
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    ctx.report(at, `plain http is allowed only for loopback hosts (127.0.0.0/8, localhost, ::1): use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`);
  }
  if (url.username || url.password) ctx.report(at, 'must not carry credentials: use auth');
  if (url.search || url.hash) ctx.report(at, 'must not have a query or fragment');
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function checkSecrets(ctx: CheckContext, at: Segment[], auth: Json): void {
  for (const key of SECRET_KEYS) {
    if (!(key in auth)) continue;
    const segs = [...at, key];
    const raw = ctx.node(segs)?.raw;
    if (raw === undefined || ctx.unresolved(segs)) continue; // not a string (the schema reports it), or a broken reference
    if (isSingleReference(raw.trim())) continue;
    const envName = `${String(at[1]).toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${key.toUpperCase()}`;
    if (/\$\{[A-Za-z_][A-Za-z0-9_]*:-/.test(raw)) {
      ctx.report(segs, `a secret may not have a default value: write ${key}: \${${envName}} and set the variable, or use ${key}_file`);
    } else {
      ctx.report(segs, `literal secrets are refused: write ${key}: \${${envName}} and set the variable${key === 'security_token' ? '' : `, or use ${key}_file`}`);
    }
  }
}

/** users.offboard (issue 17): zdsf offboards only users it owns, known by external_id = the Contact / Lead Id. */
function checkOffboard(ctx: CheckContext, at: Segment[], o: Json, users: Json): void {
  const when = Array.isArray(o.when) ? o.when : [o.when];
  if (users.match !== 'external_id') {
    ctx.report(at, 'offboarding acts only on users zdsf owns, recognised by their external_id (the Contact or Lead Id): set users.match: external_id', { atKey: true });
  }
  if (when.includes('inactive') && typeof o.inactive_when !== 'string') {
    ctx.report([...at, 'when'], 'when: inactive needs inactive_when, the SOQL condition that marks a Contact or Lead inactive');
  }
  if (typeof o.inactive_when === 'string' && !when.includes('inactive')) {
    ctx.warn([...at, 'inactive_when'], 'inactive_when is set but when does not list inactive: it is not used');
  }
  if (o.after_days !== undefined && o.action !== 'delete') ctx.warn([...at, 'after_days'], 'after_days only applies to action: delete');
  const objects = new Set<string>();
  if (Array.isArray(users.sources)) for (const src of users.sources) objects.add((isObj(src) ? str(src.object) : undefined) ?? 'Contact');
  for (const object of objects) condition(ctx, [...at, 'inactive_when'], o.inactive_when, object);
}
