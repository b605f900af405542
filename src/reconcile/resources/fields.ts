// The field resource (issue 17, "Zendesk schema as code"). Pure: with `manage_fields: true` on a sync's
// organizations or users section, each mapped custom field that does not exist in Zendesk becomes a
// `field:create`, and each dropdown / multiselect that lacks options the Salesforce picklist values need becomes a
// `field_option:create` (src/model/field-changes.ts). planFieldChanges runs BEFORE map (services/plan.ts): map
// and reconcile then read the field definitions as they will be after apply (`organizationFields` / `userFields`
// of the result), so the plan the reviewer sees already holds the values of the fields and options it creates
// (no invalid_value for them). In the registry (reconcile/registry.ts), `fieldResource` and `fieldOptionResource`
// come first and hand that plan's changes on (ResourceInput.fields); apply writes the field phase first.
//
// Decisions:
// - Never deletes, renames or retypes a field, and never removes or renames an option. An existing field of
//   another type stays as it is (checkFieldTypes then names the misfit at its sync.yaml line).
// - The type created follows the Salesforce type (CREATE_TYPES below: the first Zendesk type of the seed-000 row
//   that keeps the value whole); title = the Salesforce field's label; a `{ value }`, `{ template }` or `join`
//   mapping creates a text field, `count` an integer, `sum` a decimal.
// - Options: the active picklist values (Contact and Lead together for users), each through the mapping's
//   `map` / `default`; name = the picklist label (or the mapped value when `map` renames it), tag = the value in
//   tag form (normalizeTag: trimmed, lowercase, spaces and commas to `_`, as Zendesk makes tags). `map` values and
//   the `default` are options too. A value that already selects an option (by tag, by name, or in tag form)
//   needs none.
// - Two new values whose tags collide (`Gold Plus` and `gold_plus`): an `option_tag_collision` warning naming both,
//   and neither is created (their records get invalid_value warnings until someone decides).
import type { Mapping, Sync } from '../../model/config.js';
import type { FieldBody, FieldCreate, FieldOption, FieldOptionCreate, FieldResource } from '../../model/field-changes.js';
import { fieldChangeKey } from '../../model/field-changes.js';
import type { AttributeDiff, Warning } from '../../model/plan.js';
import type { SfFieldDescribe, SourceData } from '../../model/salesforce.js';
import type { ZdFieldDef } from '../../model/zendesk.js';
import { applyValueMap } from '../../map/mapping.js';
import { normalizeTag, normalizeText } from '../../map/normalize.js';
import { findOption } from '../../map/values.js';
import { LOOKUP_TARGET, referencesAccount, resolveFieldPath, salesforceTypeRow } from '../../map/field-types.js';
import type { Resource, ResourceResult } from './resource.js';

export interface FieldPlanInput {
  sync: Sync;
  describe: SourceData['describe'];
  organizationFields: ZdFieldDef[];
  userFields: ZdFieldDef[];
}

export interface FieldPlan {
  /** field creates first, then option additions, each group by key */
  changes: (FieldCreate | FieldOptionCreate)[];
  warnings: Warning[];
  /** mappings whose field cannot be created (the plan of the sync fails on them, with their line) */
  problems: string[];
  /** the definitions as they will be after apply (new fields and options with id 0) */
  organizationFields: ZdFieldDef[];
  userFields: ZdFieldDef[];
}

/** Salesforce type row (src/map/field-types.ts) -> the Zendesk type zdsf creates for it. */
export const CREATE_TYPES: Readonly<Record<string, string>> = {
  'Auto Number': 'text',
  Checkbox: 'checkbox',
  Currency: 'decimal',
  Date: 'date',
  'Date/Time': 'text',
  Email: 'text',
  Percent: 'decimal',
  Phone: 'text',
  Picklist: 'dropdown',
  'Multi-Select Picklist': 'multiselect',
  Text: 'text',
  'Text Area': 'textarea',
  'Text Area (Long)': 'textarea',
  'Text Area (Rich)': 'textarea',
  'Text Area (Encrypted)': 'textarea',
  URL: 'text',
  'Lookup Relationship': 'text',
  // Number: integer without decimals, else decimal; Geolocation: not created (two numbers in one field)
};

