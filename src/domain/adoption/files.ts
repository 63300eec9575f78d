/**
 * The files `converge init` proposes (issue forms and a starter config) and how they compare with a repository's.
 * Issue forms are Converge's standard and are brought back to it; an existing `.github/converge.yml` belongs to the
 * repository and is never overwritten.
 */

export const FORMS_DIR = ".github/ISSUE_TEMPLATE";
export const CONFIG_FILE_PATH = ".github/converge.yml";
/** The branch Converge's own adoption pull requests come from (found again on every re-run). */
export const INIT_BRANCH = "converge/init";

export interface WantedFile {
  path: string;
  content: string;
  /** Only add when missing; never replace what the repository has. */
  keepExisting: boolean;
}

export interface FileChange {
  path: string;
  content: string;
  action: "add" | "update";
}

/** Issue forms from templates/ (file name → YAML text), plus the starter config. */
export function wantedFiles(forms: Record<string, string>, starterConfig: string): WantedFile[] {
  const files = Object.keys(forms)
    .sort()
    .map((name) => ({ path: `${FORMS_DIR}/${name}`, content: forms[name]!, keepExisting: false }));
  return [...files, { path: CONFIG_FILE_PATH, content: starterConfig, keepExisting: true }];
}

/** Line endings and a trailing newline are not differences anyone meant. */
export function sameContent(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n/g, "\n").replace(/\n*$/, "\n");
  return norm(a) === norm(b);
}

/** `existing`: path → content on the branch compared against (undefined: the file is missing). */
export function planFiles(wanted: WantedFile[], existing: Record<string, string | undefined>): FileChange[] {
  const changes: FileChange[] = [];
  for (const file of wanted) {
    const have = existing[file.path];
    if (have === undefined) changes.push({ path: file.path, content: file.content, action: "add" });
    else if (!file.keepExisting && !sameContent(have, file.content)) changes.push({ path: file.path, content: file.content, action: "update" });
  }
  return changes;
}

/** A starter `.github/converge.yml`: every section at its defaults, with pointers to where to change them. */
export function starterConfig(options: { orgWide: boolean; org: string }): string {
  const lines = [
    "# Converge configuration (https://github.com/apps/converge). Every setting has a default: see",
    "# `converge config defaults` and docs/config.schema.json. Editors validate this file with the schema below.",
  ];
  if (options.orgWide) {
    lines.push("# These are the org-wide defaults. A repository inherits them with a .github/converge.yml of its own:", "#   _extends: .github");
  } else {
    lines.push(`# Inherit the org-wide defaults from ${options.org}/.github (if it has a converge.yml):`, "# _extends: .github");
  }
  lines.push(
    "intake:",
    "  defaultCurrency: EUR",
    "  requireFutureDeadline: true",
    "# gates:",
    "#   pipeline: the ordered gate labels and who may pass each one (default: 7 gates, gate/1-intake … gate/7-deployed)",
    "",
  );
  return lines.join("\n");
}

export function pullRequestBody(changes: FileChange[], orgWide: boolean): string {
  const list = changes.map((c) => `- ${c.action === "add" ? "adds" : "updates"} \`${c.path}\``).join("\n");
  return [
    "Converge's adoption pull request (`converge init`).",
    "",
    list,
    "",
    orgWide
      ? "Issue forms in the organisation's `.github` repository are the defaults for every repository that has none of its own."
      : "The issue forms are Converge's standard ones: keep their field ids (labels and descriptions may be reworded).",
    "Merging it is all that is left; re-running `converge init` updates this pull request instead of opening another.",
  ].join("\n");
}
