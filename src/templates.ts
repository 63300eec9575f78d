import { readFileSync } from "node:fs";
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
