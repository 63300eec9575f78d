/**
 * The hidden marker in every story Converge creates: which use case it belongs to and which criterion it tells.
 * Found again after a crash (created but not attached, or not recorded), it prevents a duplicate. It is trusted only
 * in issues the app authored (src/github/stories.ts checks the author): anyone can paste a marker into an issue.
 */

export interface UseCaseRef {
  owner: string;
  repo: string;
  number: number;
}

export interface StoryMarker {
  useCase: string;
  key: string;
}

export function useCaseId(ref: UseCaseRef): string {
  return `${ref.owner}/${ref.repo}#${ref.number}`.toLowerCase();
}

export function storyMarker(ref: UseCaseRef, key: string): string {
  return `<!-- converge:story use-case=${useCaseId(ref)} criterion=${key} -->`;
}

const MARKER_RE = /<!-- converge:story use-case=([a-z0-9_.-]+\/[a-z0-9_.-]+#\d+) criterion=([0-9a-f]{16}) -->/;

export function readStoryMarker(body: string | null | undefined): StoryMarker | undefined {
  const match = MARKER_RE.exec(body ?? "");
  return match?.[1] && match[2] ? { useCase: match[1], key: match[2] } : undefined;
}
