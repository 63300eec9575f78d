/**
 * Clear, actionable messages for what goes wrong when posting the report: the operator reads them in the job log,
 * the CLI prints them, and an on-demand run answers the requester with them.
 */

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** False when retrying cannot help (a missing permission or category): the queue gives up at once. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

interface ErrorLike {
  status?: number;
  message?: string;
  errors?: Array<{ type?: string; message?: string }>;
}

/** Turn a GitHub error into a DeliveryError that says what to do; other errors pass through unchanged. */
export function explainGitHubError(error: unknown, action: string, where: string, target: "issue" | "discussion"): unknown {
  if (error instanceof DeliveryError) return error;
  if (error instanceof TypeError || error instanceof SyntaxError) {
    // Octokit hands a 200 whose body is cut or not JSON on as a string; reading it fails as a TypeError (ADR 0150).
    return new DeliveryError(
      `GitHub's answer when Converge tried to ${action} in ${where} could not be read (a malformed or cut response: ${error.message}). ` +
        "Nothing after it was written; the next run completes the report.",
      true,
    );
  }
  const e = error as ErrorLike;
  const graphqlForbidden = e?.errors?.some((x) => x.type === "FORBIDDEN" || /not accessible by integration/i.test(x.message ?? ""));
  const permission = target === "discussion" ? '"Discussions: Read and write"' : '"Issues: Read and write"';
  if (e?.status === 403 || graphqlForbidden) {
    return new DeliveryError(
      `Converge may not ${action} in ${where} (GitHub answered: ${e.errors?.[0]?.message ?? e.message ?? "403 Forbidden"}). ` +
        `The app needs ${permission} on that repository: an organisation owner accepts the permission request in the app's installation settings, ` +
        "and the repository must be among the installation's repositories.",
    );
  }
  if (e?.status === 404 || e?.errors?.some((x) => x.type === "NOT_FOUND")) {
    return new DeliveryError(`Converge cannot see ${where} while trying to ${action}: check delivery.repository and that the app is installed on that repository.`);
  }
  if (e?.status === 422 && /too long/i.test(e.message ?? "")) {
    return new DeliveryError(`GitHub refused to ${action} in ${where}: the body is too long (${e.message}).`);
  }
  return error;
}
