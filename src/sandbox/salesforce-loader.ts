// TEMPORARY: the Salesforce emulator (src/sandbox/salesforce/, another engineer's) is loaded dynamically until
// it lands; without it, /services/** answers 501. Replace with a static import once it exists.
import type { SalesforceSeed } from '../model/seed.js';
import type { Emulator } from './http.js';

export type SalesforceEmulatorFactory = (seed: SalesforceSeed, options: { baseUrl: () => string }) => Emulator<SalesforceSeed>;

function placeholder(seed: SalesforceSeed): Emulator<SalesforceSeed> {
  let current = structuredClone(seed);
  const original = structuredClone(seed);
  return {
    route: (req) =>
      req.url.pathname.startsWith('/services/')
        ? { status: 501, body: [{ message: 'The Salesforce emulator is not built into this sandbox yet.', errorCode: 'NOT_IMPLEMENTED' }] }
        : undefined,
    state: () => structuredClone(current),
    reset: (next) => {
      current = structuredClone(next ?? original);
    },
  };
}

export async function loadSalesforceEmulator(): Promise<SalesforceEmulatorFactory> {
  const specifier = './salesforce/index.js';
  try {
    const mod: unknown = await import(specifier);
    if (typeof mod === 'object' && mod !== null && 'createSalesforceEmulator' in mod && typeof mod.createSalesforceEmulator === 'function') {
      return mod.createSalesforceEmulator as SalesforceEmulatorFactory;
    }
  } catch {
    // not there yet
  }
  return placeholder;
}
