/**
 * The columns a partial update sets: every field the caller gave (undefined means "not
 * given"; null is a value) under its column name. One helper instead of a ladder of
 * `...(input.x !== undefined ? { x: input.x } : {})` per field.
 */
export function patchColumns<Row, Input extends object>(
  input: Input,
  columns: { [K in keyof Input]?: keyof Row },
): Partial<Row> {
  const out: Partial<Row> = {}
  for (const [field, column] of Object.entries(columns) as [keyof Input, keyof Row][]) {
    const value = input[field]
    if (value !== undefined) out[column] = value as Row[keyof Row]
  }
  return out
}
