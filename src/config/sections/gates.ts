import { z } from "zod";

/** Governance gate settings (issue 3). Owned by the gates module. */
export const gatesSection = z.object({}).strict().prefault({});
