import { z } from "zod";

/** Report, benefits and KPI settings (issue 4). Owned by the report module. */
export const reportSection = z.object({}).strict().prefault({});
