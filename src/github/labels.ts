import type { IssueRef, Octokit } from "./octokit.js";
import type { LabelChange } from "../domain/intake/labels.js";

export interface CurrentLabel {
  name: string;
  node_id: string;
}

export const REMOVE_LABELS_MUTATION = `mutation RemoveLabels($labelableId: ID!, $labelIds: [ID!]!) {
  removeLabelsFromLabelable(input: { labelableId: $labelableId, labelIds: $labelIds }) { clientMutationId }
}`;

/**
 * Apply a label change with at most one write per direction: one REST call adds every new label (GitHub creates labels
 * that do not exist yet), one GraphQL mutation removes every stale one. Neither replaces the whole set, so a label
 * someone adds at the same moment is never lost.
 */
export async function applyLabelChange(
  octokit: Octokit,
  ref: IssueRef,
  issueNodeId: string,
  current: CurrentLabel[],
  change: LabelChange,
): Promise<void> {
  if (change.add.length > 0) {
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { ...ref, labels: change.add });
  }
  const ids = change.remove
    .map((name) => current.find((l) => l.name.toLowerCase() === name.toLowerCase())?.node_id)
    .filter((id): id is string => typeof id === "string");
  if (ids.length > 0) {
    await octokit.graphql(REMOVE_LABELS_MUTATION, { labelableId: issueNodeId, labelIds: ids });
  }
}