/** Zendesk's rule for a field key: letters, digits and underscores, not only digits. */
const KEY = /^(?=.*[A-Za-z_])[A-Za-z0-9_]+$/;

interface Section {
  resource: FieldResource;
  what: 'organization' | 'user';
  objects: string[];
  fields: Record<string, Mapping>;
  defs: ZdFieldDef[];
  name: string;
}

interface Candidate {
  /** the value as map gives it (before tag form) */
  text: string;
  name: string;
  tag: string;
}

function where(m: Mapping): string {
  return m.pos ? `${m.pos.file}:${m.pos.line}:${m.pos.col}: ` : '';
}

/** The Salesforce fields a mapping reads directly (one per object: Contact and Lead may both have it). */
function sourceFields(m: Mapping, section: Section, describe: SourceData['describe']): SfFieldDescribe[] {
  if (m.kind !== 'field') return [];
  const out: SfFieldDescribe[] = [];
  for (const object of section.objects) {
    const r = resolveFieldPath(describe, object, m.from, new Set(), ['Contact', 'Lead']);
    if (r.kind === 'field') out.push(r.field);
  }
  return out;
}

function isPicklist(f: SfFieldDescribe): boolean {
  const row = salesforceTypeRow(f);
  return row === 'Picklist' || row === 'Multi-Select Picklist';
}

/** The Zendesk type to create for a mapping, or why zdsf cannot choose one. */
function createType(m: Mapping, fields: SfFieldDescribe[], what: Section['what']): { type: string; target?: string } | string {
  if (m.kind !== 'field') return { type: 'text' };
  if (m.aggregate === 'count') return { type: 'integer' };
  if (m.aggregate === 'sum') return { type: 'decimal' };
  if (m.aggregate === 'join') return { type: 'text' };
  const f = fields[0];
  if (!f) return `the Salesforce field ${m.from} is not in the describe, so zdsf cannot tell which type of field to create`;
  const row = salesforceTypeRow(f);
  // with map and default every value comes from the config: a dropdown of those values
  if (m.map && m.default !== undefined && m.default !== null && row !== 'Multi-Select Picklist') return { type: 'dropdown' };
  if (row === 'Number') return { type: f.type.toLowerCase() === 'double' && (f.scale ?? 0) > 0 ? 'decimal' : 'integer' };
  if (row === 'Lookup Relationship' && referencesAccount(f) && !m.map) return { type: 'lookup', target: LOOKUP_TARGET };
  if (row !== null && m.map && !isPicklist(f)) return { type: 'text' };
  const type = row === null ? undefined : CREATE_TYPES[row];
  if (!type) return `zdsf does not create a field for a Salesforce ${f.type} (${m.from}); create the Zendesk ${what} field by hand`;
  return { type };
}

/** The option every value of the mapping may take, in picklist order (see the header). */
function candidates(m: Mapping, fields: SfFieldDescribe[], multi: boolean): Candidate[] {
  if (m.kind !== 'field') return [];
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (value: unknown, label?: string): void => {
    const text = normalizeText(value);
    if (text === null) return;
    const k = text.toLowerCase();
    if (seen.has(k)) return;
    const tag = normalizeTag(text);
    if (tag === null) return;
    seen.add(k);
    out.push({ text, name: normalizeText(label) ?? text, tag });
  };
  for (const f of fields) {
    if (!isPicklist(f)) continue;
    for (const pv of f.picklistValues ?? []) {
      if (pv.active === false) continue;
      if (multi || !m.map) add(pv.value, pv.label);
      else {
        const mapped = applyValueMap(pv.value, m.map, m.default);
        add(mapped, mapped === pv.value ? pv.label : undefined);
      }
    }
  }
  const extra = [...Object.values(m.map ?? {}), m.default];
  for (const v of extra) {
    if (v === null || v === undefined) continue;
    for (const part of multi ? String(v).split(';') : [String(v)]) add(part);
  }
  return out;
}

