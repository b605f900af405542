// Custom field definitions written through the Support API (issue 17): create an organization or user field
// (POST /api/v2/organization_fields, /api/v2/user_fields), add dropdown / multiselect options (PUT the field with
// its whole `custom_field_options` list: the only way for organization fields, and one request for user fields
// too), and list the fields for the stale check. One request a field: there is no bulk endpoint.
// A create whose outcome is unknown (a timeout after sending) is looked up by key before anything is reported;
// 401 / 403 are thrown (the sync stops: zdsf lacks the permission, plan checks it first); 422 and the like become
// the record's failure.
import type { FieldBody, FieldOption, FieldResource } from '../model/field-changes.js';
import type { WriteResult } from '../model/ports.js';
import type { ZdFieldDef } from '../model/zendesk.js';
import { isRecord } from '../util/data.js';
import { redactText } from '../util/redact.js';
import { paginate, toFieldDef } from './pagination.js';
import { describeZendeskError, OutcomeUnknownError, ZendeskHttpError, type ZendeskTransport } from './transport.js';

const PATHS: Record<FieldResource, string> = { organization_field: '/organization_fields', user_field: '/user_fields' };

/** Every field of one kind (active or not), as the reader reads them. */
export async function listFields(transport: ZendeskTransport, resource: FieldResource): Promise<ZdFieldDef[]> {
  const out: ZdFieldDef[] = [];
  await paginate(transport, PATHS[resource], `${resource}s`, (items) => {
    for (const item of items) out.push(toFieldDef(item));
  });
  return out;
}

function failure(err: unknown): WriteResult {
  if (err instanceof ZendeskHttpError && (err.status === 401 || err.status === 403)) throw err;
  const reason = err instanceof ZendeskHttpError ? describeZendeskError(err.body) || err.message : err instanceof Error ? err.message : String(err);
  return { index: 0, ok: false, status: 'Failed', error: redactText(reason) };
}

function idOf(body: unknown, resource: FieldResource): number | undefined {
  const rec = isRecord(body) && isRecord(body[resource]) ? body[resource] : undefined;
  return rec && typeof rec.id === 'number' ? rec.id : undefined;
}

/** POST the field; on an unknown outcome, the field with that key (if any) is what the create made. */
export async function createField(transport: ZendeskTransport, resource: FieldResource, body: FieldBody): Promise<WriteResult> {
  try {
    const res = await transport.request('POST', PATHS[resource], { body: { [resource]: body }, idempotent: false });
    const id = idOf(res.body, resource);
    return { index: 0, ok: true, status: 'Created', ...(id !== undefined ? { id } : {}) };
  } catch (err) {
    if (!(err instanceof OutcomeUnknownError)) return failure(err);
    const found = (await listFields(transport, resource)).find((f) => f.key === body.key);
    if (found) return { index: 0, ok: true, status: 'Found', id: found.id };
    return { index: 0, ok: false, status: 'OutcomeUnknown', error: `${err.message}; no field with key ${body.key} afterwards` };
  }
}

/** PUT the field's whole option list (existing options with their ids, new ones without). Idempotent. */
export async function putFieldOptions(transport: ZendeskTransport, resource: FieldResource, id: number, options: FieldOption[]): Promise<WriteResult> {
  try {
    await transport.request('PUT', `${PATHS[resource]}/${encodeURIComponent(String(id))}`, { body: { [resource]: { custom_field_options: options } } });
    return { index: 0, ok: true, status: 'Updated', id };
  } catch (err) {
    return { ...failure(err), id };
  }
}
