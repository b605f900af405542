// What map produces from Salesforce rows: the Zendesk records the config asks for, before they are
// compared with Zendesk (reconcile). Pure data.
import type { Warning } from './plan.js';

export interface DesiredOrganization {
  /** the Salesforce Account Id */
  accountId: string;
  /** match key: the Account Id (match: external_id) or normalizeName(name) (match: name) */
  key: string;
  /** the managed attributes, normalised, in Zendesk's shape. Only attributes the config maps are present
   * (an unmapped `notes` is absent, not null, so zdsf leaves it alone). */
  attributes: {
    name: string;
    external_id: string;
    domain_names?: string[];
    notes?: string | null;
    details?: string | null;
    /** only the keys the config maps */
    organization_fields: Record<string, unknown>;
  };
  /** managed tags this record should carry, normalised and sorted */
  tags: string[];
  /** users.create_for_new_organizations: people to create if this organization is created by the plan */
  newOrganizationUsers: { email: string; name: string; sourceId: string }[];
}

export interface DesiredPerson {
  /** Contact or Lead Id */
  sourceId: string;
  object: 'Contact' | 'Lead';
  /** ISO datetime, for choosing the sync record among people sharing an email */
  createdDate: string;
  /** Contact.AccountId (null for leads and contacts without an account) */
  accountId: string | null;
  accountName: string | null;
  /** normalised (trimmed, lowercase) email, or null when missing/invalid */
  email: string | null;
  /** match key: email (match: email) or the Contact/Lead Id (match: external_id); null when it cannot be matched */
  key: string | null;
  /** managed attributes, normalised, Zendesk's shape; only what the config maps */
  attributes: {
    name: string;
    email: string | null;
    external_id?: string;
    phone?: string | null;
    notes?: string | null;
    details?: string | null;
    user_fields: Record<string, unknown>;
  };
  tags: string[];
}

/** Which existing Zendesk tags zdsf owns (may add or remove): those starting with `prefix` (when not empty),
 * the static ones, and any tag a rule produced. Other tags are left alone. */
export interface TagOwnership {
  prefix: string;
  static: string[];
}

export interface DesiredState {
  organizations: DesiredOrganization[];
  people: DesiredPerson[];
  organizationTags: TagOwnership;
  userTags: TagOwnership;
  /** mapping-time warnings (e.g. a value not in a dropdown's options, an unparseable number) */
  warnings: Warning[];
}
