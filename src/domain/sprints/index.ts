export { SquadResolver, repoSquadId, teamSlug, type SquadFacts } from "./squads.js";
export { iterationSprint, milestoneSprint, milestoneDueDay, isMilestoneSprintTitle, SprintList, type IterationValue, type MilestoneValue } from "./model.js";
export { detectCarryOver, type MilestoneEvent, type StorySprintFacts } from "./carry-over.js";
