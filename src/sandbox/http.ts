// The small request/response model the sandbox's emulators share; src/sandbox/server.ts adapts
// node:http to it, handles faults, rate limits and stats, and dispatches to the emulators.
import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  /** full URL (http://127.0.0.1:PORT/...) with the instance prefix (/zendesk/<name>) already removed for Zendesk routes */
  url: URL;
  headers: IncomingHttpHeaders;
  /** parsed JSON body, or form fields (application/x-www-form-urlencoded) as an object; undefined when empty */
  body: unknown;
  rawBody: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** serialised as JSON */
  body?: unknown;
  /** sent as is (e.g. CSV for Bulk API 2.0 results), instead of body */
  text?: string;
}

/** Answers the request, or returns undefined when it is not this emulator's. */
export type Route = (req: SandboxRequest) => SandboxResponse | undefined | Promise<SandboxResponse | undefined>;

export interface Emulator<State> {
  route: Route;
  /** the current records, in the seed's shape */
  state(): State;
  /** back to the given seed (or the one it was created with) */
  reset(seed?: State): void;
}
