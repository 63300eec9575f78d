export * from "./criteria.js";
export * from "./markers.js";
export * from "./story-body.js";
export * from "./plan.js";
export * from "./render.js";
export * from "./command.js";
