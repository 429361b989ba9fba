/** node-postgres's parameter serialiser (not in @types/pg). */
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): unknown;
}
