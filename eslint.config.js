// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["lib/", "node_modules/", "demo-out/", "coverage/", "docs/**/*.html", "bench/tmp/"] },
  js.configs.recommended,
  // Plain JS entry points run on Node (TypeScript files get their globals from @types/node).
  { files: ["bin/**/*.js", "bench/**/*.mjs"], languageOptions: { globals: { process: "readonly", console: "readonly", performance: "readonly" } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  {
    // Webhook payload fixtures are loosely typed JSON.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Domain code is pure: it must never reach for GitHub (ADR 0002).
    files: ["src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["probot", "@octokit/*", "**/github/**", "**/handlers/**"] }],
    },
  },
);
