/**
 * docs/config.md, the configuration reference, generated from the JSON Schema of the zod config schema (the same one
 * editors validate against), so the reference cannot disagree with what Converge accepts. `npm run schemas` writes
 * it; test/cli/schemas.test.ts fails when it is stale.
 */

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(" | ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  if (type === "array") return `list of ${schema.items ? typeOf(schema.items) : "any"}`;
  if (type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object" && !schema.properties) {
    return `map of ${typeOf(schema.additionalProperties)}`;
  }
  return schema.format ? `${type} (${schema.format})` : type;
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  const range = (lo?: number, hi?: number, unit = "") => {
    if (lo !== undefined && hi !== undefined) parts.push(`${lo}–${hi}${unit}`);
    else if (lo !== undefined) parts.push(`≥ ${lo}${unit}`);
    else if (hi !== undefined) parts.push(`≤ ${hi}${unit}`);
  };
  range(schema.minimum, schema.maximum !== undefined && schema.maximum >= Number.MAX_SAFE_INTEGER ? undefined : schema.maximum);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minLength === 1 && schema.maxLength === undefined) parts.push("not empty");
  else range(schema.minLength, schema.maxLength, " characters");
  range(schema.minItems, schema.maxItems, " items");
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function shortDefault(value: unknown): string {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  if (text === "{}") return "";
  return text.length > 60 ? "see `config defaults`" : `\`${text}\``;
}

function walk(schema: JsonSchema, path: string, rows: Row[]): void {
  const object = schema.properties ? schema : (schema.anyOf ?? schema.oneOf)?.find((s) => s.properties);
  const isLeaf = !object?.properties;
  if (path && (isLeaf || schema.description)) {
    rows.push({ path: `\`${path}\``, type: isLeaf ? typeOf(schema) + constraints(schema) : "object", default: shortDefault(schema.default), description: schema.description ?? "" });
  }
  if (object?.properties) for (const [key, child] of Object.entries(object.properties)) walk(child, path ? `${path}.${key}` : key, rows);
  const items = schema.items;
  if (items?.properties) for (const [key, child] of Object.entries(items.properties)) walk(child, `${path}[].${key}`, rows);
}

export function configReference(schema: JsonSchema): string {
  const sections = Object.entries(schema.properties ?? {}).filter(([key]) => key !== "$schema" && key !== "_extends");
  const out = [
    "# Configuration reference",
    "",
    "<!-- Generated from the zod config schema by `npm run schemas`; edit src/config/sections/*.ts, not this file. -->",
    "",
    "Converge reads `.github/converge.yml` from a repository's default branch; without one, the org's `.github`",
    "repository's file; without either, the defaults (`npm run -s cli -- config defaults`). `_extends: .github` (or",
    "`owner/repo`, `owner/repo:path.yml`) inherits another file: objects merge key by key, a list replaces the",
    "inherited list. Every key is optional. Check a file with `npm run -s cli -- validate-config <file>`; editors",
    "validate it with [config.schema.json](config.schema.json).",
    "",
    `Sections: ${sections.map(([key]) => `[\`${key}\`](#${key.toLowerCase()})`).join(", ")}.`,
  ];
  for (const [key, section] of sections) {
    const rows: Row[] = [];
    walk(section, key, rows);
    out.push("", `## ${key}`, "");
    // An object section's own row becomes its introduction; a list section (squads) keeps its row: it has a type.
    const intro = section.properties ? rows.find((r) => r.path === `\`${key}\``) : undefined;
    if (intro?.description) out.push(intro.description, "");
    out.push("| key | type | default | description |", "|---|---|---|---|");
    for (const row of rows.filter((r) => r !== intro)) out.push(`| ${row.path} | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.description)} |`);
  }
  return `${out.join("\n")}\n`;
}
