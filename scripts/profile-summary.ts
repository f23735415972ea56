/**
 * `npx tsx scripts/profile-summary.ts <file.cpuprofile> [--from µs --to µs] [--requests N] [--top 25]`
 *
 * Where a V8 CPU profile (`node --cpu-prof`, or `npm run bench:http -- --profile`) spent its time, as
 * Markdown tables: by component (Prisma's query compiler, its plan interpreter, the pg driver, zod,
 * the session, Next.js, React, Node's core, GC…) and by function, each with self and total shares of
 * the busy (non-idle) samples. Minified bundles are mapped back through their source maps, so Prisma's
 * runtime shows its own module names. `--from/--to` keep only samples inside a window of the monotonic
 * clock (process.hrtime in µs, which is what the profile's timestamps use); `--requests` adds the CPU
 * time per request. "Total" counts a sample once for every component on its stack, so it includes the
 * callees; after an `await` the stack restarts in the microtask queue, so async callers get only their
 * synchronous part.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: "string" },
    to: { type: "string" },
    requests: { type: "string" },
    top: { type: "string", default: "25" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: tsx scripts/profile-summary.ts <file.cpuprofile> [--from µs --to µs] [--requests N]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile;
const from = values.from ? Number(values.from) : -Infinity;
const to = values.to ? Number(values.to) : Infinity;

const prisma = (url: string) => url.includes("/@prisma/client/");

/** Components, first match wins: [label, test on the frame's URL and its source-mapped original file]. */
const COMPONENTS: [string, (url: string, source: string) => boolean][] = [
  ["Prisma: query compiler (Wasm)", (url) => url.startsWith("wasm://") || url.includes("query_compiler_")],
  [
    "Prisma: plan-cache key (parameterize)",
    (url, s) => prisma(url) && /parameterization\/|param-graph\/|query-plan-cache/.test(s),
  ],
  [
    "Prisma: plan interpreter + result mapping",
    (url, s) => prisma(url) && s.includes("client-engine-runtime/src/interpreter/"),
  ],
  ["Prisma: transaction manager", (url, s) => prisma(url) && s.includes("transaction-manager/")],
  [
    "Prisma: building the request (proxies, args, JSON protocol)",
    (url, s) =>
      prisma(url) &&
      /jsonProtocol\/|compositeProxy\/|core\/model\/|extensions\/|core\/request\/|RequestHandler|deepCloneArgs/.test(s),
  ],
  ["Prisma: client runtime (other)", (url) => prisma(url)],
  ["@prisma/adapter-pg", (url) => url.includes("/@prisma/adapter-pg/")],
  [
    "pg driver (pg, pg-protocol, pg-pool, pg-types)",
    (url) => /\/node_modules\/(pg|pg-[a-z]+|postgres-[a-z]+)\//.test(url),
  ],
  ["zod", (url, s) => /node_modules\/zod\//.test(url + s)],
  [
    "session (next-auth, jose, @panva/hkdf)",
    (url, s) => /node_modules\/(next-auth|jose|@panva|openid-client)\//.test(url + s),
  ],
  [
    "React (react, react-dom, react-server-dom)",
    (url, s) => /node_modules\/(react|react-dom|scheduler)\/|react-server-dom/.test(url + s),
  ],
  ["Next.js server", (url, s) => /node_modules\/next\//.test(url + s)],
  [
    "autocannon (load generator)",
    (url) => /node_modules\/(autocannon|hdr-histogram|reinterval|http-parser-js)/.test(url),
  ],
  ["tsx loader", (url) => url.includes("/node_modules/tsx/")],
  ["Once: generated Prisma client", (url, s) => /lib\/generated\//.test(s || url)],
  ["Once: lib/", (url, s) => /(^|\/)lib\//.test(s || url)],
  ["Once: app/", (url, s) => /(^|\/)app\//.test(s || url)],
  ["Once: scripts/", (url, s) => /(^|\/)scripts\//.test(s || url)],
];

const maps = new Map<string, SourceMap | null>();
function sourceMapFor(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    if (url.startsWith("file://")) {
      const file = fileURLToPath(url);
      const code = readFileSync(file, "utf8");
      const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
      const candidate = named && !named.startsWith("data:") ? path.resolve(path.dirname(file), named) : `${file}.map`;
      if (existsSync(candidate)) map = new SourceMap(JSON.parse(readFileSync(candidate, "utf8")));
    }
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface Frame {
  component: string;
  label: string;
}
function describe(frame: CallFrame): Frame {
  const { functionName } = frame;
  const url = decoded(frame.url);
  if (functionName === "(garbage collector)") return { component: "GC", label: "(garbage collector)" };
  if (functionName === "(program)") return { component: "(program: native code, V8)", label: "(program)" };
  if (functionName === "(idle)" || functionName === "(root)") return { component: functionName, label: functionName };
  const entry = (url ? sourceMapFor(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) : undefined) as
    { originalSource?: string; originalLine?: number; name?: string } | undefined;
  const source = decoded(entry?.originalSource ?? "").replace(/^(\.\.\/)+/, "");
  const name = entry?.name || functionName || "(anonymous)";
  const where = source
    ? `${source}:${(entry?.originalLine ?? 0) + 1}`
    : url
      ? `${url.replace(/^file:\/\/.*node_modules\//, "").replace(/^file:\/\/\/work\/[^/]+\/[^/]+\//, "")}:${frame.lineNumber + 1}`
      : "";
  let component = COMPONENTS.find(([, test]) => test(url, source))?.[0];
  if (!component && url.startsWith("node:")) component = `Node core: ${url.slice(5).split("/").slice(0, 2).join("/")}`;
  if (!component) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url + "/" + source)?.[1];
    component = pkg ?? (url ? "other" : "(native / builtins)");
  }
  return { component, label: `${name} ${where}`.trim() };
}

const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const frames = new Map(profile.nodes.map((n) => [n.id, describe(n.callFrame)]));

interface OnStack {
  components: Set<string>;
  labels: Set<string>;
}
const stackKeys = new Map<number, OnStack>();
function onStack(id: number): OnStack {
  let known = stackKeys.get(id);
  if (known) return known;
  const up: OnStack = parent.has(id)
    ? onStack(parent.get(id)!)
    : { components: new Set<string>(), labels: new Set<string>() };
  const frame = frames.get(id)!;
  known = {
    components: new Set<string>(up.components).add(frame.component),
    labels: new Set<string>(up.labels).add(`${frame.component}\u0000${frame.label}`),
  };
  stackKeys.set(id, known);
  return known;
}

const selfBy = new Map<string, number>();
const totalBy = new Map<string, number>();
const selfFn = new Map<string, number>();
const totalFn = new Map<string, number>();
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
let busyUs = 0;
let idleUs = 0;
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  if (t < from || t > to) continue;
  const id = profile.samples[i]!;
  const frame = frames.get(id)!;
  if (frame.component === "(idle)") {
    idleUs += delta;
    continue;
  }
  busyUs += delta;
  add(selfBy, frame.component, delta);
  add(selfFn, `${frame.component}\u0000${frame.label}`, delta);
  const stack = onStack(id);
  for (const c of stack.components) if (c !== "(root)") add(totalBy, c, delta);
  for (const l of stack.labels) if (!l.startsWith("(root)")) add(totalFn, l, delta);
}

const requests = values.requests ? Number(values.requests) : 0;
const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1)}`;
const perRequest = (us: number) => (requests ? ` | ${(us / requests / 1000).toFixed(2)}` : "");
const perHeader = requests ? " | self ms/request" : "";
const perAlign = requests ? " | ---:" : "";
const windowSeconds = (busyUs + idleUs) / 1e6;

console.log(
  `Profile ${path.basename(positionals[0]!)}: ${windowSeconds.toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy (${((100 * busyUs) / (busyUs + idleUs)).toFixed(0)}% of one core)${requests ? `, ${requests} requests: ${(busyUs / requests / 1000).toFixed(2)} ms of CPU each` : ""}.\n`,
);
console.log(`| component | self % | total %${perHeader} |\n| --- | ---: | ---:${perAlign} |`);
for (const [component, self] of [...selfBy].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${component} | ${pct(self)} | ${pct(totalBy.get(component) ?? self)}${perRequest(self)} |`);
}
const top = Number(values.top);
console.log(`\n| function (source) | component | self % | total % |\n| --- | --- | ---: | ---: |`);
for (const [key, self] of [...selfFn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [component, label] = key.split("\u0000");
  console.log(`| ${label} | ${component} | ${pct(self)} | ${pct(totalFn.get(key) ?? self)} |`);
}
console.log(`\n| function, by total (source) | component | self % | total % |\n| --- | --- | ---: | ---: |`);
for (const [key, total] of [...totalFn].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [component, label] = key.split("\u0000");
  console.log(`| ${label} | ${component} | ${pct(selfFn.get(key) ?? 0)} | ${pct(total)} |`);
}
