import type { Command } from "commander";
import { register as config } from "./config.js";
import { register as parse } from "./parse.js";
import { register as demo } from "./demo.js";
import { register as schemas } from "./schemas.js";
import { register as forecast } from "./forecast.js";
import { register as backtest } from "./backtest.js";
import { register as report } from "./report.js";
import { register as audit } from "./audit.js";
import { register as init } from "./init.js";
import { register as snapshot } from "./snapshot.js";
import { register as templates } from "./templates.js";
import { register as board } from "./board.js";

/**
 * The CLI's command registry: one module per command, each exporting `register(program)`.
 * Add one import and one entry here when adding a command.
 */
const registry: Array<(program: Command) => void> = [config, parse, demo, schemas, forecast, backtest, report, audit, init, snapshot, templates, board];

export function registerCommands(program: Command): void {
  for (const register of registry) register(program);
}
