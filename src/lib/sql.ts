import { sql, type SQL } from 'drizzle-orm'

/** A text[] parameter (one bound value, safe for any content, empty included). */
export function textArray(values: readonly string[]): SQL {
  return sql`${textArrayLiteral(values)}::text[]`
}

/** The array literal `textArray` binds, for statements written with postgres.js (cast it `::text[]`). */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
}
