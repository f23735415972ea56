import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { demoSeedWanted } from "@/lib/seed";

const root = path.resolve(import.meta.dirname, "../..");

describe("npm start in production", () => {
  it("seeds the demo accounts only outside production on the embedded database, or when asked by name", () => {
    expect(demoSeedWanted(undefined, { embedded: true, production: false })).toBe(true);
    expect(demoSeedWanted(undefined, { embedded: true, production: true })).toBe(false);
    expect(demoSeedWanted(undefined, { embedded: false, production: false })).toBe(false);
    expect(demoSeedWanted(true, { embedded: true, production: true })).toBe(true);
    expect(demoSeedWanted(true, { embedded: false, production: true })).toBe(true);
    expect(demoSeedWanted(false, { embedded: true, production: false })).toBe(false);
  });

  it("refuses to start without a session secret before it touches the database or its folder", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "once-start-"));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    await writeFile(path.join(dataDir, "kept"), "--reset must not have run\n");
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATABASE_URL: "" };
    delete env.NEXTAUTH_SECRET;
    delete env.AUTH_SECRET;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=react-server",
        "scripts/start.ts",
        "--data-dir",
        dataDir,
        "--reset",
        "--port",
        "0",
      ],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    onTestFinished(() => void child.kill("SIGKILL"));
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));

    expect(code).toBe(1);
    expect(output).toContain("NEXTAUTH_SECRET (or AUTH_SECRET) must be set when NODE_ENV=production");
    expect(await readdir(dataDir)).toEqual(["kept"]);
    expect(existsSync(path.join(dataDir, "pg"))).toBe(false);
  });
});
