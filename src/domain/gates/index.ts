export * from "./model.js";
export * from "./requirements.js";
export * from "./evaluate.js";
export * from "./commands.js";
export * from "./scope.js";
export * from "./audit.js";
export * from "./export.js";
export * from "./render.js";
