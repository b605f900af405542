// Custom field definitions of the emulated Zendesk (issue 17): list and show (as before), and the writes zdsf's
// field management sends, shaped as Zendesk's OpenAPI description and help pages say:
// - POST /api/v2/organization_fields, /api/v2/user_fields: `{ organization_field: { type, key, title, ... } }` ->
//   201 `{ organization_field: {...} }` with a Location header. Types: text (default), textarea, checkbox, date,
//   integer, decimal, regexp, dropdown, multiselect, lookup (with relationship_target_type). A key is letters,
//   digits and underscores, not only digits, and unique among the fields of its kind; dropdown and multiselect
//   need at least one option, with unique tags.
// - PUT /api/v2/{kind}/{id}: `custom_field_options` replaces the whole list, as in Zendesk: an option with an id is
//   kept (renamed when its name or tag changes), one without an id is added, any option left out is REMOVED.
//   `title`, `description`, `active` and `position` may change; `type` and `key` are ignored (Zendesk does not
//   change them either).
// - POST /api/v2/user_fields/{id}/options: `{ custom_field_option: { id?, name, value } }`: 201 for a new option,
//   200 for an update (user fields only: organization fields have no options endpoint).
// Writes need an admin: with basic auth the seed's user of that email must have role admin (403 otherwise), as
// GET users/me answers (users.ts); a bearer token, or an email the seed does not know, is an admin.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { isRecord } from './records.js';
import { body, json, missing, notFound } from './responses.js';
import type { Router } from './router.js';
import type { Field, ZendeskStore } from './store.js';
import { page } from './paging.js';

type Kind = 'organization_fields' | 'user_fields';
type Option = NonNullable<Field['custom_field_options']>[number] & Record<string, unknown>;

const TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'dropdown', 'tagger', 'multiselect', 'lookup'];
const WITH_OPTIONS = new Set(['dropdown', 'tagger', 'multiselect']);
const KEY = /^(?=.*[A-Za-z_])[A-Za-z0-9_]+$/;
const LOOKUP_TARGETS = /^zen:(user|organization|ticket|custom_object:[A-Za-z0-9_]+)$/;

const invalid = (attribute: string, description: string): SandboxResponse =>
  json(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [attribute]: [{ description, error: 'InvalidValue' }] } });

/** The role of the caller: the seed's user of a basic-auth email, else admin (see users/me). */
export function callerRole(store: ZendeskStore, req: SandboxRequest): string {
  const auth = String(req.headers.authorization ?? '');
  if (!/^Basic\s/i.test(auth)) return 'admin';
  const email = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8').split(':')[0].replace(/\/token$/, '');
  const known = [...store.users.values()].find((u) => typeof u.email === 'string' && u.email.toLowerCase() === email.toLowerCase());
  return known ? known.role : 'admin';
}

const forbidden = (): SandboxResponse => json(403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });

/** Options of a request, checked: names and tags present, tags unique. Existing ids are kept, others get new ids. */
function readOptions(store: ZendeskStore, raw: unknown, existing: Option[]): Option[] | SandboxResponse {
  if (!Array.isArray(raw)) return invalid('custom_field_options', 'custom_field_options must be a list');
  const byId = new Map(existing.map((o) => [o.id, o]));
  const out: Option[] = [];
  const seen = new Set<string>();
  for (const [i, o] of raw.entries()) {
    if (!isRecord(o)) return invalid('custom_field_options', `option ${i + 1} is not an object`);
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    const value = typeof o.value === 'string' ? o.value.trim() : '';
    if (name === '' || value === '') return invalid('custom_field_options', `option ${i + 1}: name and value (the tag) are required`);
    if (/\s/.test(value)) return invalid('custom_field_options', `option ${JSON.stringify(name)}: the tag ${JSON.stringify(value)} has spaces`);
    const tag = value.toLowerCase();
    if (seen.has(tag)) return invalid('custom_field_options', `the tag ${JSON.stringify(value)} is used by more than one option`);
    seen.add(tag);
    const old = typeof o.id === 'number' ? byId.get(o.id) : undefined;
    out.push({ id: old?.id ?? store.newId(), name, raw_name: name, value: tag, position: i, default: false });
  }
  return out;
}

