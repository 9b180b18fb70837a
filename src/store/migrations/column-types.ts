import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Expression } from 'kysely';
import type { DialectName } from '../open-database.ts';

/** An auto-increment integer primary key, spelled the way each backend wants it. */
export function withIdColumn<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: DialectName,
): CreateTableBuilder<T, 'id'> {
  switch (dialect) {
    case 'postgres':
      return table.addColumn('id', 'bigserial', (column) => column.primaryKey());
    case 'mysql':
      return table.addColumn('id', 'bigint', (column) => column.primaryKey().autoIncrement());
    case 'sqlite':
      return table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
    default: {
      const unreachable: never = dialect;
      throw new Error(`unknown dialect ${String(unreachable)}`);
    }
  }
}

/** MySQL cannot index TEXT without a prefix, so indexed strings are bounded VARCHARs. */
export const shortText = 'varchar(255)';

/**
 * A string compared byte for byte. MySQL's default collation ignores case and trailing spaces,
 * so `Admin` would log in as `admin` there and nowhere else.
 */
export const exactText = (
  dialect: DialectName,
  length: number,
): `varchar(${number})` | Expression<unknown> =>
  dialect === 'mysql'
    ? sql.raw(`varchar(${length}) character set utf8mb4 collate utf8mb4_bin`)
    : `varchar(${length})`;

/** Large text: MySQL's TEXT stops at 64 KiB. */
export const longText = (dialect: DialectName): 'text' | Expression<unknown> =>
  dialect === 'mysql' ? sql`mediumtext` : 'text';

export const notNull = (column: ColumnDefinitionBuilder): ColumnDefinitionBuilder => column.notNull();
