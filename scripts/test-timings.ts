/**
 * `npm run test:timings`: the timing table of a suite run, from the reports Vitest and Playwright write
 * themselves (their JSON reporters), so where the minutes go is measured, never guessed.
 *
 *   npm run test:timings -- [--vitest vitest.json] --playwright pw.json [--steps steps.txt]
 *     [--before-vitest old.json --before-playwright old-pw.json --before-steps old.txt] [--out docs/test-timings.md]
 *     [--note "how the runs were made"]
 *
 * --steps: a file with lines "name: N s" (a timed CI log's steps: npm ci, typecheck, lint, …). The
 * --before-… reports add a "before" column to every table. --before-doc takes that column from an earlier
 * table this script wrote instead (its "before (s)" column, else its "seconds"), so a baseline outlives
 * the reports it was made from.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    vitest: { type: "string" },
    playwright: { type: "string" },
    steps: { type: "string" },
    "before-vitest": { type: "string" },
    "before-playwright": { type: "string" },
    "before-steps": { type: "string" },
    "before-doc": { type: "string" },
    out: { type: "string" },
    /** Where and how the runs were made (machine, load), printed under the title. */
    note: { type: "string" },
  },
});

/** One row of a table: a file (or step), its tests, its wall time and its slowest test. */
interface Row {
  name: string;
  tests: number;
  seconds: number;
  slowest?: { title: string; seconds: number };
}

interface Run {
  /** Per step ("npm ci", "typecheck", …, "playwright: build and server start"), seconds. */
  steps: Row[];
  /** Null when the run measured Playwright only. */
  vitest: Row[] | null;
  playwright: Row[];
}

interface VitestReport {
  startTime: number;
  testResults: {
    name: string;
    startTime: number;
    endTime: number;
    assertionResults: { fullName: string; duration: number | null }[];
  }[];
}

interface PlaywrightSuite {
  title: string;
  file: string;
  specs: {
    title: string;
    tests: { results: { startTime: string; duration: number; parallelIndex: number }[] }[];
  }[];
  suites?: PlaywrightSuite[];
}

interface PlaywrightReport {
  stats: { startTime: string; duration: number };
  suites: PlaywrightSuite[];
}

const root = path.resolve(import.meta.dirname, "..");
const seconds = (ms: number) => ms / 1000;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function vitestRows(report: VitestReport): Row[] {
  return report.testResults.map((file) => {
    const slowest = [...file.assertionResults].sort((a, b) => (b.duration ?? 0) - (a.duration ?? 0))[0];
    return {
      // Vitest reports absolute paths; the table names files as the repository does.
      name: file.name.slice(file.name.lastIndexOf("/test/") + 1),
      tests: file.assertionResults.length,
      seconds: seconds(file.endTime - file.startTime),
      slowest: slowest && { title: slowest.fullName, seconds: seconds(slowest.duration ?? 0) },
    };
  });
}

interface PlaywrightResult {
  file: string;
  title: string;
  lane: number;
  start: number;
  ms: number;
}

/** Each test's results (retries included) with its file and title, from a spec file's nested suites. */
function playwrightResults(suite: PlaywrightSuite, file: string, prefix: string[] = []): PlaywrightResult[] {
  const own = suite.specs.flatMap((spec) =>
    spec.tests.flatMap((test) =>
      test.results.map((r) => ({
        file,
        title: [...prefix, spec.title].join(" › "),
        lane: r.parallelIndex,
        start: Date.parse(r.startTime),
        ms: r.duration,
      })),
    ),
  );
  return [...own, ...(suite.suites ?? []).flatMap((s) => playwrightResults(s, file, [...prefix, s.title]))];
}

/**
 * A test's duration leaves out its file's beforeAll/afterAll (the clusters the heavy suites start) and
 * the worker's start. So each worker lane (parallelIndex) is walked in time order and a test is charged
 * from the end of the lane's previous test to its own end: a file's time is then its share of the run's
 * wall time, hooks included. Before the first test of the run Playwright built and started the app.
 */
function playwrightRows(report: PlaywrightReport): { rows: Row[]; serverStartMs: number; totalMs: number } {
  const results = report.suites.flatMap((suite) => playwrightResults(suite, `e2e/${suite.file}`));
  const firstStart = Math.min(...results.map((r) => r.start));
  const charged = new Map<string, number>();
  for (const lane of new Set(results.map((r) => r.lane))) {
    let laneEnd = firstStart;
    for (const r of results.filter((x) => x.lane === lane).sort((a, b) => a.start - b.start)) {
      const end = Math.max(laneEnd, r.start + r.ms);
      charged.set(r.file, (charged.get(r.file) ?? 0) + end - laneEnd);
      laneEnd = end;
    }
  }
  const rows = [...charged].map(([file, ms]) => {
    const tests = results.filter((r) => r.file === file);
    const slowest = [...tests].sort((a, b) => b.ms - a.ms)[0]!;
    return {
      name: file,
      tests: tests.length,
      seconds: seconds(ms),
      slowest: { title: slowest.title, seconds: seconds(slowest.ms) },
    };
  });
  return {
    rows,
    serverStartMs: firstStart - Date.parse(report.stats.startTime),
    totalMs: report.stats.duration,
  };
}

function stepRows(file: string | undefined): Row[] {
  if (!file) return [];
  return [...readFileSync(file, "utf8").matchAll(/^([\w: -]+?): (\d+) s$/gm)].map((m) => ({
    name: m[1]!,
    tests: 0,
    seconds: Number(m[2]),
  }));
}

