/**
 * What goes wrong between Converge and the program board, as one actionable message each (ADR 0114): the caller
 * (report job, CLI, webhook log) shows it once instead of failing with GitHub's raw error.
 */

interface ErrorLike {
  status?: number;
  message?: string;
  errors?: Array<{ type?: string; message?: string }>;
}

export type BoardProblem = { kind: "forbidden" | "not-found"; message: string };

export function isForbidden(error: unknown): boolean {
  const e = error as ErrorLike;
  return (
    e?.status === 403 ||
    Boolean(e?.errors?.some((x) => x.type === "FORBIDDEN" || /not accessible by integration/i.test(x.message ?? ""))) ||
    /resource not accessible by integration/i.test(e?.message ?? "")
  );
}

export function isNotFound(error: unknown): boolean {
  const e = error as ErrorLike;
  return e?.status === 404 || Boolean(e?.errors?.some((x) => x.type === "NOT_FOUND"));
}

/** The clear message for a board error, or undefined for errors a retry may fix (the caller rethrows those). */
export function explainBoardError(error: unknown, org: string, project: number): BoardProblem | undefined {
  const e = error as ErrorLike;
  const said = e?.errors?.[0]?.message ?? e?.message ?? "403 Forbidden";
  if (isForbidden(error)) {
    return {
      kind: "forbidden",
      message:
        `Converge cannot update the program board (project ${project} of ${org}): GitHub answered "${said}". ` +
        'The app needs the organization permission "Projects: Read and write": an organization owner of ' +
        `${org} approves it under Settings → GitHub Apps → Converge → Configure (review the permission request), ` +
        "or, for a self-registered app, adds it in the app's settings under Permissions → Organization permissions → Projects. " +
        "Until then the board is not synced; everything else works.",
    };
  }
  if (isNotFound(error)) {
    return {
      kind: "not-found",
      message:
        `Converge cannot find the program board: ${org} has no Project (v2) number ${project} that the app can see (GitHub answered "${said}"). ` +
        "Check board.project in .github/converge.yml (the number in the project's URL, github.com/orgs/" +
        `${org}/projects/<number>) and that the project belongs to the organization, not to a user.`,
    };
  }
  return undefined;
}
