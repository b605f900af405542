// The stale check of the field resource (issue 17), per kind, against the live field definitions (pure):
// - field:create: pending while no field has the key; done when the field exists with the type and every option
//   the plan creates (a re-run); stale when a field of that key exists otherwise (another type, other options).
// - field_option:create: done when every option of `after` is there (by tag); pending while the live options are
//   exactly those of `before` (the PUT sends `after`, which keeps them all); stale otherwise: an option added,
//   renamed or removed since the plan would be lost or re-added by the PUT, so the plan must be made again.
import type { FieldCreate, FieldOption, FieldOptionCreate, FieldResource } from '../model/field-changes.js';
import type { ZdFieldDef } from '../model/zendesk.js';

/** The live field definitions apply read (by kind); undefined: not read. */
export type LiveFields = Partial<Record<FieldResource, ZdFieldDef[]>>;

export interface FieldCheck {
  status: 'pending' | 'done' | 'stale';
  reason?: string;
  id?: number;
}

function what(resource: FieldResource): string {
  return resource === 'organization_field' ? 'organization field' : 'user field';
}

function sameType(a: string, b: string): boolean {
  const t = (x: string): string => (x === 'tagger' ? 'dropdown' : x);
  return t(a) === t(b);
}

function tags(options: { value: string }[] | undefined): Set<string> {
  return new Set((options ?? []).map((o) => o.value.toLowerCase()));
}

function sameOptions(plan: FieldOption[], live: { id: number; name: string; value: string }[]): boolean {
  if (plan.length !== live.length) return false;
  const byId = new Map(live.map((o) => [o.id, o]));
  return plan.every((o) => {
    const l = o.id === undefined ? undefined : byId.get(o.id);
    return l !== undefined && l.value === o.value && l.name === o.name;
  });
}

export function checkFieldCreate(change: FieldCreate, live: LiveFields): FieldCheck {
  const defs = live[change.resource];
  if (!defs) return { status: 'stale', reason: `the ${what(change.resource)}s of Zendesk were not read` };
  const existing = defs.find((d) => d.key === change.after.key);
  if (!existing) return { status: 'pending' };
  const have = tags(existing.custom_field_options);
  const missing = (change.after.custom_field_options ?? []).filter((o) => !have.has(o.value.toLowerCase()));
  if (sameType(existing.type, change.after.type) && missing.length === 0) return { status: 'done', reason: `already exists (id ${existing.id})`, id: existing.id };
  const why = !sameType(existing.type, change.after.type)
    ? `it now exists as a ${existing.type} field (id ${existing.id}), the plan creates a ${change.after.type}`
    : `it now exists (id ${existing.id}) without the option${missing.length === 1 ? '' : 's'} ${missing.map((o) => JSON.stringify(o.value)).join(', ')}`;
  return { status: 'stale', reason: `would be created, but ${why}` };
}

export function checkFieldOptionCreate(change: FieldOptionCreate, live: LiveFields): FieldCheck {
  const defs = live[change.resource];
  if (!defs) return { status: 'stale', reason: `the ${what(change.resource)}s of Zendesk were not read` };
  const field = defs.find((d) => d.id === change.zendesk_id);
  if (!field) return { status: 'stale', reason: `the ${what(change.resource)} no longer exists in Zendesk` };
  const options = field.custom_field_options ?? [];
  const have = tags(options);
  if (change.after.custom_field_options.every((o) => have.has(o.value.toLowerCase()))) return { status: 'done', reason: 'options already added', id: field.id };
  if (sameOptions(change.before.custom_field_options, options)) return { status: 'pending', id: field.id };
  return {
    status: 'stale',
    reason: `its options changed since the plan (plan: ${change.before.custom_field_options.map((o) => o.value).join(', ') || 'none'}; Zendesk: ${options.map((o) => o.value).join(', ') || 'none'}); adding options now would drop or restore others`,
  };
}
