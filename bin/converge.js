#!/usr/bin/env node
// Installed entry of the `converge` CLI: runs the built CLI (npm run build). From a checkout, use `npm run -s cli --`.
import { main } from "../lib/cli/main.js";
import { exitQuietlyOnClosedPipe } from "../lib/cli/io.js";

exitQuietlyOnClosedPipe();
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
