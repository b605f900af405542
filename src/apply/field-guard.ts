// What the config allows of the field resource (issue 17), checked by the guard before any request (pure):
// a field change only for a section with `manage_fields: true`, only for a key that section maps, a create only
// with the keys of a field body and a type zdsf creates, an option change that keeps every option it saw (never a
// removal, rename or retype: the PUT replaces the whole list).
import type { Sync } from '../model/config.js';
import type { FieldChange, FieldOption } from '../model/plan.js';
import { isPlainObject } from './compare.js';

/** The types a field create may have. */
export const CREATABLE_TYPES = ['text', 'textarea', 'integer', 'decimal', 'checkbox', 'date', 'dropdown', 'multiselect', 'lookup'];

const BODY_KEYS = new Set(['type', 'key', 'title', 'description', 'custom_field_options', 'relationship_target_type']);
const OPTION_KEYS = new Set(['id', 'name', 'value']);

function optionProblems(list: unknown, withIds: boolean): string[] {
  if (!Array.isArray(list)) return ['custom_field_options is not a list'];
  const out: string[] = [];
  for (const o of list) {
    if (!isPlainObject(o) || typeof o.name !== 'string' || typeof o.value !== 'string' || o.value.trim() === '') {
      out.push(`option ${JSON.stringify(o)} has no name and tag`);
      continue;
    }
    const extra = Object.keys(o).filter((k) => !OPTION_KEYS.has(k));
    if (extra.length > 0) out.push(`option ${JSON.stringify(o.value)} has attributes zdsf never writes: ${extra.join(', ')}`);
    if (!withIds && o.id !== undefined) out.push(`option ${JSON.stringify(o.value)} of a new field has an id`);
  }
  return out;
}

/** Why the config does not allow this field change (empty: it does). */
export function checkFieldChange(c: FieldChange, config: Sync): string[] {
  const section = c.resource === 'organization_field' ? config.organizations : c.resource === 'user_field' ? config.users : undefined;
  const name = c.resource === 'organization_field' ? 'organizations' : 'users';
  if (!section) return [`the sync has no ${c.resource === 'user_field' ? 'users' : 'organizations'} section for a ${String(c.resource)}`];
  if (!section.manage_fields) return [`syncs.${config.name}.${name}.manage_fields is not true: zdsf creates no field and no option without it`];
  const out: string[] = [];
  const key = c.type === 'field' && isPlainObject(c.after) ? c.after.key : c.key.replace(/^(organization|user)_fields\./, '');
  if (typeof key !== 'string' || section.fields[key] === undefined) out.push(`the config maps no ${name} field ${JSON.stringify(key)}`);
  if (c.type === 'field') {
    if (!isPlainObject(c.after)) return [...out, 'a field create needs its body'];
    const extra = Object.keys(c.after).filter((k) => !BODY_KEYS.has(k));
    if (extra.length > 0) out.push(`attributes zdsf never writes: ${extra.join(', ')}`);
    if (!CREATABLE_TYPES.includes(String(c.after.type))) out.push(`type ${JSON.stringify(c.after.type)}: zdsf creates ${CREATABLE_TYPES.join(', ')} fields only`);
    if (c.after.custom_field_options !== undefined) out.push(...optionProblems(c.after.custom_field_options, false));
    return out;
  }
  const before = isPlainObject(c.before) && Array.isArray(c.before.custom_field_options) ? (c.before.custom_field_options as FieldOption[]) : null;
  const after = isPlainObject(c.after) && Array.isArray(c.after.custom_field_options) ? (c.after.custom_field_options as FieldOption[]) : null;
  if (typeof c.zendesk_id !== 'number') out.push('an option change needs the id of the field');
  if (!before || !after) return [...out, 'an option change needs the options before and after'];
  out.push(...optionProblems(after, true));
  // the PUT replaces the list: every option of before must be in after, unchanged and in place
  const kept = before.every((o, i) => isPlainObject(after[i]) && after[i].id === o.id && after[i].value === o.value && after[i].name === o.name);
  if (!kept || after.length <= before.length) out.push('an option change must keep every existing option as it is and only add new ones: zdsf never removes or renames an option');
  if (after.slice(before.length).some((o) => isPlainObject(o) && o.id !== undefined)) out.push('a new option has an id');
  return out;
}
