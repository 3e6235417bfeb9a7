/**
 * The `VALUES` list of a multi-row statement: `(…), (…)` with numbered placeholders, and the parameters in order, so
 * a session's rows of one kind go to the database in one statement (one round through PGlite's single lock instead of
 * one per row).
 * @param rows one array of values per row, each as long as `casts`.
 * @param casts per column, the cast after its placeholder (`'::uuid'`, `'::text[]'`) or `''`.
 * @param firstParam number of the first placeholder (1 unless parameters come before the list).
 * @throws RangeError when a row's length differs from `casts`'.
 */
export function valuesList(
  rows: readonly (readonly unknown[])[],
  casts: readonly string[],
  firstParam = 1,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    if (row.length !== casts.length)
      throw new RangeError(`row of ${row.length} values, ${casts.length} columns`);
    const placeholders = row.map((value, i) => {
      params.push(value);
      return `$${firstParam + params.length - 1}${casts[i]}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  return { sql: tuples.join(', '), params };
}
