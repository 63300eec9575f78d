import type { CountingGraphql } from "./client.js";

/**
 * Issue search past GitHub's cap of 1,000 results per query. Results come sorted by creation time; when a query
 * stops at the cap, the next one starts at the creation time of the last issue read (`created:>=`), so no request
 * is spent on counting or bisecting and only the issues created in that same second are read twice (dropped by id).
 * What the search reported but the pages did not deliver is returned as `missing`, for the report to say so.
 */

export interface SearchPage<T> {
  search: { issueCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<T | null> };
}

export interface SearchResult<T> {
  items: T[];
  /** How many matching issues GitHub counted but the fetch could not read (0 when complete). */
  missing: number;
  /** Why, when missing > 0. */
  reason?: string;
}

export async function searchAll<T extends { id: string; createdAt: string }>(
  client: CountingGraphql,
  document: string,
  query: string,
  onPage?: (read: number, total: number) => void,
): Promise<SearchResult<T>> {
  const seen = new Set<string>();
  const items: T[] = [];
  const stuck: string[] = [];
  let total: number | undefined;
  let from: { at: string; strict: boolean } | undefined;
  for (;;) {
    const q = `${query} sort:created-asc${from ? ` created:${from.strict ? ">" : ">="}${from.at}` : ""}`;
    let after: string | null = null;
    let windowCount = 0;
    let windowRead = 0;
    let first: string | undefined;
    let last: string | undefined;
    do {
      const page: SearchPage<T> = await client.query<SearchPage<T>>(document, { q, after });
      if (after === null) windowCount = page.search.issueCount;
      total ??= page.search.issueCount;
      for (const node of page.search.nodes) {
        if (!node || typeof node.id !== "string") continue; // a pull request or an item the token cannot see
        windowRead += 1;
        first ??= node.createdAt;
        last = node.createdAt;
        if (seen.has(node.id)) continue;
        seen.add(node.id);
        items.push(node);
      }
      onPage?.(items.length, total);
      after = page.search.pageInfo.hasNextPage ? page.search.pageInfo.endCursor : null;
    } while (after !== null);
    if (windowRead >= windowCount || last === undefined) break; // this window was read to its end
    const second = last.replace(/\.\d+Z$/, "Z");
    if (first !== undefined && first.replace(/\.\d+Z$/, "Z") === second) {
      // A whole window of issues created in one second: search cannot page past them. Skip that second.
      stuck.push(second);
      from = { at: second, strict: true };
    } else {
      from = { at: second, strict: false };
    }
  }
  if (stuck.length > 0) {
    const missing = Math.max(0, (total ?? 0) - items.length);
    return { items, missing, reason: `more than 1,000 issues were created in the same second (${stuck.join(", ")}); ${missing} could not be read through search` };
  }
  const missing = Math.max(0, (total ?? 0) - items.length);
  return missing > 0 ? { items, missing, reason: `GitHub's search counted ${total} but ${items.length} could be read` } : { items, missing: 0 };
}
