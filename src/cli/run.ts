// Entry used by `npm run cli` from a checkout (through tsx); the installed bin runs the built copy of main.
import { main } from "./main.js";
import { exitQuietlyOnClosedPipe } from "./io.js";

exitQuietlyOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
