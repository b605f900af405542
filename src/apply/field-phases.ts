// The apply side of the field resource (issue 17): registered in PHASE_SPECS (phases.ts) and written before every
// other phase (order.ts), so that the organizations and users of the same plan find their fields and options.
// One request a field; the payload is the change's own (`after`), nothing is derived here.
import type { FieldCreate, FieldOption, FieldOptionCreate } from '../model/field-changes.js';
import type { TargetWriter, WriteResult } from '../model/ports.js';
import type { PhaseSpec } from './phases.js';

function unsupported(what: string): WriteResult[] {
  return [{ index: 0, ok: false, status: 'Failed', error: `this Zendesk writer cannot ${what}` }];
}

export const FIELD_CREATE: PhaseSpec<FieldCreate> = {
  endpoint: 'POST /api/v2/{organization_fields|user_fields}',
  batchSize: 1,
  payload: (c) => ({ resource: c.resource, body: { ...c.after } }),
  send: async (w: TargetWriter, [p]) => {
    if (!w.createField) return unsupported('create fields');
    const r = await w.createField(p.resource as FieldCreate['resource'], p.body as FieldCreate['after']);
    return [{ ...r, index: 0 }];
  },
  request: (p) => `POST /api/v2/${String(p.resource)}s`,
};

export const FIELD_OPTION_CREATE: PhaseSpec<FieldOptionCreate> = {
  endpoint: 'PUT /api/v2/{organization_fields|user_fields}/{id}',
  batchSize: 1,
  payload: (c) => ({ resource: c.resource, id: c.zendesk_id, custom_field_options: c.after.custom_field_options.map((o) => ({ ...o })) }),
  send: async (w: TargetWriter, [p]) => {
    if (!w.updateFieldOptions) return unsupported('add field options');
    const r = await w.updateFieldOptions(p.resource as FieldOptionCreate['resource'], p.id as number, p.custom_field_options as FieldOption[]);
    return [{ ...r, index: 0, id: r.id ?? (p.id as number) }];
  },
  request: (p) => `PUT /api/v2/${String(p.resource)}s/${String(p.id)}`,
};
