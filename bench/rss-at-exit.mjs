// Preloaded (`node --import ./bench/rss-at-exit.mjs …`) into a CLI run by bench/report.bench.ts: prints the process's
// peak RSS (MB) on stderr as it exits, so the bench can report the production command's own peak memory.
process.on("exit", () => process.stderr.write(`\nconverge-bench-max-rss-mb ${(process.resourceUsage().maxRSS / 1024).toFixed(1)}\n`));
