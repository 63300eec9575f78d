import type { ConvergeConfig } from "../../config/schema.js";
import type { PartialUseCase } from "./use-case.js";

/** GitHub label names: at most 50 characters; Converge's derived labels are lower-case slugs under a prefix. */
export function labelSlug(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function prefixed(prefix: string, value: string): string | undefined {
  const slug = labelSlug(value);
  return slug ? `${prefix}${slug}`.slice(0, 50) : undefined;
}

export interface LabelChange {
  add: string[];
  remove: string[];
}

/**
 * The labels a use case should carry, diffed against what it has. Only labels Converge manages (the use-case and
 * needs-info labels and the value-stream/layer/plant prefixes) are ever removed; other labels are left alone.
 */
export function planLabels(
  current: string[],
  useCase: PartialUseCase,
  hasProblems: boolean,
  config: ConvergeConfig["intake"],
): LabelChange {
  const { labels, labelPrefixes, maxPlantLabels } = config;
  const desired = new Set<string>([labels.useCase]);
  const add = (label: string | undefined): void => {
    if (label) desired.add(label);
  };
  if (useCase["value-stream"]) add(prefixed(labelPrefixes.valueStream, useCase["value-stream"]));
  for (const layer of useCase.layers ?? []) add(prefixed(labelPrefixes.layer, layer));
  for (const plant of (useCase.plants ?? []).slice(0, maxPlantLabels)) add(prefixed(labelPrefixes.plant, plant));
  if (hasProblems) desired.add(labels.needsInfo);

  const lower = (s: string): string => s.toLowerCase();
  const currentLower = new Set(current.map(lower));
  const desiredLower = new Set([...desired].map(lower));
  const managedPrefixes = [labelPrefixes.valueStream, labelPrefixes.layer, labelPrefixes.plant].filter(Boolean).map(lower);
  const isManaged = (label: string): boolean =>
    lower(label) === lower(labels.needsInfo) || managedPrefixes.some((prefix) => lower(label).startsWith(prefix));

  return {
    add: [...desired].filter((label) => !currentLower.has(lower(label))).sort(),
    remove: current.filter((label) => isManaged(label) && !desiredLower.has(lower(label))).sort(),
  };
}
