// Field-type compatibility (DESIGN.md section 3) and the mapping checks plan runs before reading any data. Pure.
// Over ~400 lines on purpose: the compatibility table and the checks that apply it to every mapping
// (checkFieldTypes: paths resolved through the describes, constants against the field definitions, dropdown
// options) are one rule set, read and changed together.
//
// The table is Zendesk's "Allowed field types for Zendesk field mapping" (copied from the seed document
// /work/shared/seeds/000_*.txt, Zendesk's help article on the Salesforce integration), with Zendesk's column
// names given as the field types of the API: Drop-down = dropdown, Text = text, Multi-line text = textarea,
// Numeric = integer, Decimal = decimal, Checkbox = checkbox, Date = date.
// zdsf additions, each noted: `regexp` fields accept whatever a text field accepts; a multi-select picklist
// feeds a Zendesk `multiselect` (its values become an array of option tags) or text and textarea (kept as
// `a;b` text); a lookup (reference) field feeds a Zendesk `lookup` field pointing at organizations
// (relationship_target_type "zen:organization") when it references Account: its value, an Account Id, becomes
// the id of the organization with that external_id (issue 17); Salesforce id, reference, combobox and time
// fields are also text.
// A `map:` lets any field feed a dropdown whose option values are the map's target values.
import type { Mapping, Scalar, SourcePos, Sync } from '../model/config.js';
import type { SfFieldDescribe, SfObjectDescribe, SourceData } from '../model/salesforce.js';
import type { ZdFieldDef } from '../model/zendesk.js';
import { asNumber, mappingPaths } from './mapping.js';
import { findOption, isCalendarDate, optionList } from './values.js';

/** What the type rules read of a describe field (a whole SfFieldDescribe will do). */
export type FieldTypeInfo = Pick<SfFieldDescribe, 'type'> & Partial<SfFieldDescribe>;

export type ZendeskFieldType = 'dropdown' | 'text' | 'textarea' | 'integer' | 'decimal' | 'checkbox' | 'date' | 'multiselect' | 'lookup';

/** The seed's table: Salesforce field type (as Zendesk's article names it) -> allowed Zendesk field types. */
export const ALLOWED_FIELD_TYPES: Readonly<Record<string, readonly ZendeskFieldType[]>> = {
  'Auto Number': ['text', 'textarea'],
  Checkbox: ['checkbox'],
  Currency: ['decimal'],
  Date: ['date'],
  'Date/Time': ['text', 'textarea', 'date'],
  Email: ['text'],
  Geolocation: ['integer', 'decimal'],
  /** integer only "if no decimal is present" (scale 0) */
  Number: ['integer', 'decimal'],
  Percent: ['decimal'],
  Phone: ['text', 'textarea'],
  Picklist: ['dropdown'],
  Text: ['text', 'textarea'],
  'Text Area': ['text', 'textarea'],
  'Text Area (Long)': ['text', 'textarea'],
  'Text Area (Rich)': ['text', 'textarea'],
  'Text Area (Encrypted)': ['text', 'textarea'],
  URL: ['text', 'textarea'],
  /** zdsf addition: a multiselect takes the values as option tags; text keeps them as `a;b` */
  'Multi-Select Picklist': ['multiselect', 'text', 'textarea'],
  /** zdsf addition (issue 17): a reference to Account feeds a lookup of organizations; any reference is text */
  'Lookup Relationship': ['lookup', 'text', 'textarea'],
};

/** The Zendesk field types zdsf can write. `tagger` is another name of dropdown. */
export const WRITABLE_ZENDESK_TYPES = ['text', 'textarea', 'regexp', 'integer', 'decimal', 'checkbox', 'date', 'dropdown', 'tagger', 'multiselect', 'lookup'];

/** The lookup target zdsf can fill: organizations (a Salesforce reference to Account gives its Account Id). */
export const LOOKUP_TARGET = 'zen:organization';

/** Whether a Salesforce field is a reference to Account, whose Account Id a lookup of organizations takes. */
export function referencesAccount(field: FieldTypeInfo): boolean {
  return field.type.toLowerCase() === 'reference' && (field.referenceTo ?? []).some((r) => r.toLowerCase() === 'account');
}

