/**
 * Money as people type it in forms and comments: `250,000 EUR`, `€250k`, `1.2M USD`, `$1,5M`, `EUR 250.000`.
 * Returns the amount in whole currency units and an ISO 4217 code.
 */
export interface Money {
  amount: number;
  currency: string;
}

export type MoneyResult = { ok: true; value: Money } | { ok: false; reason: string };

const SYMBOLS: Record<string, string> = { "€": "EUR", "US$": "USD", $: "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "CHF": "CHF" };
const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, mn: 1e6, mio: 1e6, b: 1e9, bn: 1e9 };

let isoCodes: Set<string> | undefined;
export function isIsoCurrency(code: string): boolean {
  isoCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return isoCodes.has(code);
}

export function parseMoney(text: string, defaultCurrency?: string): MoneyResult {
  let rest = text.replace(/\u00a0|\u202f/g, " ").trim();
  if (rest === "") return { ok: false, reason: "is empty" };
  let currency: string | undefined;

  const symbol = Object.keys(SYMBOLS).find((s) => rest.startsWith(s) || rest.endsWith(s));
  if (symbol) {
    currency = SYMBOLS[symbol];
    rest = (rest.startsWith(symbol) ? rest.slice(symbol.length) : rest.slice(0, -symbol.length)).trim();
  }
  const code = /(?:^([A-Za-z]{3})\s+)|(?:\s*([A-Za-z]{3})$)/.exec(rest);
  if (code && !/^\d/.test(code[1] ?? code[2] ?? "") && !(code[2] && /^(?:mio|[kmb]n?)$/i.test(code[2]))) {
    const candidate = (code[1] ?? code[2] ?? "").toUpperCase();
    const remainder = code[1] ? rest.slice(code[0].length) : rest.slice(0, rest.length - code[0].length);
    if (!/\d/.test(remainder)) return { ok: false, reason: "is not an amount" };
    if (!isIsoCurrency(candidate)) return { ok: false, reason: `"${candidate}" is not an ISO 4217 currency code` };
    if (currency && currency !== candidate) return { ok: false, reason: `names two currencies (${currency} and ${candidate})` };
    currency = candidate;
    rest = (code[1] ? rest.slice(code[0].length) : rest.slice(0, rest.length - code[0].length)).trim();
  }

  const match = /^(-?[\d][\d\s.,']*)\s*(mio|mn|bn|[kmb])?\.?$/i.exec(rest);
  if (!match?.[1]) return { ok: false, reason: "is not an amount" };
  const suffix = match[2]?.toLowerCase();
  const amount = parseNumber(match[1].replace(/[\s']/g, ""), suffix !== undefined);
  if (amount === undefined) return { ok: false, reason: `"${match[1].trim()}" is not a number` };
  const value = Math.round(amount * (suffix ? (MULTIPLIERS[suffix] ?? 1) : 1) * 100) / 100;
  if (!(value > 0)) return { ok: false, reason: "must be more than zero" };
  currency ??= defaultCurrency;
  if (!currency) return { ok: false, reason: "has no currency; add an ISO code such as EUR or USD" };
  return { ok: true, value: { amount: value, currency } };
}

/**
 * Decide which of `.` and `,` is the decimal separator. Both present: the last one is. One kind, repeated: it groups
 * thousands. One occurrence followed by exactly three digits and no k/M suffix: thousands (`250,000`, `250.000`);
 * otherwise decimal (`1.2M`, `1,5M`, `12.5`).
 */
function parseNumber(digits: string, hasSuffix: boolean): number | undefined {
  if (!/^-?\d[\d.,]*$/.test(digits)) return undefined;
  const dots = (digits.match(/\./g) ?? []).length;
  const commas = (digits.match(/,/g) ?? []).length;
  let normalized: string;
  if (dots > 0 && commas > 0) {
    const decimal = digits.lastIndexOf(".") > digits.lastIndexOf(",") ? "." : ",";
    const group = decimal === "." ? "," : ".";
    if ((digits.match(decimal === "." ? /\./g : /,/g) ?? []).length > 1) return undefined;
    normalized = digits.split(group).join("").replace(",", ".");
  } else if (dots + commas === 0) {
    normalized = digits;
  } else {
    const sep = dots > 0 ? "." : ",";
    const parts = digits.split(sep);
    const groupsOfThree = parts.slice(1).every((p) => p.length === 3);
    if (parts.length > 2) {
      if (!groupsOfThree) return undefined;
      normalized = parts.join("");
    } else if (groupsOfThree && !hasSuffix) {
      normalized = parts.join("");
    } else {
      normalized = parts.join(".");
    }
  }
  const value = Number(normalized);
  return Number.isFinite(value) ? value : undefined;
}

export function formatMoney(money: Money): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: money.currency, maximumFractionDigits: 0 }).format(money.amount);
}
