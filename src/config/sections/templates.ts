import { z } from "zod";

// A file name in .github/ISSUE_TEMPLATE: no directories, YAML only (issue forms are .yml or .yaml).
const formFile = z
  .string()
  .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, { error: "a form file name such as use-case.yml (no folder)" })
  .describe("A Converge issue form, by its file name in .github/ISSUE_TEMPLATE.");

/**
 * Template drift (issue 15): a repository whose copy of a Converge issue form differs from the org standard gets one
 * pull request bringing it back. Set in the repository's .github/converge.yml, or org-wide in the org's .github repo.
 */
export const templatesSection = z
  .object({
    sync: z
      .boolean()
      .default(true)
      .describe(
        "Propose a pull request when this repository's copy of a Converge issue form differs from the org standard (the org's .github repository, else the forms Converge ships). false opts the repository out.",
      ),
    ignore: z
      .array(formFile)
      .max(20)
      .default([])
      .describe("Forms this repository keeps its own version of (e.g. `user-story.yml`); the others are still kept in step."),
  })
  .strict()
  .prefault({});

export type TemplatesConfig = z.infer<typeof templatesSection>;