/** Splits candidates an existing definition lacks into those to create and the tag collisions among them. */
function newOptions(list: Candidate[], def: ZdFieldDef | undefined, label: string): { create: FieldOption[]; warnings: Warning[] } {
  const missing = def ? list.filter((c) => !findOption(def, c.text)) : list;
  const byTag = new Map<string, Candidate[]>();
  for (const c of missing) byTag.set(c.tag, [...(byTag.get(c.tag) ?? []), c]);
  const create: FieldOption[] = [];
  const warnings: Warning[] = [];
  for (const [tag, group] of byTag) {
    if (group.length === 1) {
      create.push({ name: group[0].name, value: tag });
      continue;
    }
    warnings.push({
      code: 'option_tag_collision',
      message: `${label}: the values ${group.map((g) => JSON.stringify(g.text)).join(' and ')} would all become the option tag "${tag}"; none of them is created (rename one in Salesforce, or map them to one value)`,
      records: group.map((g) => g.text),
    });
  }
  return { create, warnings };
}

function optionDiff(options: FieldOption[]): AttributeDiff[] {
  return options.map((o) => ({ path: `option ${JSON.stringify(o.name)}`, before: null, after: o.value }));
}

function withPlaceholders(options: FieldOption[]): { id: number; name: string; value: string }[] {
  return options.map((o) => ({ id: o.id ?? 0, name: o.name, value: o.value }));
}

