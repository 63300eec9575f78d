import type { Money, PortfolioSnapshot } from "../snapshot/schema.js";

/**
 * Money in the benefits module: one reporting currency and conversion rates into it.
 * A rate says how many units of the reporting currency one unit of the other currency is worth
 * (`{ USD: 0.93 }` when reporting in EUR). A currency with no rate is a problem reported by name, never a NaN.
 */
export interface CurrencySettings {
  reportingCurrency: string;
  rates: Readonly<Record<string, number>>;
}

export type Conversion = { ok: true; amount: number } | { ok: false; problem: string };

export function convert(money: Money, settings: CurrencySettings): Conversion {
  if (!Number.isFinite(money.amount)) return { ok: false, problem: `amount ${String(money.amount)} is not a number` };
  if (money.currency === settings.reportingCurrency) return { ok: true, amount: money.amount };
  const rate = settings.rates[money.currency];
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0) {
    return {
      ok: false,
      problem: `no conversion rate from ${money.currency} to ${settings.reportingCurrency} (add report.rates.${money.currency} to the config)`,
    };
  }
  return { ok: true, amount: money.amount * rate };
}

/**
 * The currency settings a report uses: the config's reporting currency, and the snapshot's rates (recorded when it
 * was built) overridden by the config's. Rates given for the reporting currency itself are ignored (it is always 1).
 */
export function currencySettings(
  snapshot: Pick<PortfolioSnapshot, "program">,
  config: { reportingCurrency: string; rates: Readonly<Record<string, number>> },
): CurrencySettings {
  const rates: Record<string, number> = {};
  if (snapshot.program.reportingCurrency === config.reportingCurrency) Object.assign(rates, snapshot.program.rates ?? {});
  Object.assign(rates, config.rates);
  delete rates[config.reportingCurrency];
  return { reportingCurrency: config.reportingCurrency, rates };
}

// Parsing lives with the other value types (forms use it too); re-exported for the benefits API.
export { parseMoney, MAX_AMOUNT, type MoneyParse } from "../values/money.js";
