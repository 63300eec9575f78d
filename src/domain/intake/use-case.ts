import { z } from "zod";

/** The typed use-case record, keyed by the stable field ids of templates/use-case.yml. */
const money = z.object({ amount: z.number().positive(), currency: z.string().length(3) });
const reference = z.object({ owner: z.string(), repo: z.string(), number: z.number().int().positive() });
const criterion = z.object({ text: z.string(), checked: z.boolean().nullable() });

export const useCaseRecordSchema = z.object({
  "as-a": z.string(),
  "i-want": z.string(),
  "so-that": z.string(),
  "acceptance-criteria": z.array(criterion).min(1),
  "value-stream": z.string(),
  plants: z.array(z.string()).min(1),
  layers: z.array(z.string()).default([]),
  initiatives: z.array(reference).min(1),
  benefit: money,
  "benefit-kpi": z.string(),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  "product-owner": z.string(),
  architect: z.string().optional(),
  squad: z.string().optional(),
});

export type UseCaseRecord = z.infer<typeof useCaseRecordSchema>;

/** Whatever parts of a use case are valid so far (labels and links are derived from these even while others fail). */
export const partialUseCaseSchema = useCaseRecordSchema.partial();
export type PartialUseCase = z.infer<typeof partialUseCaseSchema>;

export function asPartialUseCase(record: Record<string, unknown>): PartialUseCase {
  const picked: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(useCaseRecordSchema.shape)) {
    if (record[key] !== undefined && schema.safeParse(record[key]).success) picked[key] = record[key];
  }
  return picked as PartialUseCase;
}