/** The row of the table a Salesforce describe type belongs to, or null for types zdsf cannot map
 * (base64, address, anyType ...). */
export function salesforceTypeRow(field: FieldTypeInfo): string | null {
  if (field.autoNumber) return 'Auto Number';
  switch (field.type.toLowerCase()) {
    case 'autonumber':
      return 'Auto Number';
    case 'boolean':
      return 'Checkbox';
    case 'currency':
      return 'Currency';
    case 'date':
      return 'Date';
    case 'datetime':
      return 'Date/Time';
    case 'email':
      return 'Email';
    case 'location':
      return 'Geolocation';
    case 'int':
    case 'long':
    case 'double':
      return 'Number';
    case 'percent':
      return 'Percent';
    case 'phone':
      return 'Phone';
    case 'picklist':
      return 'Picklist';
    case 'multipicklist':
      return 'Multi-Select Picklist';
    case 'reference':
      return 'Lookup Relationship';
    case 'string':
    case 'id':
    case 'combobox':
    case 'time':
      return 'Text';
    case 'textarea':
      return 'Text Area';
    case 'encryptedstring':
      return 'Text Area (Encrypted)';
    case 'url':
      return 'URL';
    default:
      return null;
  }
}

/** Whether a numeric field has no decimals: int/long always, double when its scale is 0. A describe without a
 * scale is given the benefit of the doubt (values with decimals are then refused record by record). */
function withoutDecimals(field: FieldTypeInfo): boolean {
  const t = field.type.toLowerCase();
  if (t === 'int' || t === 'long') return true;
  return field.scale === undefined || field.scale === 0;
}

/** The Zendesk field types a Salesforce field may feed (without a `map:`). `regexp` goes with `text`. */
export function allowedZendeskTypes(field: FieldTypeInfo): string[] {
  const row = salesforceTypeRow(field);
  if (row === null) return [];
  let allowed: string[] = [...ALLOWED_FIELD_TYPES[row]];
  if (row === 'Number' && !withoutDecimals(field)) allowed = allowed.filter((t) => t !== 'integer');
  if (allowed.includes('text')) allowed.push('regexp');
  return allowed;
}

/** Whether a Salesforce field may feed a Zendesk field type (a lookup only from a reference to Account). */
export function canFeed(field: FieldTypeInfo, zendeskType: string): boolean {
  const type = zendeskType === 'tagger' ? 'dropdown' : zendeskType;
  if (type === 'lookup' && !referencesAccount(field)) return false;
  return allowedZendeskTypes(field).includes(type);
}

function allowedText(field: FieldTypeInfo): string {
  const row = salesforceTypeRow(field);
  if (row === null) return 'none (zdsf cannot map this Salesforce type)';
  const parts: string[] = ALLOWED_FIELD_TYPES[row].map((t) => (row === 'Number' && t === 'integer' ? 'integer (no decimals)' : t));
  if (parts.includes('text')) parts.push('regexp');
  return parts.join(', ');
}

