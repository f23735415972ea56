import path from "node:path";
import { type Database, prepareDatabase } from "../lib/db/bootstrap";

/**
 * The database a command-line tool works on: DATABASE_URL when set; else the embedded PostgreSQL of
 * the data folder (`dataDir`, default ONCE_DATA_DIR or .data). When `npm start` runs on that folder the
 * tool joins its server; when nothing runs, it starts one (durable, as the app's) and stops it at the end.
 */
export function toolDatabase(dataDir = process.env.ONCE_DATA_DIR ?? ".data"): Promise<Database> {
  return prepareDatabase({ dataDir: path.resolve(import.meta.dirname, "..", dataDir), joinRunning: true });
}