function planSection(section: Section, describe: SourceData['describe'], out: FieldPlan): ZdFieldDef[] {
  const defs = section.defs.map((d) => ({ ...d }));
  const creates: FieldCreate[] = [];
  const additions: FieldOptionCreate[] = [];
  for (const [key, m] of Object.entries(section.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const label = fieldChangeKey(section.resource, key);
    const at = `${where(m)}${m.name}: `;
    const sf = sourceFields(m, section, describe);
    const index = defs.findIndex((d) => d.key === key);
    const def = index >= 0 ? defs[index] : undefined;
    const from = m.kind === 'field' ? `Salesforce ${sf[0] ? `${section.objects.length > 1 ? '' : `${section.objects[0]}.`}${sf[0].name}` : m.from}` : 'the mapping';
    if (!def) {
      if (!KEY.test(key)) {
        out.problems.push(`${at}cannot create Zendesk ${section.what} field "${key}": a key has only letters, digits and underscores, and not only digits`);
        continue;
      }
      const chosen = createType(m, sf, section.what);
      if (typeof chosen === 'string') {
        out.problems.push(`${at}cannot create Zendesk ${section.what} field "${key}": ${chosen}`);
        continue;
      }
      const body: FieldBody = { type: chosen.type, key, title: normalizeText(sf[0]?.label) ?? key, description: `Created by zdsf from ${from}` };
      if (chosen.target) body.relationship_target_type = chosen.target;
      if (chosen.type === 'dropdown' || chosen.type === 'multiselect') {
        const opts = newOptions(candidates(m, sf, chosen.type === 'multiselect'), undefined, label);
        out.warnings.push(...opts.warnings);
        if (opts.create.length === 0) {
          out.problems.push(`${at}cannot create the ${chosen.type} Zendesk ${section.what} field "${key}": ${from} gives no option for it (Zendesk needs at least one)`);
          continue;
        }
        body.custom_field_options = opts.create;
      }
      const diff: AttributeDiff[] = [
        { path: 'type', before: null, after: body.type },
        { path: 'title', before: null, after: body.title },
        ...(body.relationship_target_type ? [{ path: 'relationship_target_type', before: null, after: body.relationship_target_type }] : []),
        ...optionDiff(body.custom_field_options ?? []),
      ];
      creates.push({ type: 'field', action: 'create', resource: section.resource, key: label, label, zendesk_id: null, before: null, after: body, diff, reason: `manage_fields, from ${from}` });
      const placeholder: ZdFieldDef = { id: 0, key, type: body.type, title: body.title, active: true };
      if (body.custom_field_options) placeholder.custom_field_options = withPlaceholders(body.custom_field_options);
      if (body.relationship_target_type) placeholder.relationship_target_type = body.relationship_target_type;
      defs.push(placeholder);
      continue;
    }
    const type = def.type === 'tagger' ? 'dropdown' : def.type;
    if (!def.active || (type !== 'dropdown' && type !== 'multiselect')) continue;
    const opts = newOptions(candidates(m, sf, type === 'multiselect'), def, label);
    out.warnings.push(...opts.warnings);
    if (opts.create.length === 0) continue;
    const current: FieldOption[] = (def.custom_field_options ?? []).map((o) => ({ id: o.id, name: o.name, value: o.value }));
    additions.push({
      type: 'field_option',
      action: 'create',
      resource: section.resource,
      key: label,
      label,
      zendesk_id: def.id,
      before: { custom_field_options: current },
      after: { custom_field_options: [...current, ...opts.create] },
      diff: optionDiff(opts.create),
      reason: `manage_fields, from ${from}`,
    });
    defs[index] = { ...def, custom_field_options: [...(def.custom_field_options ?? []), ...withPlaceholders(opts.create)] };
  }
  out.changes.push(...creates, ...additions);
  return defs;
}

/** The field changes of a sync (none unless a section says manage_fields: true), and the definitions after them. */
export function planFieldChanges(input: FieldPlanInput): FieldPlan {
  const { sync, describe } = input;
  const out: FieldPlan = { changes: [], warnings: [], problems: [], organizationFields: input.organizationFields, userFields: input.userFields };
  const orgs = sync.organizations;
  if (orgs?.manage_fields) {
    out.organizationFields = planSection(
      { resource: 'organization_field', what: 'organization', objects: ['Account'], fields: orgs.fields, defs: input.organizationFields, name: `syncs.${sync.name}.organizations` },
      describe,
      out,
    );
  }
  const users = sync.users;
  if (users?.manage_fields) {
    const objects = [...new Set(users.sources.map((s) => s.object))];
    out.userFields = planSection(
      { resource: 'user_field', what: 'user', objects: objects.length > 0 ? objects : ['Contact'], fields: users.fields, defs: input.userFields, name: `syncs.${sync.name}.users` },
      describe,
      out,
    );
  }
  // creates before option additions (one sort for both sections)
  out.changes.sort((a, b) => (a.type === b.type ? 0 : a.type === 'field' ? -1 : 1));
  return out;
}

/** What the field resources' passes return. */
export type FieldsResult = ResourceResult;

/** Field creates (and the planner's warnings), from the plan made before map. */
export const fieldResource: Resource<'field', FieldsResult> = {
  type: 'field',
  needs: [],
  reconcile: (input) => ({ changes: (input.fields?.changes ?? []).filter((c) => c.type === 'field'), warnings: input.fields?.warnings ?? [] }),
};

/** Options added to existing fields, from the same plan. */
export const fieldOptionResource: Resource<'field_option', FieldsResult> = {
  type: 'field_option',
  needs: [],
  reconcile: (input) => ({ changes: (input.fields?.changes ?? []).filter((c) => c.type === 'field_option'), warnings: [] }),
};

/** Whether a sync manages Zendesk fields at all. */
export function managesFields(sync: Sync): boolean {
  return sync.organizations?.manage_fields === true || sync.users?.manage_fields === true;
}
