import type { Kysely } from 'kysely';
import { rollupSumColumns, type RollupSumColumn } from './rollup-deltas.ts';
import type { Database } from './schema.ts';

export interface RollupQuery {
  /** Hours starting at or after `from` and before `to` (epoch ms). */
  from: number;
  to: number;
  /** Only this user's figures; undefined for everyone's. */
  userId?: number;
  apiKeyId?: number;
}

export type RollupSums = Record<RollupSumColumn, number>;

export type RollupGroup = 'hour_start' | 'model' | 'api_key_id';

/** Reads the hourly rollups the log writer keeps, summed by hour, model or key. */
export class RequestRollupsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async sumBy<G extends RollupGroup>(
    group: G,
    query: RollupQuery,
  ): Promise<(RollupSums & { group: G extends 'model' ? string : number })[]> {
    let select = this.db
      .selectFrom('request_rollups')
      .select((eb) => [
        eb.ref(group).as('group'),
        ...rollupSumColumns.map((column) => eb.fn.sum<number | string>(column).as(column)),
      ])
      .where('hour_start', '>=', query.from)
      .where('hour_start', '<', query.to);
    if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
    if (query.apiKeyId !== undefined) select = select.where('api_key_id', '=', query.apiKeyId);
    const rows = await select.groupBy(group).execute();
    // SUM of a bigint comes back as a decimal string from PostgreSQL and MySQL.
    return rows.map((row) => {
      const sums = Object.fromEntries(
        rollupSumColumns.map((column) => [column, Number(row[column] ?? 0)]),
      ) as RollupSums;
      const key = group === 'model' ? String(row.group) : Number(row.group);
      return { ...sums, group: key as G extends 'model' ? string : number };
    });
  }

  /** Names of the keys figures are shown for (deleted keys have none). */
  async keyNames(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name'])
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [Number(row.id), row.name]));
  }
}
