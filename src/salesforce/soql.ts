// Builds the SOQL zdsf sends to Salesforce, from a sync's configuration. Pure: no I/O.
//
// Rules (DESIGN.md sections 2 and 8, issue 4):
// - every field path the mappings and tag rules use is selected, plus what matching and
//   relationships need (Id, CreatedDate, AccountId, Account.Name ...);
// - field paths are deduplicated case-insensitively (the first spelling wins);
// - a path may carry the queried object's own name as a prefix (GitLab style: `Account.Name` in a
//   query FROM Account); it is stripped, so `Account.Name` and `Name` are one field;
// - no ORDER BY anywhere: Bulk API 2.0 refuses it and it disables PK chunking; the reader sorts;
// - every value zdsf itself puts into SOQL is escaped with escapeSoqlString (`\` first, then `'`).
//   The operator's own `where` / `delete_when` conditions are SOQL written by the operator and are
//   passed through verbatim (wrapped in parentheses when combined with other conditions).
import type { Mapping, Sync, UserSource } from '../model/config.js';

/** Escapes a string for use inside a single-quoted SOQL literal: `\` first, then `'`. */
export function escapeSoqlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** A quoted SOQL string literal: `'O\'Brien'`. */
export function soqlString(value: string): string {
  return `'${escapeSoqlString(value)}'`;
}

/** A parent-to-child subquery inside an Account query. */
export interface ChildQuery {
  /** child relationship name, as configured (e.g. Customer_Subscriptions__r) */
  relationship: string;
  /** child field paths, without the relationship prefix; Id first */
  fields: string[];
  where?: string;
}

export interface BuiltQuery {
  /** what the query is for, used in messages: organizations, users (Contact), relationships, retention */
  purpose: string;
  /** the sObject queried (FROM) */
  object: string;
  /** top-level field paths selected, normalised (no self prefix), deduplicated */
  fields: string[];
  children: ChildQuery[];
  /** the complete WHERE condition, if any */
  where?: string;
  soql: string;
}

export interface SyncQueries {
  /** absent without an organizations section */
  accounts?: BuiltQuery;
  /** one per users source */
  people: BuiltQuery[];
  /** AccountContactRelation, only when users.relationships.secondary is on and a Contact source exists */
  relations?: BuiltQuery;
  /** absent without organizations.retention */
  retention?: BuiltQuery;
}

/** Objects whose name is accepted as a prefix of the users sources' own field paths. */
const PEOPLE_OBJECTS = ['Contact', 'Lead'];

function lower(s: string): string {
  return s.toLowerCase();
}

/**
 * Removes the queried object's own name from the front of a field path: on Account,
 * `Account.Name` -> `Name`; on Contact and Lead, `Contact.Email` / `Lead.Email` -> `Email`.
 * Paths through relationships (`Owner.Name`, on Contact `Account.Name`) are kept.
 * Map code reading a record should apply the same normalisation to the configured paths.
 */
export function normalizeFieldPath(object: string, path: string): string {
  const p = path.trim();
  const dot = p.indexOf('.');
  if (dot <= 0) return p;
  const head = lower(p.slice(0, dot));
  const selves = PEOPLE_OBJECTS.some((o) => lower(o) === lower(object)) ? PEOPLE_OBJECTS : [object];
  if (selves.some((o) => lower(o) === head)) return p.slice(dot + 1);
  return p;
}

const TEMPLATE_REF = /\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}/g;

/** Field paths referenced by a template: `{Name} ({Owner.Name})` -> [Name, Owner.Name]. */
export function templateFields(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(TEMPLATE_REF)) out.push(m[1]);
  return out;
}

/** Field paths a mapping reads (none for a constant). */
export function mappingFields(mapping: Mapping | undefined): string[] {
  if (!mapping) return [];
  switch (mapping.kind) {
    case 'field':
      return [mapping.from];
    case 'template':
      return templateFields(mapping.template);
    case 'value':
      return [];
  }
}

/** An ordered, case-insensitively deduplicated list of field paths. */
class FieldList {
  private readonly seen = new Set<string>();
  readonly items: string[] = [];
  add(path: string): void {
    const p = path.trim();
    if (p === '') return;
    const key = lower(p);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(p);
  }
}

function joinConditions(conditions: string[]): string | undefined {
  const parts = conditions.map((c) => c.trim()).filter((c) => c !== '');
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return parts.map((c) => `(${c})`).join(' AND ');
}

function recordTypeCondition(recordTypes: string[] | undefined): string | undefined {
  if (!recordTypes || recordTypes.length === 0) return undefined;
  return `RecordType.DeveloperName IN (${recordTypes.map(soqlString).join(', ')})`;
}

function render(fields: string[], children: ChildQuery[], object: string, where: string | undefined): string {
  const select = [...fields, ...children.map(renderChild)].join(', ');
  return `SELECT ${select} FROM ${object}${where ? ` WHERE ${where}` : ''}`;
}

function renderChild(child: ChildQuery): string {
  const where = child.where?.trim();
  return `(SELECT ${child.fields.join(', ')} FROM ${child.relationship}${where ? ` WHERE ${where}` : ''})`;
}

