/**
 * Times in raw SQL travel as epoch milliseconds: the columns are `timestamp(3)` holding UTC
 * (Prisma's convention), and neither driver's parsing of a zone-less timestamp can be trusted to
 * say UTC. These build the SQL on each side of that convention.
 */

/** `"column"` read as epoch ms (float8), named `<column>Ms`. */
export const epochMsOf = (column: string) =>
  `(EXTRACT(EPOCH FROM "${column}") * 1000)::float8 AS "${column}Ms"`;

/** An epoch-ms expression (a parameter or a column) as a UTC `timestamp`. */
export const timestampFromMs = (expression: string) =>
  `(to_timestamp(${expression} / 1000.0) AT TIME ZONE 'UTC')`;