function createField(store: ZendeskStore, kind: Kind, input: Record<string, unknown>): Field | SandboxResponse {
  const list = kind === 'organization_fields' ? store.orgFields : store.userFields;
  const type = input.type === undefined ? 'text' : String(input.type);
  if (!TYPES.includes(type)) return invalid('type', `${JSON.stringify(type)} is not a field type`);
  const key = typeof input.key === 'string' ? input.key : '';
  if (!KEY.test(key)) return invalid('key', 'Key must consist of only letters, numbers, and underscores, and not only numbers');
  if (list.some((f) => f.key === key)) return invalid('key', 'Key has already been taken');
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title === '') return invalid('title', "Title can't be blank");
  const now = store.ts();
  const field: Field = {
    id: store.newId(),
    type,
    key,
    title,
    description: typeof input.description === 'string' ? input.description : '',
    raw_title: title,
    raw_description: typeof input.description === 'string' ? input.description : '',
    position: list.length,
    active: input.active !== false,
    system: false,
    regexp_for_validation: type === 'regexp' && typeof input.regexp_for_validation === 'string' ? input.regexp_for_validation : null,
    created_at: now,
    updated_at: now,
    kind,
  };
  if (WITH_OPTIONS.has(type)) {
    const options = readOptions(store, input.custom_field_options ?? [], []);
    if (!Array.isArray(options)) return options;
    if (options.length === 0) return invalid('custom_field_options', `a ${type} field needs at least one option`);
    field.custom_field_options = options;
  }
  if (type === 'lookup') {
    const target = typeof input.relationship_target_type === 'string' ? input.relationship_target_type : '';
    if (!LOOKUP_TARGETS.test(target)) return invalid('relationship_target_type', 'a lookup field needs relationship_target_type (zen:user, zen:organization, zen:ticket or zen:custom_object:<key>)');
    field.relationship_target_type = target;
    field.relationship_filter = isRecord(input.relationship_filter) ? input.relationship_filter : {};
  }
  list.push(field);
  return field;
}

function updateField(store: ZendeskStore, field: Field, input: Record<string, unknown>): Field | SandboxResponse {
  const next: Field = { ...field };
  if (input.custom_field_options !== undefined) {
    if (!WITH_OPTIONS.has(field.type)) return invalid('custom_field_options', `a ${field.type} field has no options`);
    const options = readOptions(store, input.custom_field_options, (field.custom_field_options ?? []) as Option[]);
    if (!Array.isArray(options)) return options;
    if (options.length === 0) return invalid('custom_field_options', `a ${field.type} field needs at least one option`);
    next.custom_field_options = options;
  }
  if (typeof input.title === 'string' && input.title.trim() !== '') next.title = next.raw_title = input.title.trim();
  if (typeof input.description === 'string') next.description = next.raw_description = input.description;
  if (typeof input.active === 'boolean') next.active = input.active;
  if (typeof input.position === 'number') next.position = input.position;
  next.updated_at = store.ts();
  Object.assign(field, next);
  return field;
}

export function fieldRoutes(router: Router, store: ZendeskStore): void {
  for (const kind of ['organization_fields', 'user_fields'] as const) {
    const one = kind.slice(0, -1);
    const list = (): Field[] => (kind === 'organization_fields' ? store.orgFields : store.userFields);
    const find = (id: string): Field | undefined => list().find((x) => x.id === Number(id));
    const out = (f: Field): SandboxResponse => json(200, { [one]: store.fieldOut(f) });
    router.on('GET', kind, (req) => page(store.base(), req, kind, list(), (f) => store.fieldOut(f)));
    router.on('GET', `${kind}/:id`, (_req, [id]) => {
      const f = find(id);
      return f ? out(f) : notFound();
    });
    router.on('POST', kind, (req) => {
      if (callerRole(store, req) !== 'admin') return forbidden();
      const input = body(req, one);
      if (!input) return missing(one);
      const r = createField(store, kind, input);
      if (!('id' in r && 'key' in r)) return r as SandboxResponse;
      return json(201, { [one]: store.fieldOut(r as Field) }, { Location: `${store.base()}/api/v2/${kind}/${(r as Field).id}.json` });
    });
    router.on('PUT', `${kind}/:id`, (req, [id]) => {
      if (callerRole(store, req) !== 'admin') return forbidden();
      const f = find(id);
      if (!f) return notFound();
      const input = body(req, one);
      if (!input) return missing(one);
      const r = updateField(store, f, input);
      return 'id' in r && 'key' in r ? out(r as Field) : (r as SandboxResponse);
    });
  }
  router.on('POST', 'user_fields/:id/options', (req, [id]) => {
    if (callerRole(store, req) !== 'admin') return forbidden();
    const f = store.userFields.find((x) => x.id === Number(id));
    if (!f) return notFound();
    if (!WITH_OPTIONS.has(f.type)) return invalid('custom_field_option', `a ${f.type} field has no options`);
    const input = body(req, 'custom_field_option');
    if (!input) return missing('custom_field_option');
    const existing = (f.custom_field_options ?? []) as Option[];
    const updating = typeof input.id === 'number' && existing.some((o) => o.id === input.id);
    const merged = updating ? existing.map((o) => (o.id === input.id ? { ...o, ...input } : o)) : [...existing, input];
    const options = readOptions(store, merged, existing);
    if (!Array.isArray(options)) return options;
    f.custom_field_options = options;
    const option = updating ? options.find((o) => o.id === input.id)! : options[options.length - 1];
    const location = `${store.base()}/api/v2/user_fields/${f.id}/options.json`;
    return json(updating ? 200 : 201, { custom_field_option: { url: `${store.base()}/api/v2/user_fields/${f.id}/options/${option.id}.json`, ...option } }, { Location: location });
  });
}
