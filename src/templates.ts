import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadFormTemplate, type FormTemplate } from "./domain/forms/template.js";

/** The issue forms Converge ships (templates/), read once. Works from src/ (tsx) and lib/ (built) alike. */
export const TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

export type BundledForm = "use-case" | "business-initiative" | "user-story";

const cache = new Map<BundledForm, FormTemplate>();

export function bundledTemplate(name: BundledForm): FormTemplate {
  let template = cache.get(name);
  if (!template) {
    const path = `${TEMPLATES_DIR}${name}.yml`;
    template = loadFormTemplate(readFileSync(path, "utf8"), path);
    cache.set(name, template);
  }
  return template;
}

/** The bundled issue forms as text, file name (`use-case.yml`) → YAML: what `converge init` and the drift sync propose. */
export function bundledFormTexts(): Record<string, string> {
  const forms: Record<string, string> = {};
  for (const name of readdirSync(TEMPLATES_DIR).filter((n) => n.endsWith(".yml")).sort()) forms[name] = readFileSync(`${TEMPLATES_DIR}${name}`, "utf8");
  return forms;
}
