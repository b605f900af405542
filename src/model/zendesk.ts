// Zendesk records as the Support API returns them (only the attributes zdsf reads or writes).

export type ZdRole = 'end-user' | 'agent' | 'admin';

export interface ZdOrganization {
  id: number;
  name: string;
  external_id: string | null;
  tags: string[];
  domain_names: string[];
  notes: string | null;
  details: string | null;
  organization_fields: Record<string, unknown>;
  [attr: string]: unknown;
}

export interface ZdUser {
  id: number;
  name: string;
  email: string | null;
  role: ZdRole;
  external_id: string | null;
  organization_id: number | null;
  tags: string[];
  user_fields: Record<string, unknown>;
  notes?: string | null;
  details?: string | null;
  phone?: string | null;
  verified?: boolean;
  active?: boolean;
  suspended?: boolean;
  [attr: string]: unknown;
}

export interface ZdMembership {
  id: number;
  user_id: number;
  organization_id: number;
  default: boolean | null;
  /** the sandbox's records carry these; the reader does not keep them (src/zendesk/pagination.ts) */
  organization_name?: string;
  created_at?: string;
  updated_at?: string;
}

/** organization_fields / user_fields definition. type: text, textarea, integer, decimal, checkbox, date,
 * dropdown (API name "dropdown"; Zendesk calls it "tagger" in some places), regexp, multiselect, lookup. */
export interface ZdFieldDef {
  id: number;
  key: string;
  type: string;
  title: string;
  active: boolean;
  custom_field_options?: { id: number; name: string; value: string }[];
  /** lookup fields: what they point at ("zen:organization", "zen:user", ...) */
  relationship_target_type?: string;
}

/** Everything one sync reads from Zendesk. */
export interface TargetData {
  organizations: ZdOrganization[];
  users: ZdUser[];
  memberships: ZdMembership[];
  organizationFields: ZdFieldDef[];
  userFields: ZdFieldDef[];
  settings: { multipleOrganizations: boolean };
  /** The account's per-minute request limit from the X-Rate-Limit header, when seen. */
  rateLimitPerMinute: number | null;
}