function load(vitest?: string, playwright?: string, steps?: string): Run | null {
  if (!playwright) return null;
  const pw = playwrightRows(readJson<PlaywrightReport>(playwright));
  return {
    steps: [
      ...stepRows(steps),
      {
        name: "playwright: build and start the app (webServer), start the first worker",
        tests: 0,
        seconds: seconds(pw.serverStartMs),
      },
      { name: "playwright: whole run (Playwright's own clock)", tests: 0, seconds: seconds(pw.totalMs) },
    ],
    vitest: vitest ? vitestRows(readJson<VitestReport>(vitest)) : null,
    playwright: pw.rows,
  };
}

const fmt = (s: number | undefined) => (s === undefined ? "" : s.toFixed(1));
/** Some titles carry their input (a code of thousands of characters): the table keeps it readable. */
const shortTitle = (title: string) => (title.length > 100 ? `${title.slice(0, 99)}…` : title).replaceAll("|", "\\|");

/** A table sorted slowest first (by the current run), with the earlier run's seconds beside it when given. */
function table(title: string, now: Row[], before: Row[] | undefined, sort: boolean): string {
  const previous = new Map(before?.map((r) => [r.name, r]));
  const rows = sort ? [...now].sort((a, b) => b.seconds - a.seconds) : now;
  // Files the later run did not run (merged, renamed, or left out of a partial run) still show their time before.
  const gone = (before ?? []).filter((r) => !now.some((n) => n.name === r.name));
  const withTests = rows.some((r) => r.tests > 0);
  const head = [
    title,
    ...(withTests ? ["tests"] : []),
    ...(before ? ["before (s)"] : []),
    before ? "after (s)" : "seconds",
    ...(withTests ? ["slowest test (s)"] : []),
  ];
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const body = [...rows, ...gone.map((r) => ({ ...r, gone: true }))].map((r) => {
    const isGone = "gone" in r;
    const old = previous.get(r.name);
    return line([
      `\`${r.name}\``,
      ...(withTests ? [String(r.tests)] : []),
      ...(before ? [fmt(old?.seconds)] : []),
      isGone ? "(not in this run)" : fmt(r.seconds),
      ...(withTests ? [r.slowest ? `${shortTitle(r.slowest.title)} (${fmt(r.slowest.seconds)})` : ""] : []),
    ]);
  });
  const total = (list: Row[]) => list.reduce((sum, r) => sum + r.seconds, 0);
  const sum = line([
    "**sum**",
    ...(withTests ? [String(rows.reduce((n, r) => n + r.tests, 0))] : []),
    ...(before ? [fmt(total(before))] : []),
    fmt(total(rows)),
    ...(withTests ? [""] : []),
  ]);
  return [line(head), line(head.map(() => "---")), ...body, ...(withTests ? [sum] : [])].join("\n");
}

const now = load(args.vitest, args.playwright, args.steps);
if (!now) {
  console.error(
    "usage: npm run test:timings -- --vitest <vitest.json> --playwright <playwright.json> [--steps <file>]",
  );
  process.exit(2);
}
/** The baseline column of a document this script wrote: each section's table, by its column names. */
function loadDoc(file: string): Run {
  const sections = readFileSync(file, "utf8").split(/^## /m);
  const rowsOf = (heading: string): Row[] => {
    const lines = (sections.find((s) => s.startsWith(heading)) ?? "").split("\n").filter((l) => l.startsWith("| "));
    const cells = (line: string) =>
      line
        .slice(2, -2)
        .split(" | ")
        .map((c) => c.trim());
    const head = cells(lines[0] ?? "| |");
    const column = head.includes("before (s)") ? head.indexOf("before (s)") : head.indexOf("seconds");
    return lines
      .slice(2)
      .map(cells)
      .filter((c) => c[0]!.startsWith("`") && c[column] !== "" && !Number.isNaN(Number(c[column])))
      .map((c) => ({
        name: c[0]!.slice(1, -1),
        tests: head.includes("tests") ? Number(c[head.indexOf("tests")]) : 0,
        seconds: Number(c[column]),
      }));
  };
  return { steps: rowsOf("Steps"), vitest: rowsOf("Vitest"), playwright: rowsOf("Playwright") };
}

const before = args["before-doc"]
  ? loadDoc(args["before-doc"])
  : (load(args["before-vitest"], args["before-playwright"], args["before-steps"]) ?? undefined);

const markdown = [
  "# Test suite timings",
  "",
  `Generated by \`scripts/test-timings.ts\` from Vitest's and Playwright's JSON reports${before ? " of two runs (before → after)" : ""}; do not edit by hand.`,
  ...(args.note ? [args.note, ""] : []),
  "Seconds of wall time. A Playwright file is charged its share of its worker's wall time (its tests and hooks: the clusters it starts); with several workers the files' sum exceeds the run's wall time. A Vitest file's time is from its first test to its last (its imports and setup fall in the gaps between files).",
  "",
  "## Steps",
  "",
  table("step", now.steps, before?.steps, false),
  "",
  "## Playwright, per spec file",
  "",
  table("spec file", now.playwright, before?.playwright, true),
  "",
  "## Vitest, per file",
  "",
  // A run of Playwright alone leaves the Vitest table as the earlier run measured it.
  now.vitest
    ? table("test file", now.vitest, before?.vitest ?? undefined, true)
    : `Not measured in the later run; the earlier run's:\n\n${table("test file", before?.vitest ?? [], undefined, true)}`,
  "",
].join("\n");

if (args.out) writeFileSync(path.resolve(root, args.out), markdown);
else process.stdout.write(markdown);
