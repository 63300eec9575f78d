/**
 * Reading a coverage percentage out of a check run's title/summary or a commit status's description, with the
 * configured pattern (`report.coverage.pattern`, case-insensitive; its first capture group is the number).
 * The GitHub layer calls this for the default branch's latest check; a text without a plausible percentage gives null.
 */
export function coverageFromText(text: string | null | undefined, pattern: string): number | null {
  if (!text) return null;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, "i");
  } catch {
    return null;
  }
  const match = regex.exec(text.slice(0, 10_000));
  const raw = match?.[1];
  if (raw === undefined) return null;
  const value = Number(raw.replace(",", "."));
  return Number.isFinite(value) && value >= 0 && value <= 100 ? value : null;
}
