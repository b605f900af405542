// One transport, and so one request budget, per Zendesk instance for every request of a run: plan's read,
// apply's full read (the stale check) and apply's writes all draw on it, so that together they keep to the
// configured max_requests_per_minute and to the account's limit (separate transports each kept to it alone,
// and together went over it: 336 requests in the first minute against a ceiling of 300).
import type { ZendeskInstance } from '../model/config.js';
import type { Logger } from '../model/ports.js';
import { budgetKey } from './budget.js';
import { ZendeskTransport, type TransportOptions } from './transport.js';

export interface TransportPool {
  /** the run's transport for this instance (made at the first call; `logger` is used if it is the first) */
  get(instance: ZendeskInstance, logger?: Logger): ZendeskTransport;
}

export function createTransportPool(options: TransportOptions = {}): TransportPool {
  const transports = new Map<string, ZendeskTransport>();
  return {
    get(instance, logger) {
      const key = budgetKey(instance);
      let transport = transports.get(key);
      if (!transport) {
        transport = new ZendeskTransport(instance, { ...(logger ? { logger } : {}), ...options });
        transports.set(key, transport);
      }
      return transport;
    },
  };
}
