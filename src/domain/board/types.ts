/**
 * The program board as the pure board logic sees it: fields and items with values normalised to one comparable
 * primitive per field type (text and single-select option by name, number, date `YYYY-MM-DD`, iteration by title).
 * src/github/board reads GitHub's ProjectV2 shapes into these and writes the plan back.
 */

export type FieldDataType = "TEXT" | "NUMBER" | "DATE" | "SINGLE_SELECT" | "ITERATION";

/** A value as compared: option names and iteration titles stand for their ids. null = empty. */
export type BoardValue = string | number | null;

export interface BoardField {
  id: string;
  name: string;
  /** OTHER: GitHub's built-in fields (Title, Assignees, Labels, …) and types Converge never writes. */
  dataType: FieldDataType | "OTHER";
  /** Single-select options. */
  options?: ReadonlyArray<{ id: string; name: string }>;
  /** Iterations (active and completed). */
  iterations?: ReadonlyArray<{ id: string; title: string; startDate: string; duration: number }>;
}

export interface BoardItem {
  id: string;
  /** `owner/repo#number` of the issue on the item, null for drafts and pull requests we do not manage. */
  contentKey: string | null;
  /** Values by field name (fields without a value are absent). */
  values: Readonly<Record<string, BoardValue>>;
}

export type SelectColor = "GRAY" | "BLUE" | "GREEN" | "YELLOW" | "ORANGE" | "RED" | "PINK" | "PURPLE";

/** A field Converge owns: it creates it when missing and is the only writer of its values on board items. */
export interface OwnedFieldSpec {
  name: string;
  dataType: Exclude<FieldDataType, "ITERATION">;
  /** For SINGLE_SELECT: the options Converge creates the field with. */
  options?: ReadonlyArray<{ name: string; color: SelectColor; description: string }>;
  /** Written by the webhook recorder (history), not by the sync: the sync creates them but leaves values alone. */
  recorded?: boolean;
}
