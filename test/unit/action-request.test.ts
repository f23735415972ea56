import { execFileSync } from "node:child_process";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  actionRequestKind,
  refuseForeignOrigin,
  refuseMalformedForm,
  refuseMalformedReply,
} from "@/lib/web/action-request";

/**
 * proxy.ts's rules for server-action requests (lib/web/action-request.ts). The reply rule is checked
 * against React itself, the copy Next.js runs: every argument list React encodes for this app's actions
 * is accepted, and every root the rule accepts decodes without an error. React's server build loads only
 * under the `react-server` condition, so it runs in a child process started with it, once per batch.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");

interface ReactVerdicts {
  /** The root part React's encoder writes for `[previousState, formData]`, per previous state. */
  encoded: string[];
  /** Per root: "ok" when React decoded it to an argument list, else its error message. */
  decoded: string[];
}

const REACT = `
const v8 = require("node:v8");
const server = require("next/dist/compiled/react-server-dom-webpack/server.node");
const client = require("next/dist/compiled/react-server-dom-webpack/client.node");
const { states, roots } = v8.deserialize(require("node:fs").readFileSync(0));
(async () => {
  const encoded = [];
  for (const state of states) {
    const form = new FormData();
    form.append("code", "SPRING25");
    encoded.push((await client.encodeReply([state, form])).get("0"));
  }
  const decoded = [];
  for (const root of roots) {
    const body = new FormData();
    body.append("_1_code", "SPRING25");
    body.append("0", root);
    try {
      const args = await server.decodeReply(body, {}, { temporaryReferences: server.createTemporaryReferenceSet() });
      decoded.push(Array.isArray(args) ? "ok" : "not an argument list");
    } catch (error) {
      decoded.push(String(error && error.message));
    }
  }
  process.stdout.write(v8.serialize({ encoded, decoded }));
})();
`;

function askReact(states: unknown[], roots: string[]): ReactVerdicts {
  const output = execFileSync(process.execPath, ["--conditions=react-server", "-e", REACT], {
    cwd: ROOT,
    input: serialize({ states, roots }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return deserialize(output) as ReactVerdicts;
}

/** Tokens a hand-made root might hold: React's own, ones naming parts that are not there, and nonsense. */
const TOKENS = [
  "$undefined",
  "$K1",
  "$D2026-12-01T00:00:00.000Z",
  "$n12",
  "$n-12",
  "$NaN",
  "$Infinity",
  "$-0",
  "$$escaped",
  "$",
  "$Q1",
  "$W1",
  "$@1",
  "$1",
  "$h1",
  "$B1",
  "$R1",
  "$X1",
  "$i1",
  "$T",
  "$nabc",
  `$n${"9".repeat(301)}`,
  "$u",
  "$I",
  "$Z",
];

const handMadeValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(...TOKENS),
    fc.string().map((text) => `$${text}`),
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 4 }),
  ),
})).value;

const handMadeRoot = fc.oneof(
  fc.array(handMadeValue, { maxLength: 4 }).map((list) => JSON.stringify(list)),
  handMadeValue.map((value) => JSON.stringify(value)),
  fc.string(),
);

