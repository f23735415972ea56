/**
 * `npm run api-keys -- <command>`: the operator's API keys (lib/api-keys.ts), on DATABASE_URL or the
 * data folder's embedded PostgreSQL, also while `npm start` serves it (scripts/tool-database.ts).
 *   create --name NAME --scopes redeem,checkout   prints the new key's secret on its last line
 *   list                                          every key: id, prefix, name, scopes, last use, state
 *   revoke ID                                     refused from the next request on, on every instance
 * Exits 1 when the database refuses (invalid name or scopes, unknown key), 2 on a usage mistake.
 */
import { parseArgs } from "node:util";
import { API_SCOPES, createApiKey, listApiKeys, revokeApiKey } from "../lib/api-keys";
import { createDb } from "../lib/db/client";
import { toolDatabase } from "./tool-database";

const USAGE = `Usage:
  npm run api-keys -- create --name NAME --scopes ${API_SCOPES.join(",")}
  npm run api-keys -- list
  npm run api-keys -- revoke KEY_ID`;

const { values, positionals } = parseArgs({
  options: { name: { type: "string" }, scopes: { type: "string" }, help: { type: "boolean" } },
  allowPositionals: true,
  strict: false,
});
const [command, target] = positionals;
if (values.help || !["create", "list", "revoke"].includes(command ?? "") || (command === "revoke" && !target)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const database = await toolDatabase();
const db = createDb(database.url, { max: 2 });
try {
  if (command === "create") {
    const scopes = String(values.scopes ?? "")
      .split(",")
      .map((scope) => scope.trim())
      .filter(Boolean);
    const created = await createApiKey(db, { name: String(values.name ?? ""), scopes: scopes as never }, null);
    if (!created.ok) {
      console.error(created.reason === "busy" ? "The database is busy; nothing was created." : created.message);
      process.exitCode = 1;
    } else {
      const { id, prefix, name } = created.key;
      console.log(`Created API key "${name}" (${prefix}, id ${id}) with ${created.key.scopes.join(", ")}.`);
      console.log("Its secret follows; it is not shown again (only its hash is stored):");
      console.log(created.secret);
    }
  } else if (command === "list") {
    const keys = await listApiKeys(db);
    if (keys.length === 0) console.log("No API keys.");
    for (const key of keys) {
      const used = key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString()}` : "never used";
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "live";
      console.log(`${key.id}  ${key.prefix}  ${JSON.stringify(key.name)}  ${key.scopes.join(",")}  ${used}  ${state}`);
    }
  } else {
    const revoked = await revokeApiKey(db, target!, null);
    if (revoked.ok) console.log(`Revoked API key "${revoked.key.name}" (${revoked.key.prefix}).`);
    else {
      const why = { not_found: "No API key has that id.", already_revoked: "That key was already revoked." };
      console.error(revoked.reason === "busy" ? "The database is busy; nothing changed." : why[revoked.reason]);
      process.exitCode = 1;
    }
  }
} finally {
  await db.$disconnect();
  await database.embedded?.stop();
}
