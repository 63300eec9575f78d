export { buildReport, defaultEngines, resolveNow, type BuildOptions } from "./build.js";
export { renderMarkdown, renderHeadline, BODY_LIMIT, type MarkdownReport } from "./markdown.js";
export { renderHtml, type HtmlOptions } from "./html.js";
export { renderJson } from "./json.js";
export { extractSummary, parseSummary, encodeSummary, reportSummarySchema, type ReportSummary } from "./summary.js";
export type { ReportModel } from "./model.js";
export type { ReportEngines } from "./engines.js";
export { buildReportWithHistory } from "./history.js";
