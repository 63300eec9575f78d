/** Issue references as people write them: `#12`, `org/repo#12`, or an issue URL (github.com or a GHES host). */
export interface IssueReference {
  owner: string;
  repo: string;
  number: number;
}

export type ReferenceParse = { references: IssueReference[]; invalid: string[] };

const SHORT = /^#(\d+)$/;
const QUALIFIED = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})#(\d+)$/;
const URL_RE = /^https?:\/\/[^/\s]+\/([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})\/issues\/(\d+)(?:[/?#].*)?$/;

export function parseReference(token: string, current: { owner: string; repo: string }): IssueReference | undefined {
  const text = token.trim().replace(/^<|>$/g, "");
  const short = SHORT.exec(text);
  if (short?.[1]) return { owner: current.owner, repo: current.repo, number: Number(short[1]) };
  const qualified = QUALIFIED.exec(text) ?? URL_RE.exec(text);
  if (qualified?.[1] && qualified[2] && qualified[3]) return { owner: qualified[1], repo: qualified[2], number: Number(qualified[3]) };
  return undefined;
}

/** Split a free-text list (commas, new lines, bullets) into references; anything unreadable is returned as invalid. */
export function parseReferenceList(text: string, current: { owner: string; repo: string }): ReferenceParse {
  const references: IssueReference[] = [];
  const invalid: string[] = [];
  // Segments are separated by commas, semicolons or new lines; within a segment, spaces may separate references too.
  for (const rawSegment of text.split(/[,;\n]+/)) {
    const segment = rawSegment.replace(/^\s*(?:[-*+]\s+)?(?:\[[ xX]\]\s+)?/, "").trim();
    if (segment === "") continue;
    const parsed = segment.split(/\s+/).map((token) => parseReference(token, current));
    if (parsed.some((ref) => ref === undefined || ref.number < 1)) {
      invalid.push(segment);
      continue;
    }
    for (const ref of parsed as IssueReference[]) {
      if (!references.some((r) => sameReference(r, ref))) references.push(ref);
    }
  }
  return { references, invalid };
}

export function sameReference(a: IssueReference, b: IssueReference): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase() && a.number === b.number;
}

export function formatReference(ref: IssueReference): string {
  return `${ref.owner}/${ref.repo}#${ref.number}`;
}

export function referenceKey(ref: IssueReference): string {
  return formatReference(ref).toLowerCase();
}
