// Salesforce data as zdsf reads it (the shapes jsforce returns from a REST query).

/** A record as the REST API returns it: fields by API name, parents nested (`Owner: { Name }`),
 * child subqueries as `{ totalSize, done, records }`. `attributes.type` names the sObject. */
export interface SfRecord {
  attributes?: { type: string; url?: string };
  Id: string;
  [field: string]: unknown;
}

export interface SfChildResult {
  totalSize: number;
  done: boolean;
  records: SfRecord[];
}

/** Subset of a describe result's field. `type` is the Salesforce type: string, textarea, email, phone,
 * url, picklist, multipicklist, boolean, int, double, currency, percent, date, datetime, id, reference,
 * location, autonumber (describe reports auto numbers as string with autoNumber: true). */
export interface SfFieldDescribe {
  name: string;
  type: string;
  label?: string;
  scale?: number;
  autoNumber?: boolean;
  relationshipName?: string | null;
  referenceTo?: string[];
  picklistValues?: { value: string; label?: string; active?: boolean }[];
  /** write permissions and keys, as describe reports them (read for objects zdsf writes: Case) */
  createable?: boolean;
  updateable?: boolean;
  externalId?: boolean;
  unique?: boolean;
  nillable?: boolean;
  defaultedOnCreate?: boolean;
  calculated?: boolean;
  /** text length limit */
  length?: number;
}

export interface SfObjectDescribe {
  name: string;
  fields: SfFieldDescribe[];
  childRelationships?: { relationshipName: string | null; childSObject: string; field: string }[];
}

export interface AccountContactRelation {
  Id: string;
  AccountId: string;
  ContactId: string;
  IsDirect: boolean;
  IsActive: boolean;
}

/** Everything one sync reads from Salesforce. */
export interface SourceData {
  /** Accounts matching the organizations query (with include subqueries), ordered by Id. Empty without an organizations section. */
  accounts: SfRecord[];
  /** Contacts and Leads matching the users sources (attributes.type tells which), with Id, CreatedDate, AccountId (contacts),
   * Account.Name (contacts) and every field the user mappings use. Empty without a users section. */
  people: SfRecord[];
  /** AccountContactRelation rows for the people read, only when relationships.secondary is on. */
  relations: AccountContactRelation[];
  /** Ids of accounts matching organizations.retention.delete_when. */
  retention: string[];
  /** Describe of every object read (Account, Contact, Lead, child objects), by object name. */
  describe: Record<string, SfObjectDescribe>;
}
