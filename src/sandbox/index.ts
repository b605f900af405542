// The local Salesforce + Zendesk sandbox (DESIGN.md section 7).
export { startSandbox, routeTemplate, DEFAULT_RATE_LIMIT_PER_MINUTE } from './server.js';
export type { Sandbox, SandboxFaults, SandboxOptions, SandboxStats } from './server.js';
export { loadSeed, parseSeed, checkSeed, saveSeed } from './seed.js';
export { createZendeskEmulator, normalizeTags, checkCustomFields, DEFAULT_SETTINGS } from './zendesk/index.js';
export type { ZendeskEmulator, ZendeskEmulatorInfo, ZendeskEmulatorOptions, ZdErrorDetail, ZdErrorDetails } from './zendesk/index.js';
export type { Emulator, Route, SandboxRequest, SandboxResponse } from './http.js';
export { createSalesforceEmulator } from './salesforce/index.js';
export type { SalesforceEmulator, SalesforceEmulatorOptions } from './salesforce/index.js';
