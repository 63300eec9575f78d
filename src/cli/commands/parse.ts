import type { Command } from "commander";
import { loadFormTemplate, TemplateError } from "../../domain/forms/template.js";
import { parseIssueBody } from "../../domain/forms/parse-body.js";
import { validateForm } from "../../domain/forms/validate.js";
import { defaultConfig } from "../../config/schema.js";
import { CliError } from "../errors.js";
import { printJson, readUserFile } from "../io.js";

export function register(program: Command): void {
  program
    .command("parse")
    .description("Parse an issue body submitted through an issue form; print the record as JSON keyed by field id, or the problems.")
    .argument("<template>", "the issue form (YAML), e.g. templates/use-case.yml")
    .argument("<body>", "the issue body (Markdown) as GitHub rendered it")
    .option("--repo <owner/name>", "repository that short references like #12 point to", "example/repo")
    .option("--filed-at <date>", "when the issue was filed (deadlines must be later); default: now")
    .action(async (templatePath: string, bodyPath: string, options: { repo: string; filedAt?: string }) => {
      const [owner, repo] = options.repo.split("/");
      if (!owner || !repo) throw new CliError(`--repo must look like owner/name, got "${options.repo}"`, 2);
      const filedAt = options.filedAt ? new Date(options.filedAt) : new Date();
      if (Number.isNaN(filedAt.getTime())) throw new CliError(`--filed-at is not a date: "${options.filedAt}"`, 2);

      let template;
      try {
        template = loadFormTemplate(await readUserFile(templatePath, "template"), templatePath);
      } catch (error) {
        if (error instanceof TemplateError) throw new CliError(`${error.message}:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`, 2);
        throw error;
      }
      const body = await readUserFile(bodyPath, "issue body");
      const config = defaultConfig();
      const result = validateForm(template, parseIssueBody(template, body), {
        owner,
        repo,
        filedAt,
        requireFutureDate: config.intake.requireFutureDeadline,
        defaultCurrency: config.intake.defaultCurrency,
      });
      if (result.problems.length > 0) {
        const lines = result.problems.map((p) => `  - ${p.label} (${p.field}): ${p.message}${p.example ? ` Example: ${p.example}` : ""}`);
        throw new CliError(`${bodyPath} has ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}:\n${lines.join("\n")}`, 1);
      }
      // Every field id appears, so a consumer can tell "left empty" (null) from "not in this form".
      printJson({ ...Object.fromEntries(template.fields.map((field) => [field.id, null])), ...result.record });
    });
}
