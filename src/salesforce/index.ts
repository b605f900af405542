// The Salesforce adapter (DESIGN.md section 8): auth, SOQL building, reading.
export { createSalesforceReader, SalesforceReader, type SalesforceReaderOptions } from './reader.js';
export { connectSalesforce, buildJwtAssertion, requestToken, type ConnectOptions, type TokenResponse } from './auth.js';
export {
  buildSyncQueries,
  buildAccountQuery,
  buildPeopleQuery,
  buildRelationsQuery,
  buildRetentionQuery,
  countQuery,
  escapeSoqlString,
  soqlString,
  normalizeFieldPath,
  mappingFields,
  templateFields,
  type BuiltQuery,
  type ChildQuery,
  type SyncQueries,
} from './soql.js';
