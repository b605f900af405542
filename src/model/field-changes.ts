// The `field` resource of a plan (issue 17, "Zendesk schema as code"): organization and user fields zdsf
// creates, and dropdown / multiselect options it adds, when a sync section says `manage_fields: true`.
// Never a delete, never a change of type: only a field that does not exist is created, only options that do not
// exist are added. What apply sends is in the change itself:
// - field create: `after` is the body of POST /api/v2/{resource}s ({ organization_field: after });
// - field_option create: `after.custom_field_options` is the whole option list of PUT /api/v2/{resource}s/{zendesk_id}:
//   the options the plan saw (`before`, with their ids), then the new ones (no id). Zendesk removes every option a
//   PUT leaves out, so apply sends it only while the live options are still those of `before` (the stale check).
import type { ChangeBase } from './plan.js';

/** Which kind of custom field: the API's singular resource name (organization_fields / user_fields). */
export type FieldResource = 'organization_field' | 'user_field';

export interface FieldOption {
  /** the option's id (options that exist); absent for an option the change adds */
  id?: number;
  /** what agents see (from the Salesforce picklist label) */
  name: string;
  /** the option's tag */
  value: string;
}

/** The body of a field create (only these keys). */
export interface FieldBody {
  type: string;
  key: string;
  title: string;
  description?: string;
  /** dropdown and multiselect */
  custom_field_options?: FieldOption[];
  /** lookup: "zen:organization" */
  relationship_target_type?: string;
}

export interface FieldCreate extends ChangeBase {
  type: 'field';
  action: 'create';
  resource: FieldResource;
  zendesk_id: null;
  before: null;
  after: FieldBody;
}

export interface FieldOptionCreate extends ChangeBase {
  type: 'field_option';
  action: 'create';
  resource: FieldResource;
  /** the field's id */
  zendesk_id: number;
  /** the field's options as the plan saw them */
  before: { custom_field_options: FieldOption[] };
  /** every option of the field after the change: those of `before` then the new ones */
  after: { custom_field_options: FieldOption[] };
}

/** The custom-field attribute of a record that a field resource holds the definitions of. */
export function fieldAttribute(resource: FieldResource): 'organization_fields' | 'user_fields' {
  return resource === 'organization_field' ? 'organization_fields' : 'user_fields';
}

/** A field change's key: `organization_fields.<key>` / `user_fields.<key>` (also its label). */
export function fieldChangeKey(resource: FieldResource, key: string): string {
  return `${fieldAttribute(resource)}.${key}`;
}
