/**
 * Runs once when the server starts. Next.js builds this file for the Edge runtime too, so the Node.js-only
 * work (lib/server-startup.ts) is imported inside the runtime check, as Next.js documents: named outside
 * it, its Node APIs (process.exit) made every build warn.
 */
export async function register() {
  // Read directly: Next.js inlines NEXT_RUNTIME per runtime when it builds this file.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { prepareServer } = await import("@/lib/server-startup");
    prepareServer();
  }
}
