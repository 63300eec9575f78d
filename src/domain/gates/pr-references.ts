/**
 * Which use cases a pull request delivers, from its body: GitHub's closing keywords (`Closes #12`, `fixes
 * acme/plant#12`, `Resolves https://github.com/acme/plant/issues/12`) or Converge's own `Use case: #12` line.
 * A plain mention (`see #12`) does not count: it would let any passing remark block a merge.
 */

export interface UseCaseRef {
  owner: string;
  repo: string;
  number: number;
}

const KEYWORDS = "close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved|use[ -]case:?";
const TARGET = String.raw`(?:#(\d+)|([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})#(\d+)|https?:\/\/[^\s/]+\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})\/issues\/(\d+))`;
const PATTERN = new RegExp(String.raw`(?:^|[^\w/])(?:${KEYWORDS})\s*:?\s+${TARGET}(?![\w/])`, "gim");

function stripCode(body: string): string {
  return body.replace(/```[\s\S]*?(```|$)/g, " ").replace(/~~~[\s\S]*?(~~~|$)/g, " ").replace(/`[^`\n]*`/g, " ").replace(/<!--[\s\S]*?-->/g, " ");
}

export function parseUseCaseReferences(body: string | null | undefined, current: { owner: string; repo: string }): UseCaseRef[] {
  if (!body) return [];
  const refs: UseCaseRef[] = [];
  for (const match of stripCode(body).matchAll(PATTERN)) {
    const [, short, qOwner, qRepo, qNumber, uOwner, uRepo, uNumber] = match;
    let ref: UseCaseRef | undefined;
    if (short) ref = { owner: current.owner, repo: current.repo, number: Number(short) };
    else if (qOwner && qRepo && qNumber) ref = { owner: qOwner, repo: qRepo, number: Number(qNumber) };
    else if (uOwner && uRepo && uNumber) ref = { owner: uOwner, repo: uRepo, number: Number(uNumber) };
    if (!ref || ref.number < 1) continue;
    const key = refKey(ref);
    if (!refs.some((r) => refKey(r) === key)) refs.push(ref);
  }
  return refs;
}

export function refKey(ref: UseCaseRef): string {
  return `${ref.owner}/${ref.repo}#${ref.number}`.toLowerCase();
}