/** Builds the Account query of a sync, or undefined without an organizations section. */
export function buildAccountQuery(sync: Sync): BuiltQuery | undefined {
  const orgs = sync.organizations;
  if (!orgs) return undefined;
  const object = 'Account';
  const top = new FieldList();
  for (const f of ['Id', 'Name', 'CreatedDate']) top.add(f);

  // child relationships: configured includes first, in order
  const children = new Map<string, { relationship: string; fields: FieldList; where?: string }>();
  const childFor = (relationship: string, where?: string) => {
    const key = lower(relationship);
    let c = children.get(key);
    if (!c) {
      c = { relationship, fields: new FieldList(), where };
      c.fields.add('Id');
      children.set(key, c);
    }
    return c;
  };
  for (const inc of orgs.include) {
    const c = childFor(inc.relationship, inc.where);
    for (const f of inc.fields) c.fields.add(stripPrefix(inc.relationship, f));
  }

  /** routes a path to a child subquery when its first segment names one (or when aggregated) */
  const addPath = (rawPath: string, aggregated: boolean) => {
    const path = normalizeFieldPath(object, rawPath);
    const dot = path.indexOf('.');
    const head = dot > 0 ? path.slice(0, dot) : path;
    const child = children.get(lower(head));
    if (child || aggregated) {
      const c = child ?? childFor(head);
      if (dot > 0) c.fields.add(path.slice(dot + 1));
      return;
    }
    top.add(path);
  };

  const mappings: (Mapping | undefined)[] = [orgs.name, orgs.domain_names, orgs.notes, orgs.details, ...Object.values(orgs.fields)];
  for (const m of mappings) {
    if (!m) continue;
    const aggregated = m.kind === 'field' && m.aggregate !== undefined;
    for (const p of mappingFields(m)) addPath(p, aggregated);
  }
  for (const p of orgs.tags?.from ?? []) addPath(p, false);

  const cfno = sync.users?.create_for_new_organizations;
  if (cfno) {
    const c = childFor(cfno.from);
    c.fields.add(stripPrefix(cfno.from, cfno.email));
    c.fields.add(stripPrefix(cfno.from, cfno.name));
  }

  const where = joinConditions([orgs.where ?? '', recordTypeCondition(orgs.record_types) ?? '']);
  const childList: ChildQuery[] = [...children.values()].map((c) => ({
    relationship: c.relationship,
    fields: c.fields.items,
    ...(c.where && c.where.trim() !== '' ? { where: c.where.trim() } : {}),
  }));
  return {
    purpose: 'organizations',
    object,
    fields: top.items,
    children: childList,
    ...(where ? { where } : {}),
    soql: render(top.items, childList, object, where),
  };
}

function stripPrefix(relationship: string, path: string): string {
  const p = path.trim();
  const prefix = `${lower(relationship)}.`;
  return lower(p).startsWith(prefix) ? p.slice(prefix.length) : p;
}

/** Builds the query of one users source (Contact or Lead). */
export function buildPeopleQuery(sync: Sync, source: UserSource): BuiltQuery {
  const users = sync.users;
  if (!users) throw new Error(`sync ${sync.name} has no users section`);
  const object = source.object;
  const isContact = lower(object) === 'contact';
  const top = new FieldList();
  const add = (raw: string) => {
    const path = normalizeFieldPath(object, raw);
    // Leads have no Account: a path through Account is null for them, and would be refused by Salesforce.
    if (!isContact && lower(path).startsWith('account.')) return;
    top.add(path);
  };
  add('Id');
  add('CreatedDate');
  add(users.email || 'Email');
  if (isContact) {
    add('AccountId');
    add('Account.Name');
  }
  const mappings: (Mapping | undefined)[] = [users.name, users.phone, users.notes, users.details, ...Object.values(users.fields)];
  for (const m of mappings) for (const p of mappingFields(m)) add(p);
  for (const p of users.tags?.from ?? []) add(p);

  // offboarding (issue 17): people marked inactive leave the sync (and are offboarded by lookup, see offboard-lookup.ts)
  const inactive = users.offboard?.when.includes('inactive') && users.offboard.inactive_when ? `NOT (${users.offboard.inactive_when.trim()})` : '';
  const where = joinConditions([source.where ?? '', recordTypeCondition(source.record_types) ?? '', inactive]);
  return {
    purpose: `users (${object})`,
    object,
    fields: top.items,
    children: [],
    ...(where ? { where } : {}),
    soql: render(top.items, [], object, where),
  };
}

/** AccountContactRelation rows for secondary relationships (IsDirect = false). */
export function buildRelationsQuery(): BuiltQuery {
  const fields = ['Id', 'AccountId', 'ContactId', 'IsDirect', 'IsActive'];
  const where = 'IsDirect = false';
  return {
    purpose: 'relationships',
    object: 'AccountContactRelation',
    fields,
    children: [],
    where,
    soql: render(fields, [], 'AccountContactRelation', where),
  };
}

/** `SELECT Id FROM Account WHERE (<delete_when>)`, or undefined without a retention rule. */
export function buildRetentionQuery(sync: Sync): BuiltQuery | undefined {
  const rule = sync.organizations?.retention;
  if (!rule || rule.delete_when.trim() === '') return undefined;
  const where = `(${rule.delete_when.trim()})`;
  return {
    purpose: 'retention',
    object: 'Account',
    fields: ['Id'],
    children: [],
    where,
    soql: render(['Id'], [], 'Account', where),
  };
}

/** Every query one sync needs. */
export function buildSyncQueries(sync: Sync): SyncQueries {
  const accounts = buildAccountQuery(sync);
  const people = (sync.users?.sources ?? []).map((s) => buildPeopleQuery(sync, s));
  const hasContacts = (sync.users?.sources ?? []).some((s) => lower(s.object) === 'contact');
  const relations = sync.users?.relationships.secondary && hasContacts ? buildRelationsQuery() : undefined;
  const retention = buildRetentionQuery(sync);
  return {
    ...(accounts ? { accounts } : {}),
    people,
    ...(relations ? { relations } : {}),
    ...(retention ? { retention } : {}),
  };
}

/** `SELECT COUNT() FROM <object> [WHERE ...]` for a query without subqueries. */
export function countQuery(query: BuiltQuery): string {
  return `SELECT COUNT() FROM ${query.object}${query.where ? ` WHERE ${query.where}` : ''}`;
}