function typeText(field: SfFieldDescribe): string {
  const t = field.autoNumber ? 'autonumber' : field.type;
  if (t.toLowerCase() === 'double' && field.scale !== undefined && field.scale > 0) {
    return `${t}, ${field.scale} decimal${field.scale === 1 ? '' : 's'}`;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Resolving a field path against the describe

type Resolved =
  /** a field, possibly on a child object reached through a child relationship */
  | { kind: 'field'; object: string; field: SfFieldDescribe; child?: string }
  /** the path is a child relationship itself (count over it) */
  | { kind: 'relationship'; object: string; child: string }
  /** the describe needed to check it is not available */
  | { kind: 'unknown'; child?: string }
  | { kind: 'error'; message: string };

function describeOf(describe: SourceData['describe'], name: string): SfObjectDescribe | undefined {
  if (describe[name]) return describe[name];
  const lower = name.toLowerCase();
  const key = Object.keys(describe).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : describe[key];
}

function findChild(obj: SfObjectDescribe, name: string): { relationshipName: string | null; childSObject: string } | undefined {
  const lower = name.toLowerCase();
  return obj.childRelationships?.find((c) => c.relationshipName?.toLowerCase() === lower);
}

/** Resolves `path` on `objectName` through parents (relationshipName) and child relationships. */
export function resolveFieldPath(
  describe: SourceData['describe'],
  objectName: string,
  path: string,
  /** child relationships known to be read (`include`), lowercased: trusted when the describe lists none */
  includes: ReadonlySet<string> = new Set(),
  /** other own-prefixes (users: Contact and Lead) */
  ownPrefixes: readonly string[] = [],
): Resolved {
  let segments = path
    .split('.')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const root = describeOf(describe, objectName);
  if (!root) return { kind: 'unknown' };
  let obj: SfObjectDescribe = root;
  const head = segments[0]?.toLowerCase();
  if (
    segments.length > 1 &&
    [objectName, ...ownPrefixes].some((n) => n.toLowerCase() === head) &&
    !obj.fields.some((f) => f.relationshipName?.toLowerCase() === head)
  ) {
    segments = segments.slice(1);
  }
  let child: string | undefined;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const lower = seg.toLowerCase();
    const last = i === segments.length - 1;
    if (last) {
      const field = obj.fields.find((f) => f.name.toLowerCase() === lower);
      if (field) return { kind: 'field', object: obj.name, field, child };
      const rel = findChild(obj, seg);
      if (rel && child === undefined) return { kind: 'relationship', object: obj.name, child: rel.relationshipName ?? seg };
      return { kind: 'error', message: `Salesforce field ${obj.name}.${seg} does not exist` };
    }
    const parent: SfFieldDescribe | undefined = obj.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
    if (parent) {
      const next: SfObjectDescribe | undefined = (parent.referenceTo ?? [])
        .map((r) => describeOf(describe, r))
        .find((d) => d !== undefined);
      if (!next) return { kind: 'unknown', child };
      obj = next;
      continue;
    }
    const rel = findChild(obj, seg);
    if (rel && child === undefined) {
      child = rel.relationshipName ?? seg;
      const next = describeOf(describe, rel.childSObject);
      if (!next) return { kind: 'unknown', child };
      obj = next;
      continue;
    }
    if (obj.childRelationships === undefined && child === undefined && includes.has(lower)) return { kind: 'unknown', child: seg };
    if (obj.childRelationships === undefined && /__r$/i.test(seg)) return { kind: 'unknown' };
    return {
      kind: 'error',
      message: `Salesforce ${obj.name} has no relationship "${seg}" (in the path ${path})`,
    };
  }
  return { kind: 'error', message: `empty field path` };
}

// ---------------------------------------------------------------------------------------------------------
// The checks

function where(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}: ` : '';
}

function zdType(def: ZdFieldDef): string {
  return def.type === 'tagger' ? 'dropdown' : def.type;
}

/** Why a constant cannot go into a Zendesk field of this definition, or null when it can. */
function constantProblem(value: Scalar, def: ZdFieldDef): string | null {
  if (value === null) return null;
  switch (zdType(def)) {
    case 'integer': {
      const n = asNumber(value);
      return n !== null && Number.isInteger(n) ? null : 'is not a whole number';
    }
    case 'decimal':
      return asNumber(value) !== null ? null : 'is not a number';
    case 'checkbox':
      return typeof value === 'boolean' || ['true', 'false'].includes(String(value).toLowerCase()) ? null : 'is not true or false';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : 'is not a date (YYYY-MM-DD)';
    case 'dropdown':
      return findOption(def, value) ? null : `is not an option (options: ${optionList(def)})`;
    case 'multiselect': {
      const missing = String(value)
        .split(';')
        .map((p) => p.trim())
        .filter((p) => p !== '' && !findOption(def, p));
      return missing.length === 0 ? null : `has ${missing.map((m) => JSON.stringify(m)).join(', ')}, not an option (options: ${optionList(def)})`;
    }
    case 'lookup':
      return 'is a constant: a lookup takes the Account Id of a Salesforce reference to Account';
    default:
      return null;
  }
}

interface Target {
  /** "organization" | "user" */
  what: string;
  key: string;
  def: ZdFieldDef;
}

interface Scope {
  objects: string[];
  /** included child relationships, lowercased */
  include: Set<string>;
  /** an example of one, as written */
  example?: string;
  /** aggregates over child relationships that are not included are read all the same (organizations) */
  aggregatesRead?: boolean;
  /** other own-prefixes */
  ownPrefixes?: readonly string[];
  includeName: string;
}

/** Checks one mapping's Salesforce side (every path exists), and, with a target, its type against the target. */
function checkMapping(
  mapping: Mapping,
  scope: Scope,
  describe: SourceData['describe'],
  target: Target | undefined,
  out: string[],
  /** tag rules take every value of a child path: no aggregate needed */
  listOk = false,
): void {
  const at = `${where(mapping.pos)}${mapping.name}: `;
  const zd = target ? zdType(target.def) : undefined;
  const targetText = target ? `Zendesk field "${target.key}" (${zd})` : '';

  if (mapping.kind === 'value') {
    if (target) {
      const problem = constantProblem(mapping.value, target.def);
      if (problem) out.push(`${at}value ${JSON.stringify(mapping.value)} ${problem} for ${targetText}`);
    }
    return;
  }

  if (mapping.kind === 'template') {
    for (const object of scope.objects) {
      for (const path of mappingPaths(mapping)) {
        const r = resolveFieldPath(describe, object, path, scope.include, scope.ownPrefixes);
        if (r.kind === 'error') out.push(`${at}${r.message}`);
        else if ((r.kind === 'field' || r.kind === 'unknown') && r.child !== undefined && !scope.include.has(r.child.toLowerCase())) {
          out.push(`${at}child relationship ${r.child} is not read: add it to ${scope.includeName}`);
        }
      }
    }
    if (target && !['text', 'textarea', 'regexp'].includes(zd ?? '')) {
      out.push(`${at}a template gives text, which cannot feed ${targetText}; allowed: text, textarea, regexp`);
    }
    return;
  }

  // kind: field
  const mapValues: { label: string; value: Scalar }[] = Object.entries(mapping.map ?? {}).map(([k, v]) => ({
    label: `map value ${JSON.stringify(v)} (for ${JSON.stringify(k)})`,
    value: v,
  }));
  if (mapping.default !== undefined && mapping.default !== null) {
    mapValues.push({ label: `default ${JSON.stringify(mapping.default)}`, value: mapping.default });
  }
  if (target) {
    for (const { label, value } of mapValues) {
      const problem = constantProblem(value, target.def);
      if (problem) out.push(`${at}${label} ${problem} for ${targetText}`);
    }
  }
  // With a map into a dropdown, or with a map and a default (so that every value comes from the config),
  // the Salesforce field's type does not matter.
  const typeFree = mapping.map !== undefined && (zd === 'dropdown' || mapping.default !== undefined);

  for (const object of scope.objects) {
    const r = resolveFieldPath(describe, object, mapping.from, scope.include, scope.ownPrefixes);
    if (r.kind === 'error') {
      out.push(`${at}${r.message}`);
      continue;
    }
    const child = r.child;
    if (child !== undefined && !mapping.aggregate && !listOk) {
      out.push(`${at}${mapping.from} goes through the child relationship ${child}: add aggregate: first, last, min, max, sum, count or join`);
      continue;
    }
    // The Salesforce reader reads an aggregated child relationship that is not `include`d as a subquery
    // without a filter; anything else through a child relationship must be included to be read at all.
    if (child !== undefined && !scope.include.has(child.toLowerCase()) && !(mapping.aggregate && scope.aggregatesRead)) {
      out.push(`${at}child relationship ${child} is not read: add it to ${scope.includeName}`);
      continue;
    }
    if (child === undefined && mapping.aggregate && r.kind !== 'unknown') {
      out.push(`${at}aggregate: ${mapping.aggregate} needs a path through a child relationship (e.g. ${scope.example ?? 'Children__r'}.Field__c); ${mapping.from} is not one`);
      continue;
    }
    if (r.kind === 'relationship' && mapping.aggregate !== 'count') {
      out.push(`${at}${mapping.from} is a child relationship: only aggregate: count applies to it; name a field of it for ${mapping.aggregate ?? 'a value'}`);
      continue;
    }
    if (r.kind === 'field' && mapping.aggregate === 'sum' && salesforceTypeRow(r.field) !== null) {
      const row = salesforceTypeRow(r.field);
      if (!['Number', 'Currency', 'Percent'].includes(row ?? '')) {
        out.push(`${at}aggregate: sum needs a number field; Salesforce ${r.object}.${r.field.name} is ${typeText(r.field)}`);
        continue;
      }
    }
    if (!target || typeFree || r.kind === 'unknown') continue;

    // The type of what the mapping gives.
    let source: SfFieldDescribe;
    let sourceText: string;
    if (mapping.aggregate === 'count') {
      source = { name: 'count', type: 'int' };
      sourceText = `count of ${mapping.from} (int)`;
    } else if (mapping.aggregate === 'join') {
      source = { name: 'join', type: 'string' };
      sourceText = `join of ${mapping.from} (text)`;
    } else if (r.kind === 'field') {
      source = r.field;
      // first, last, min, max and sum give a value of the child field's own type
      sourceText = `Salesforce ${r.object}.${r.field.name} (${typeText(r.field)})`;
    } else {
      continue;
    }
    if (!canFeed(source, zd ?? '')) {
      const hint =
        zd === 'lookup'
          ? '; a lookup of organizations takes a Salesforce reference to Account (e.g. AccountId)'
          : zd === 'dropdown'
          ? "; or add a map: from its values to the dropdown's option values"
          : salesforceTypeRow(source) === 'Picklist'
            ? '; or give map: and default: so that every value comes from the config'
            : '';
      out.push(`${at}${sourceText} cannot feed ${targetText}; allowed: ${allowedText(source)}${hint}`);
    }
  }
}

function fieldTarget(
  what: string,
  key: string,
  mapping: Mapping,
  defs: ZdFieldDef[],
  out: string[],
): Target | undefined | false {
  const at = `${where(mapping.pos)}${mapping.name}: `;
  const def = defs.find((d) => d.key === key);
  if (!def) {
    const keys = defs.filter((d) => d.active).map((d) => d.key);
    const list = keys.length === 0 ? 'there are none' : `existing keys: ${keys.slice(0, 30).join(', ')}${keys.length > 30 ? ', …' : ''}`;
    out.push(`${at}Zendesk ${what} field "${key}" does not exist (${list})`);
    return false;
  }
  if (!def.active) {
    out.push(`${at}Zendesk ${what} field "${key}" is inactive: activate it in Zendesk or remove the mapping`);
    return false;
  }
  if (!WRITABLE_ZENDESK_TYPES.includes(def.type)) {
    out.push(
      `${at}Zendesk ${what} field "${key}" is a ${def.type} field, which zdsf cannot write; allowed: text, textarea, regexp, integer, decimal, checkbox, date, dropdown, multiselect, lookup`,
    );
    return false;
  }
  if (def.type === 'lookup' && def.relationship_target_type !== LOOKUP_TARGET) {
    out.push(
      `${at}Zendesk ${what} field "${key}" is a lookup of ${def.relationship_target_type ?? 'an unknown target'}; zdsf fills lookups of organizations only (relationship_target_type "${LOOKUP_TARGET}")`,
    );
    return false;
  }
  return { what, key, def };
}

function checkPaths(
  paths: string[],
  name: string,
  pos: SourcePos | undefined,
  scope: Scope,
  describe: SourceData['describe'],
  out: string[],
  listOk = false,
): void {
  for (const path of paths) {
    checkMapping({ kind: 'field', from: path, name, pos }, scope, describe, undefined, out, listOk);
  }
}

/**
 * Checks every mapping of a sync against the Salesforce describe and the Zendesk field definitions, before
 * anything is read or written. One message per problem, naming the mapping and its line when known:
 * - a Zendesk field key that does not exist, is inactive, or has a type zdsf cannot write;
 * - a Salesforce field or relationship missing from the describe (per object: Contact and Lead apart);
 * - a Salesforce type that cannot feed the Zendesk type (seed 000's table; `number` with scale 0 may feed
 *   integer, with decimals only decimal);
 * - map values or a default that are not among a dropdown's options (or not valid for the field's type);
 * - a child path without aggregate, an aggregate without a child path, a child relationship read by a template
 *   or a tag rule but not `include`d (aggregates over one that is not included are read without a filter).
 * `{ value }` and `{ template }` mappings are checked against the Zendesk type only (and a template's paths exist).
 * Objects, or parents, missing from the describe are not checked (there is nothing to check them against).
 */
export function checkFieldTypes(
  sync: Sync,
  describe: SourceData['describe'],
  /** null: the Zendesk side is not known yet (checked later): only the Salesforce side is checked */
  organizationFields: ZdFieldDef[] | null,
  userFields: ZdFieldDef[] | null,
): string[] {
  const out: string[] = [];
  const orgs = sync.organizations;
  if (orgs) {
    const scope: Scope = {
      objects: ['Account'],
      include: new Set(orgs.include.map((i) => i.relationship.toLowerCase())),
      example: orgs.include[0]?.relationship,
      aggregatesRead: true,
      includeName: `syncs.${sync.name}.organizations.include`,
    };
    const account = describeOf(describe, 'Account');
    for (const inc of orgs.include) {
      if (account?.childRelationships && !findChild(account, inc.relationship)) {
        out.push(`${where(inc.pos)}syncs.${sync.name}.organizations.include.${inc.relationship}: Salesforce Account has no child relationship "${inc.relationship}"`);
      }
    }
    for (const m of [orgs.name, orgs.domain_names, orgs.notes, orgs.details]) {
      if (m) checkMapping(m, scope, describe, undefined, out);
    }
    for (const [key, m] of Object.entries(orgs.fields)) {
      const target = organizationFields ? fieldTarget('organization', key, m, organizationFields, out) : undefined;
      checkMapping(m, scope, describe, target || undefined, out);
    }
    if (orgs.tags) checkPaths(orgs.tags.from, `syncs.${sync.name}.organizations.tags.from`, orgs.tags.pos, scope, describe, out, true);
  }
  const users = sync.users;
  if (users) {
    const scope: Scope = {
      objects: [...new Set(users.sources.map((s) => s.object))],
      include: new Set(),
      includeName: `syncs.${sync.name}.users (users have no include)`,
      ownPrefixes: ['Contact', 'Lead'],
    };
    checkPaths([users.email], `syncs.${sync.name}.users.email`, users.pos, scope, describe, out);
    for (const m of [users.name, users.phone, users.notes, users.details]) {
      if (m) checkMapping(m, scope, describe, undefined, out);
    }
    for (const [key, m] of Object.entries(users.fields)) {
      const target = userFields ? fieldTarget('user', key, m, userFields, out) : undefined;
      checkMapping(m, scope, describe, target || undefined, out);
    }
    if (users.tags) checkPaths(users.tags.from, `syncs.${sync.name}.users.tags.from`, users.tags.pos, scope, describe, out);
    const cfo = users.create_for_new_organizations;
    if (cfo) {
      const name = `syncs.${sync.name}.users.create_for_new_organizations`;
      const at = `${where(cfo.pos)}${name}: `;
      const account = describeOf(describe, 'Account');
      const rel = account ? findChild(account, cfo.from) : undefined;
      if (account?.childRelationships && !rel) {
        out.push(`${at}Salesforce Account has no child relationship "${cfo.from}"`);
      } else if (rel) {
        const childScope: Scope = { objects: [rel.childSObject], include: new Set(), includeName: name };
        checkPaths([cfo.email, cfo.name], name, cfo.pos, childScope, describe, out);
      }
    }
  }
  return [...new Set(out)];
}
