// The SalesforceWriter port (src/model/ports.ts) over a real Salesforce instance (issue 18): the Case adapter of
// case-writer.ts on a connection opened at the first request (plan and apply may never need it: a sync without
// cases, or without case changes, connects to nothing).
import type { Connection } from 'jsforce';
import type { SalesforceInstance } from '../model/config.js';
import type { SalesforceWriter } from '../model/ports.js';
import { connectSalesforce, translateConnectionError } from './auth.js';
import { SalesforceCaseAdapter, type CaseWriterOptions } from './case-writer.js';

export interface SalesforceWriterOptions extends CaseWriterOptions {
  /** how to obtain a Connection (default: connectSalesforce) */
  connect?: (instance: SalesforceInstance) => Promise<Connection>;
}

export function createSalesforceWriter(instance: SalesforceInstance, options: SalesforceWriterOptions = {}): SalesforceWriter {
  let adapter: Promise<SalesforceCaseAdapter> | undefined;
  const get = (): Promise<SalesforceCaseAdapter> =>
    (adapter ??= (async () => {
      try {
        const conn = await (options.connect ?? ((i: SalesforceInstance) => connectSalesforce(i)))(instance);
        return new SalesforceCaseAdapter(conn, instance, options);
      } catch (err) {
        adapter = undefined; // a later call may connect
        throw translateConnectionError(err, instance);
      }
    })());
  let connected: SalesforceCaseAdapter | undefined;
  const use = async (): Promise<SalesforceCaseAdapter> => (connected = await get());
  return {
    describeCase: async () => (await use()).describeCase(),
    readCasesByKeys: async (field, keys, fields) => (await use()).readCasesByKeys(field, keys, fields),
    existingAccountIds: async (ids) => (await use()).existingAccountIds(ids),
    upsert: async (field, records, opts) => (await use()).upsert(field, records, opts),
    get requestCount() {
      return connected?.requestCount ?? 0;
    },
  };
}
