/**
 * prisma/schema.prisma (what the client believes) and prisma/migrations (what the database has) are
 * written by hand, because Prisma's migrate engine cannot run on this project's machines. This suite
 * proves they agree: it reads the schema file and compares every model, column, type, nullability,
 * default, key, index, foreign key and enum with the migrated database's catalogue, both ways.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { freshDatabase, type TestDatabase } from "./helpers";

interface Field {
  column: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  attributes: string;
}

interface Model {
  name: string;
  table: string;
  fields: Map<string, Field>;
  primaryKey: string[];
  uniques: string[][];
  indexes: string[][];
  foreignKeys: { columns: string[]; table: string; references: string[]; onDelete: string }[];
}

const SCALARS: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp with time zone",
  Json: "jsonb",
};

function parseSchema(source: string) {
  const blocks = [...source.matchAll(/^(model|enum) (\w+) \{\n([\s\S]*?)^\}/gm)];
  const enums = new Map(
    blocks
      .filter((b) => b[1] === "enum")
      .map((b) => [
        b[2]!,
        b[3]!
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith("//")),
      ]),
  );
  const modelNames = new Set(blocks.filter((b) => b[1] === "model").map((b) => b[2]!));
  const models: Model[] = [];
  for (const [, kind, name, body] of blocks) {
    if (kind !== "model") continue;
    const lines = body!
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("//"));
    const model: Model = {
      name: name!,
      table: /@@map\("(\w+)"\)/.exec(body!)?.[1] ?? name!,
      fields: new Map(),
      primaryKey: [],
      uniques: [],
      indexes: [],
      foreignKeys: [],
    };
    const columnOf = (field: string) => model.fields.get(field)?.column ?? field;
    const list = (text: string) =>
      text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    const relations: string[] = [];
    for (const line of lines) {
      if (line.startsWith("@@")) continue;
      const [fieldName, rawType, ...rest] = line.split(/\s+/);
      const attributes = rest.join(" ");
      const type = rawType!.replace(/[?[\]]/g, "");
      if (modelNames.has(type)) {
        if (attributes.includes("fields:")) relations.push(`${type} ${attributes}`);
        continue;
      }
      const scalar = enums.has(type) ? type : attributes.includes("@db.Uuid") ? "uuid" : SCALARS[type]!;
      // A list is a PostgreSQL array of its element type (read as `<element>[]` from the catalogue below).
      const sqlType = rawType!.endsWith("[]") ? `${scalar}[]` : scalar;
      model.fields.set(fieldName!, {
        column: /@map\("(\w+)"\)/.exec(attributes)?.[1] ?? fieldName!,
        type: sqlType,
        nullable: rawType!.endsWith("?"),
        hasDefault: attributes.includes("@default("),
        attributes,
      });
      if (attributes.includes("@id")) model.primaryKey = [columnOf(fieldName!)];
      if (/@unique\b/.test(attributes)) model.uniques.push([columnOf(fieldName!)]);
    }
    for (const [, attr, fields] of body!.matchAll(/@@(id|unique|index)\(\[([^\]]+)\]/g)) {
      const columns = list(fields!).map(columnOf);
      if (attr === "id") model.primaryKey = columns;
      else (attr === "unique" ? model.uniques : model.indexes).push(columns);
    }
    for (const relation of relations) {
      const [target] = relation.split(" ");
      const fields = /fields: \[([^\]]+)\]/.exec(relation)![1]!;
      const references = /references: \[([^\]]+)\]/.exec(relation)![1]!;
      const optional = list(fields).some((f) => model.fields.get(f)?.nullable);
      model.foreignKeys.push({
        columns: list(fields).map(columnOf),
        table: target!,
        references: list(references),
        onDelete: /onDelete: (\w+)/.exec(relation)?.[1] ?? (optional ? "SetNull" : "Restrict"),
      });
    }
    models.push(model);
  }
  for (const model of models) {
    for (const fk of model.foreignKeys) {
      const target = models.find((m) => m.name === fk.table)!;
      fk.table = target.table;
      fk.references = fk.references.map((f) => target.fields.get(f)!.column);
    }
  }
  return { models, enums };
}

const RULES: Record<string, string> = {
  CASCADE: "Cascade",
  RESTRICT: "Restrict",
  "SET NULL": "SetNull",
  "NO ACTION": "NoAction",
};

let test: TestDatabase;
let db: Db;
let schema: ReturnType<typeof parseSchema>;
beforeAll(async () => {
  test = await freshDatabase(2);
  db = test.db;
  schema = parseSchema(await readFile(path.resolve(import.meta.dirname, "../prisma/schema.prisma"), "utf8"));
});
afterAll(() => test.drop());

describe("schema.prisma and the migrations agree", () => {
  it("has the same tables, both ways", async () => {
    const tables = await db.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`;
    expect(tables.map((t) => t.table_name).sort()).toEqual(schema.models.map((m) => m.table).sort());
  });

  it("has the same columns with the same types, nullability and defaults, both ways", async () => {
    const columns = await db.$queryRaw<
      {
        table_name: string;
        column_name: string;
        type: string;
        nullable: boolean;
        has_default: boolean;
        precision: number | null;
      }[]
    >`
      SELECT table_name, column_name,
             CASE data_type WHEN 'USER-DEFINED' THEN udt_name
               WHEN 'ARRAY' THEN (SELECT e.typname FROM pg_type a JOIN pg_type e ON e.oid = a.typelem WHERE a.typname = udt_name) || '[]'
               ELSE data_type END AS type,
             is_nullable = 'YES' AS nullable, column_default IS NOT NULL AS has_default, datetime_precision AS precision
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`;
    const actual = columns.map(
      (c) =>
        `${c.table_name}.${c.column_name} ${c.type}${c.precision !== null && c.type.startsWith("timestamp") ? `(${c.precision})` : ""}${c.nullable ? " null" : ""}${c.has_default ? " default" : ""}`,
    );
    const expected = schema.models.flatMap((m) =>
      [...m.fields.values()].map((f) => {
        const precision = f.type.startsWith("timestamp")
          ? `(${/@db\.Timestamptz\((\d)\)/.exec(f.attributes)?.[1] ?? 3})`
          : "";
        return `${m.table}.${f.column} ${f.type}${precision}${f.nullable ? " null" : ""}${f.hasDefault ? " default" : ""}`;
      }),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("has the same primary keys, unique constraints and indexes", async () => {
    const indexes = await db.$queryRaw<
      { table: string; columns: string[]; is_unique: boolean; is_primary: boolean; partial: boolean }[]
    >`
      SELECT t.relname AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS columns, i.indisunique AS is_unique,
             i.indisprimary AS is_primary, i.indpred IS NOT NULL AS partial
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE t.relname <> '_prisma_migrations'
      GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary, i.indpred`;
    const describe = (table: string, kind: string, columns: string[]) => `${table} ${kind} (${columns.join(", ")})`;
    const actual = indexes
      .filter((i) => !i.partial)
      .map((i) => describe(i.table, i.is_primary ? "primary" : i.is_unique ? "unique" : "index", i.columns));
    const expected = schema.models.flatMap((m) => [
      describe(m.table, "primary", m.primaryKey),
      ...m.uniques.map((u) => describe(m.table, "unique", u)),
      ...m.indexes.map((i) => describe(m.table, "index", i)),
    ]);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("has the same foreign keys with the same delete rules", async () => {
    const keys = await db.$queryRaw<
      { table: string; columns: string[]; target: string; references: string[]; rule: string }[]
    >`
      SELECT tc.table_name AS table, array_agg(DISTINCT kcu.column_name)::text[] AS columns, ccu.table_name AS target,
             array_agg(DISTINCT ccu.column_name)::text[] AS references, rc.delete_rule AS rule
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
      JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
      JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
      GROUP BY tc.table_name, tc.constraint_name, ccu.table_name, rc.delete_rule`;
    const actual = keys.map(
      (k) =>
        `${k.table}(${k.columns.sort().join(",")}) -> ${k.target}(${k.references.sort().join(",")}) on delete ${RULES[k.rule]}`,
    );
    const expected = schema.models.flatMap((m) =>
      m.foreignKeys.map(
        (fk) =>
          `${m.table}(${[...fk.columns].sort().join(",")}) -> ${fk.table}(${[...fk.references].sort().join(",")}) on delete ${fk.onDelete}`,
      ),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("has the same enums with the same values in the same order", async () => {
    const rows = await db.$queryRaw<{ name: string; labels: string[] }[]>`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`;
    expect(Object.fromEntries(rows.map((r) => [r.name, r.labels]))).toEqual(Object.fromEntries(schema.enums));
  });
});
