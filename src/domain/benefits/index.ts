export { convert, currencySettings, parseMoney, MAX_AMOUNT, type Conversion, type CurrencySettings, type MoneyParse } from "./money.js";
export {
  AT_RISK,
  computeBenefits,
  rollupBenefits,
  phaseShare,
  type BenefitOptions,
  type BenefitRollup,
  type BenefitTotals,
  type InitiativeBenefit,
  type InitiativeFigures,
  type OutlookLookup,
  type UseCaseOutlook,
  type UseCaseRiskStatus,
  type ValueStreamBenefit,
} from "./rollup.js";
export {
  BENEFIT_USAGE,
  mayRecordBenefit,
  parseBenefitCommand,
  realizedRecord,
  type BenefitCommand,
  type RecordDecision,
  type RecordRequest,
} from "./command.js";
export { readLedger, renderLedger, upsertRecord, type LedgerRead } from "./ledger.js";
