import type { Octokit } from "../octokit.js";

/**
 * GraphQL plumbing for the program board: a request counter, and batches of mutations sent as aliases of one
 * document (`m0: updateProjectV2ItemFieldValue(input: $m0) {…} m1: …`), so a sync that changes 60 values costs a few
 * requests instead of 60. Every input travels as a typed variable; nothing user-written is spliced into a document.
 */

export interface BoardClient {
  octokit: Octokit;
  requests: number;
}

/**
 * `once`: a mutation that creates something (a field, a status update) is sent once, never retried by the retry
 * plugin: GitHub may have applied it and answered 502, and a retry would create a second one (ADR 0150). A failed
 * create fails the sync; the next sync finds what was created by name or week marker and does not create it again.
 */
export async function graphql<T>(client: BoardClient, query: string, variables: Record<string, unknown> = {}, options: { once?: boolean } = {}): Promise<T> {
  client.requests++;
  return client.octokit.graphql<T>(query, options.once ? { ...variables, request: { retries: 0 } } : variables);
}

export interface AliasedOp {
  /** GraphQL input type, e.g. `UpdateProjectV2ItemFieldValueInput`. */
  inputType: string;
  /** Mutation field, e.g. `updateProjectV2ItemFieldValue`. */
  mutation: string;
  /** Selection set of its payload, e.g. `{ clientMutationId }`. */
  selection: string;
  input: Record<string, unknown>;
}

/**
 * Mutations per request. GitHub counts each mutation against its secondary limits (5 points a minute each) and runs
 * them in order; 25 keeps a request well under the 10 s timeout.
 */
export const MUTATIONS_PER_REQUEST = 25;

/**
 * Run `ops` in batches; `document(defs, body)` wraps them in the named operation (the name is written out in the
 * caller so the least-privilege test can find it). Returns each op's payload, in order.
 */
export async function runAliased<R>(
  client: BoardClient,
  document: (variableDefinitions: string, body: string) => string,
  ops: readonly AliasedOp[],
  options: { once?: boolean } = {},
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < ops.length; start += MUTATIONS_PER_REQUEST) {
    const chunk = ops.slice(start, start + MUTATIONS_PER_REQUEST);
    const defs = chunk.map((op, i) => `$m${i}: ${op.inputType}!`).join(", ");
    const body = chunk.map((op, i) => `m${i}: ${op.mutation}(input: $m${i}) ${op.selection}`).join("\n");
    const variables = Object.fromEntries(chunk.map((op, i) => [`m${i}`, op.input]));
    const data = await graphql<Record<string, R>>(client, document(defs, body), variables, options);
    chunk.forEach((_op, i) => results.push(data[`m${i}`]!));
  }
  return results;
}
