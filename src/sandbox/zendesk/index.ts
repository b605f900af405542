export { createZendeskEmulator } from './emulator.js';
export type { ZendeskEmulator, ZendeskEmulatorInfo, ZendeskEmulatorOptions } from './emulator.js';
export { normalizeTags, checkCustomFields, DEFAULT_SETTINGS } from './records.js';
export type { ZdErrorDetail, ZdErrorDetails } from './records.js';
