/**
 * The parameters of one statement being built from fragments: each value gets the next positional parameter (`$n`), so the
 * repositories' fragments (a `VALUES` list, a data-modifying CTE) can be joined into one statement without their
 * numbering colliding. One statement is one round through PGlite's single lock instead of one per row or per table.
 */
export class StatementParameters {
  /** The values in parameter order (`values[0]` is `$1`), as the drivers' `query(sql, params)` takes them. */
  readonly values: unknown[] = [];

  /**
   * The positional parameter (`$n`) of `value`, with its cast.
   * @param cast `'::uuid'`, `'::text[]'` or `''`: a parameter in a `SELECT` list (not a `VALUES` list) needs its
   *   cast for every column that is not text, since Postgres types an unknown output column as text.
   */
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }

  /**
   * A `VALUES` list, `(…), (…)`, of one tuple per row.
   * @param rows one array of values per row, each as long as `casts`.
   * @param casts per column, the cast after its parameter, as in `add`.
   * @throws RangeError when a row's length differs from `casts`'.
   */
  rows(rows: readonly (readonly unknown[])[], casts: readonly string[]): string {
    return rows
      .map((row) => {
        if (row.length !== casts.length)
          throw new RangeError(`row of ${row.length} values, ${casts.length} columns`);
        return `(${row.map((value, i) => this.add(value, casts[i])).join(', ')})`;
      })
      .join(', ');
  }
}
