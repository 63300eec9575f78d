import { z } from "zod";
import { parse as parseYaml } from "yaml";

/**
 * GitHub issue-form definitions (.github/ISSUE_TEMPLATE/*.yml), checked against GitHub's documented syntax.
 * The parser is driven by these: a field's `### <label>` heading in the submitted body maps back to its stable id.
 */

const idSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, "ids may contain only letters, digits, '-' and '_'");
const requiredValidation = z.object({ required: z.boolean().optional() }).strict().optional();

const markdownElement = z.object({
  type: z.literal("markdown"),
  id: idSchema.optional(),
  attributes: z.object({ value: z.string().min(1) }).strict(),
});

const inputElement = z.object({
  type: z.literal("input"),
  id: idSchema.optional(),
  attributes: z
    .object({ label: z.string().min(1), description: z.string().optional(), placeholder: z.string().optional(), value: z.string().optional() })
    .strict(),
  validations: requiredValidation,
});

const textareaElement = z.object({
  type: z.literal("textarea"),
  id: idSchema.optional(),
  attributes: z
    .object({
      label: z.string().min(1),
      description: z.string().optional(),
      placeholder: z.string().optional(),
      value: z.string().optional(),
      render: z.string().optional(),
    })
    .strict(),
  validations: requiredValidation,
});

const dropdownElement = z.object({
  type: z.literal("dropdown"),
  id: idSchema.optional(),
  attributes: z
    .object({
      label: z.string().min(1),
      description: z.string().optional(),
      multiple: z.boolean().optional(),
      options: z
        .array(z.union([z.string(), z.number(), z.boolean()]).transform(String))
        .min(1)
        .refine((options) => !options.includes("None"), "'None' is reserved by GitHub and cannot be a dropdown option")
        .refine((options) => new Set(options).size === options.length, "dropdown options must be unique"),
      default: z.number().int().min(0).optional(),
    })
    .strict(),
  validations: requiredValidation,
});

const checkboxesElement = z.object({
  type: z.literal("checkboxes"),
  id: idSchema.optional(),
  attributes: z
    .object({
      label: z.string().min(1),
      description: z.string().optional(),
      options: z.array(z.object({ label: z.string().min(1), required: z.boolean().optional() }).strict()).min(1),
    })
    .strict(),
  validations: requiredValidation,
});

const elementSchema = z.discriminatedUnion("type", [markdownElement, inputElement, textareaElement, dropdownElement, checkboxesElement]);

export const issueFormSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    title: z.string().optional(),
    labels: z.union([z.array(z.string()), z.string()]).optional(),
    assignees: z.union([z.array(z.string()), z.string()]).optional(),
    projects: z.union([z.array(z.string()), z.string()]).optional(),
    type: z.string().optional(),
    body: z.array(elementSchema).min(1),
  })
  .strict()
  .superRefine((form, ctx) => {
    const ids = new Set<string>();
    const labels = new Set<string>();
    form.body.forEach((element, index) => {
      if (element.id) {
        if (ids.has(element.id)) ctx.addIssue({ code: "custom", path: ["body", index, "id"], message: `duplicate id "${element.id}"` });
        ids.add(element.id);
      }
      if (element.type === "markdown") return;
      if (labels.has(element.attributes.label)) {
        ctx.addIssue({ code: "custom", path: ["body", index, "attributes", "label"], message: `duplicate label "${element.attributes.label}"` });
      }
      labels.add(element.attributes.label);
    });
    if (!form.body.some((element) => element.type !== "markdown")) {
      ctx.addIssue({ code: "custom", path: ["body"], message: "a form needs at least one field that is not markdown" });
    }
  });

export type IssueForm = z.infer<typeof issueFormSchema>;

export type FieldType = "input" | "textarea" | "dropdown" | "checkboxes";

/** One submitted field of a form, as the parser and validator see it. */
export interface FormField {
  id: string;
  type: FieldType;
  label: string;
  required: boolean;
  /** dropdown / checkboxes options */
  options: string[];
  /** checkbox options that must be ticked */
  requiredOptions: string[];
  multiple: boolean;
  /** textarea `render:` language: GitHub wraps the answer in a code fence */
  render: string | undefined;
  /** the form's placeholder, used as an example in problems */
  placeholder: string | undefined;
}

export interface FormTemplate {
  name: string;
  labels: string[];
  fields: FormField[];
}

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Parse and check an issue-form YAML file; throws TemplateError listing every problem. */
export function loadFormTemplate(yamlText: string, source = "template"): FormTemplate {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new TemplateError(`${source} is not valid YAML`, [(error as Error).message]);
  }
  const result = issueFormSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
    throw new TemplateError(`${source} is not a valid GitHub issue form`, problems);
  }
  return toTemplate(result.data);
}

function toTemplate(form: IssueForm): FormTemplate {
  const fields: FormField[] = [];
  form.body.forEach((element, index) => {
    if (element.type === "markdown") return;
    const base = {
      // Elements without an id are still parsed; they are keyed by position so they stay addressable.
      id: element.id ?? `field-${index}`,
      type: element.type,
      label: element.attributes.label,
      required: element.validations?.required === true,
      options: [] as string[],
      requiredOptions: [] as string[],
      multiple: false,
      render: undefined as string | undefined,
      placeholder: "placeholder" in element.attributes ? element.attributes.placeholder : undefined,
    };
    if (element.type === "dropdown") {
      fields.push({ ...base, options: element.attributes.options, multiple: element.attributes.multiple === true });
    } else if (element.type === "checkboxes") {
      const options = element.attributes.options;
      fields.push({
        ...base,
        options: options.map((o) => o.label),
        requiredOptions: options.filter((o) => o.required).map((o) => o.label),
      });
    } else if (element.type === "textarea") {
      fields.push({ ...base, render: element.attributes.render });
    } else {
      fields.push(base);
    }
  });
  const labels = form.labels === undefined ? [] : Array.isArray(form.labels) ? form.labels : form.labels.split(",").map((l) => l.trim());
  return { name: form.name, labels: labels.filter(Boolean), fields };
}
