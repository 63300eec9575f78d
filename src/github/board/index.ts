export { syncBoard, type BoardSyncResult, type SyncBoardOptions } from "./sync.js";
export { explainBoardError, type BoardProblem } from "./errors.js";
