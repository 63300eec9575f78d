/**
 * Money as people type it in forms and comments: `250,000 EUR`, `€250k`, `1.2M USD`, `EUR 250.000`, `1.5 mio €`.
 * One parser for the intake form and the `/benefit` command. Amounts are in whole currency units with an ISO 4217 code.
 */
export interface Money {
  amount: number;
  currency: string;
}

let isoCodes: Set<string> | undefined;
export function isIsoCurrency(code: string): boolean {
  isoCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return isoCodes.has(code);
}

export function formatMoney(money: Money): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: money.currency, maximumFractionDigits: 0 }).format(money.amount);
}

const SYMBOLS: Record<string, string> = { "€": "EUR", $: "USD", "£": "GBP" };
const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, mn: 1e6, mio: 1e6, b: 1e9, bn: 1e9 };
/** Largest amount accepted: anything above is a typo, not a benefit. */
export const MAX_AMOUNT = 1e12;

export type MoneyParse = { ok: true; money: Money } | { ok: false; problem: string };

const MONEY_PATTERN =
  /^(?<pre>[€$£]|[A-Za-z]{3}(?=[\s\d]))?\s*(?<num>\d[\d.,' ]*?)\s*(?<suffix>k|mn|mio|m|bn|b)?\.?\s*(?<post>[€$£]|[A-Za-z]{3})?$/i;

/**
 * Parse a money amount as people type it: `250k`, `€1.2M`, `250,000 EUR`, `EUR 250000`, `1.5 mio €`, `$3.5m`,
 * `1.250.000 €`, `12,5k`. With no currency the default currency applies.
 * Separators: with both `,` and `.`, the last one is the decimal mark. A lone `,` before exactly three digits groups
 * thousands, otherwise it is a decimal comma. A lone `.` is a decimal point, except that without a k/M/bn suffix
 * a `.` before exactly three digits groups thousands (`250.000 €` is 250,000).
 */
export function parseMoney(text: string, defaultCurrency?: string): MoneyParse {
  const input = text.replace(/[\u00a0\u202f\u2009]/g, " ").trim();
  const bad = (why: string): MoneyParse => ({ ok: false, problem: `cannot read "${text.trim()}" as an amount: ${why}` });
  if (input === "") return { ok: false, problem: "missing amount (e.g. 250k, €1.2M or 250,000 EUR)" };
  if (/^-/.test(input.replace(/^([€$£]|[A-Za-z]{3})\s*/, ""))) return bad("the amount must be positive");
  const match = MONEY_PATTERN.exec(input);
  if (!match?.groups) return bad("expected a number with an optional k/M/bn suffix and currency, e.g. 250k, €1.2M, 250,000 EUR");
  const { pre, num, suffix, post } = match.groups as { pre?: string; num: string; suffix?: string; post?: string };
  const currencies = [pre, post].filter((c): c is string => c !== undefined).map((c) => SYMBOLS[c] ?? c.toUpperCase());
  if (currencies.length === 2 && currencies[0] !== currencies[1]) return bad(`two different currencies (${currencies.join(", ")})`);
  const currency = currencies[0] ?? defaultCurrency;
  if (currency === undefined) return bad("no currency; add an ISO code such as EUR or USD");
  if (!isIsoCurrency(currency)) return bad(`"${currency}" is not an ISO 4217 currency code`);
  const value = parseNumber(num.replace(/[ ']/g, ""), suffix !== undefined);
  if (value === null) return bad("unclear digit grouping (write e.g. 250000, 250,000 or 250k)");
  const amount = Math.round(value * (suffix ? MULTIPLIERS[suffix.toLowerCase()]! : 1) * 100) / 100;
  if (!(amount > 0)) return bad("the amount must be positive");
  if (amount > MAX_AMOUNT) return bad("the amount is implausibly large");
  return { ok: true, money: { amount, currency } };
}

function parseNumber(raw: string, hasSuffix: boolean): number | null {
  const lastComma = raw.lastIndexOf(",");
  const lastDot = raw.lastIndexOf(".");
  let normalized: string;
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? "," : ".";
    const group = decimal === "," ? "." : ",";
    const [whole, fraction, ...rest] = raw.split(decimal);
    if (rest.length > 0 || whole === undefined || fraction === undefined || !/^\d+$/.test(fraction)) return null;
    if (!new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`).test(whole)) return null;
    normalized = `${whole.split(group).join("")}.${fraction}`;
  } else if (lastComma >= 0) {
    if (/^\d{1,3}(,\d{3})+$/.test(raw)) normalized = raw.replace(/,/g, "");
    else if (/^\d+,\d{1,2}$/.test(raw)) normalized = raw.replace(",", ".");
    else return null;
  } else if (lastDot >= 0) {
    if (/^\d{1,3}(\.\d{3}){2,}$/.test(raw) || (!hasSuffix && /^\d{1,3}\.\d{3}$/.test(raw))) normalized = raw.replace(/\./g, "");
    else if (/^\d+\.\d+$/.test(raw)) normalized = raw;
    else return null;
  } else {
    if (!/^\d+$/.test(raw)) return null;
    normalized = raw;
  }
  const value = Number(normalized);
  return Number.isFinite(value) ? value : null;
}
