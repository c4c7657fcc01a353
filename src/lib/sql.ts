import { sql, type SQL } from 'drizzle-orm'

/** A text[] parameter (one bound value, safe for any content, empty included). */
export function textArray(values: readonly string[]): SQL {
  const literal = `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
  return sql`${literal}::text[]`
}
