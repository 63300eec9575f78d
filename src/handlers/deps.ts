import type { AppIdentity } from "../github/identity.js";

/** What handlers get injected, so tests can pin the clock and the identity. */
export interface AppDeps {
  identity: () => Promise<AppIdentity>;
  now: () => Date;
}
