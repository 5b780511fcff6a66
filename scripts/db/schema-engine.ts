import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import * as engineModule from "@prisma/schema-engine-wasm/schema_engine_bg";

// Prisma's schema engine compiled to WebAssembly: the same diffing code the
// `prisma migrate dev` native engine runs, without its download.

const NO_FILTER = { externalTables: [], externalEnums: [] };

let loaded: Promise<typeof engineModule> | undefined;

// The package's entry point imports its .wasm as an ES module, which Node
// cannot do; wire the glue module to a manually instantiated instance instead.
// The glue holds one instance per process, hence once.
function loadEngine(): Promise<typeof engineModule> {
  loaded ??= instantiate();
  return loaded;
}

async function instantiate(): Promise<typeof engineModule> {
  // createRequire rather than import.meta.resolve, which vitest's module runner lacks.
  const glue = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const { instance } = await WebAssembly.instantiate(
    await readFile(join(dirname(glue), "schema_engine_bg.wasm")),
    {
      "./schema_engine_bg.js": engineModule as unknown as WebAssembly.ModuleImports,
    },
  );
  const exports = instance.exports as WebAssembly.Exports & { __wbindgen_start: () => void };
  engineModule.__wbg_set_wasm(exports);
  exports.__wbindgen_start();
  return engineModule;
}

// The engine insists on a database connection when it starts, though a
// schema-to-schema diff never uses one. This adapter answers the one probe it
// sends (schema exists? server version?) as PostgreSQL 15, the version we run,
// and refuses anything else so a real database access cannot pass unnoticed.
function offlineAdapter(): SqlMigrationAwareDriverAdapterFactory {
  const refuse = (what: string): Promise<never> =>
    Promise.reject(new Error(`The offline schema engine has no database; it was asked to ${what}.`));
  const adapter: SqlDriverAdapter = {
    provider: "postgres",
    adapterName: "tally-offline",
    async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      if (!query.sql.includes("server_version_num")) return refuse(`run: ${query.sql}`);
      return {
        columnNames: ["exists", "version", "numeric_version"],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, "PostgreSQL 15.0", 150000]],
      };
    },
    executeRaw: (query) => refuse(`run: ${query.sql}`),
    executeScript: () => refuse("run a script"),
    startTransaction: () => refuse("start a transaction"),
    dispose: async () => {},
  };
  return {
    provider: "postgres",
    adapterName: "tally-offline",
    connect: async () => adapter,
    connectToShadowDb: () => refuse("create a shadow database"),
  };
}

export interface SchemaFile {
  path: string;
  content: string;
}

// Returns the SQL that takes a database from `from` (null: empty) to `to`, or
// null when the two schemas need no migration.
export async function diffSchemas(from: SchemaFile | null, to: SchemaFile): Promise<string | null> {
  const { SchemaEngine } = await loadEngine();
  const engine = await SchemaEngine.new(
    { datamodels: [[to.path, to.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(offlineAdapter()),
  );
  try {
    const result = await engine.diff({
      from: from ? { tag: "schemaDatamodel", files: [from] } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [to] },
      script: true,
      // Exit code 2 is the engine's own "the diff is not empty" signal.
      exitCode: true,
      filters: NO_FILTER,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : null;
  } finally {
    engine.free();
  }
}