/** What a form's previous state can hold once React has decoded it in the browser (which drops `__proto__`). */
const previousState = fc.oneof(
  fc.constant(null),
  fc.dictionary(
    fc.string().filter((key) => key !== "__proto__"),
    fc.oneof(
      fc.string(),
      fc.string().map((text) => `$${text}`),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date(),
      fc.bigInt(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    ),
    { maxKeys: 6 },
  ),
);

describe("server-action replies (proxy.ts refuses the undecodable with 400)", () => {
  it("accepts every argument list React encodes for a form action, and accepts only roots React decodes", () => {
    const states = fc.sample(previousState, 300);
    // Nested 5,000 deep, React's decoder exhausts the stack.
    const deep = `${"[".repeat(5_000)}${"]".repeat(5_000)}`;
    const failing = ['["$undefined","$Q1"]', "garbage", "5", '["$K1","$Q2"]', "", deep];
    const known = ["[]", '["$K1"]', '[null,"$K1"]', ...failing];
    const roots = [...known, ...fc.sample(handMadeRoot, 1500)];
    const react = askReact(states, roots);

    for (const root of react.encoded) expect(refuseMalformedReply(root), root).toBeNull();
    const accepted = roots.filter((root) => refuseMalformedReply(root) === null);
    const undecodable = accepted.flatMap((root) => {
      const verdict = react.decoded[roots.indexOf(root)];
      return verdict === "ok" ? [] : [{ root, verdict }];
    });
    expect(undecodable).toEqual([]);
    // The bodies that made Next.js answer 500 are refused, and React indeed fails them.
    for (const root of failing) {
      expect(refuseMalformedReply(root), root.slice(0, 40)).toMatchObject({ status: 400, reason: "malformed_action" });
      expect(react.decoded[roots.indexOf(root)], root.slice(0, 40)).not.toBe("ok");
    }
    // The generators must reach both verdicts, or the comparison above proves little.
    expect(accepted.length).toBeGreaterThan(100);
    expect(roots.length - accepted.length).toBeGreaterThan(100);
  });

  it("refuses a missing, non-text, oversized or deeply nested root", () => {
    expect(refuseMalformedReply(null)).not.toBeNull();
    expect(refuseMalformedReply(new File(["[]"], "0"))).not.toBeNull();
    expect(refuseMalformedReply(JSON.stringify(["x".repeat(64 * 1024)]))).not.toBeNull();
    expect(refuseMalformedReply(`${"[".repeat(40)}${"]".repeat(40)}`)).not.toBeNull();
    expect(refuseMalformedReply(`${"[".repeat(20)}${"]".repeat(20)}`)).toBeNull();
  });
});

describe("forms posted without JavaScript (proxy.ts refuses an undecodable action reference with 400)", () => {
  const ID = "7f".repeat(21);
  const form = (fields: Record<string, string>) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return body;
  };
  const reference = (bound: string) => ({ $ACTION_REF_1: "", "$ACTION_1:0": `{"id":"${ID}","bound":${bound}}` });

  it("passes what React renders: an action id alone, or a reference with its previous state bound", () => {
    expect(refuseMalformedForm(form({ [`$ACTION_ID_${ID}`]: "", code: "SPRING25" }))).toBeNull();
    const state = '[{"ok":null,"key":"k1","values":{"code":"$$5 off"},"at":"$D2026-12-01T00:00:00.000Z"}]';
    expect(
      refuseMalformedForm(form({ ...reference('"$@1"'), "$ACTION_1:1": state, $ACTION_KEY: "k0", code: "A" })),
    ).toBeNull();
    expect(refuseMalformedForm(form({ ...reference("null"), code: "A" }))).toBeNull();
    expect(refuseMalformedForm(form({ code: "not an action at all" }))).toBeNull();
  });

  it("refuses a reference React cannot decode, and a body that is no form", () => {
    const broken: Record<string, string>[] = [
      reference('"$@1"'),
      { ...reference('"$@1"'), "$ACTION_1:1": "garbage" },
      { ...reference('"$@1"'), "$ACTION_1:1": '{"not":"a list"}' },
      { ...reference('"$@1"'), "$ACTION_1:1": '["$Q2"]' },
      { ...reference('"$@1"'), "$ACTION_1:1": JSON.stringify(Array.from({ length: 1_001 }, () => 0)) },
      reference('"$Q1"'),
      { $ACTION_REF_1: "", "$ACTION_1:0": `{"id":"${ID}"}`, $ACTION_KEY: "k0" },
      { $ACTION_REF_1: "", "$ACTION_1:0": `{"id":"${ID}","bound":null,"more":"$Q1"}` },
      { $ACTION_REF_1: "", "$ACTION_1:0": "garbage" },
      { $ACTION_REF_1: "" },
    ];
    for (const fields of broken) expect(refuseMalformedForm(form(fields)), JSON.stringify(fields)).not.toBeNull();
    expect(refuseMalformedForm(null)).toMatchObject({ status: 400, reason: "malformed_action" });
  });
});

describe("which requests are server-action requests", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  it("a POST with Next-Action anywhere; a multipart POST outside /api/; nothing else", () => {
    expect(actionRequestKind("POST", "/redeem", headers({ "next-action": "ab" }))).toBe("fetch");
    const multipart = headers({ "content-type": "multipart/form-data; boundary=x" });
    expect(actionRequestKind("POST", "/redeem", multipart)).toBe("form");
    expect(actionRequestKind("POST", "/api/admin/batches", multipart)).toBeNull();
    expect(actionRequestKind("POST", "/redeem", headers({ "content-type": "application/json" }))).toBeNull();
    expect(actionRequestKind("GET", "/redeem", headers({ "next-action": "ab" }))).toBeNull();
  });
});

describe("the origin check (Next.js's rule, answered 403)", () => {
  const check = (entries: Record<string, string>) => refuseForeignOrigin(new Headers(entries))?.status ?? "passes";
  it("passes the app's own origin, an origin matching X-Forwarded-Host, and a request without Origin", () => {
    expect(check({ host: "localhost:3000", origin: "http://localhost:3000" })).toBe("passes");
    expect(
      check({ host: "10.0.0.5:3000", "x-forwarded-host": "shop.example, proxy", origin: "https://shop.example" }),
    ).toBe("passes");
    expect(check({ host: "localhost:3000" })).toBe("passes");
  });
  it("refuses a foreign, null or unparsable Origin, or one with no host to compare it to", () => {
    for (const origin of [
      "http://evil.example",
      "null",
      "http://localhost:3000.evil.example",
      "http://[",
      "nonsense",
    ]) {
      expect(check({ host: "localhost:3000", origin }), origin).toBe(403);
    }
    expect(check({ host: "localhost:3000", "x-forwarded-host": "shop.example", origin: "http://localhost:3000" })).toBe(
      403,
    );
    expect(check({ origin: "http://localhost:3000" })).toBe(403);
  });
});
