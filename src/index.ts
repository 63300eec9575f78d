import type { ApplicationFunction, Probot } from "probot";
import type { AppDeps } from "./handlers/deps.js";
import { identityResolver } from "./github/identity.js";
import { registerIntake } from "./handlers/intake.js";
import { registerConfigCheck } from "./handlers/config-check.js";
import { registerBenefitCommand } from "./handlers/benefit-command.js";
import { registerGates } from "./handlers/gates.js";
import { registerPullRequestCheck } from "./handlers/pull-request-check.js";
import { registerStories } from "./handlers/stories.js";
import { registerBoard } from "./handlers/board.js";
import { registerSprints } from "./handlers/sprints.js";
import { registerDelivery, type DeliveryOverrides } from "./jobs/runtime.js";
import { registerTemplateSync } from "./handlers/template-sync.js";

/**
 * Converge's app function: registers handlers, nothing else. Handlers are thin: they read the event, call the pure
 * domain (src/domain), and write through the GitHub layer (src/github). Tests inject `deps` to pin clock and identity.
 */
export function createApp(overrides: Partial<AppDeps> & { delivery?: DeliveryOverrides } = {}): ApplicationFunction {
  return (app: Probot, options) => {
    const deps: AppDeps = {
      identity: overrides.identity ?? identityResolver(app),
      now: overrides.now ?? (() => new Date()),
    };
    registerIntake(app, deps);
    registerConfigCheck(app, deps);
    registerBenefitCommand(app, deps);
    registerGates(app, deps);
    registerPullRequestCheck(app, deps);
    registerStories(app, deps);
    registerBoard(app, deps);
    registerSprints(app, deps);
    registerDelivery(app, deps, options, overrides.delivery);
    registerTemplateSync(app, deps);
  };
}

// The server's app (`probot run ./lib/index.js`) also runs the delivery scheduler; createApp() alone does not.
const app: ApplicationFunction = createApp({ delivery: { scheduler: "with-server" } });
export default app;
