import Link from "next/link";
import { openApiDocument } from "@/lib/web/openapi";

/**
 * The API reference: /api/v1/openapi.json rendered by the server, so it is the generated document
 * itself and needs no script from elsewhere. Public, like the document.
 */

export const metadata = { title: "API reference" };

interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: Schema[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  operationId: string;
  summary: string;
  description: string;
  "x-scope": string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}

type Schemas = Record<string, Schema>;

const resolve = (schema: Schema, schemas: Schemas): Schema =>
  schema.$ref ? resolve(schemas[schema.$ref.split("/").at(-1)!] ?? {}, schemas) : schema;

function typeOf(schema: Schema, schemas: Schemas): string {
  const s = resolve(schema, schemas);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map((a) => typeOf(a, schemas)).join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  if (type === "array" && s.items) return `${typeOf(s.items, schemas)}[]`;
  return s.format ? `${type} (${s.format})` : type;
}

/** An object's fields as nested lists: name, type, whether required, and what it means. */
function Fields({ schema, schemas }: { schema: Schema; schemas: Schemas }) {
  const s = resolve(schema, schemas);
  const object = s.type === "array" && s.items ? resolve(s.items, schemas) : s;
  if (!object.properties) return null;
  return (
    <ul className="ml-4 list-disc space-y-1 text-sm">
      {Object.entries(object.properties).map(([name, field]) => (
        <li key={name}>
          <code className="font-semibold">{name}</code>{" "}
          <code className="text-xs text-slate-600">{typeOf(field, schemas)}</code>
          {object.required?.includes(name) ? <span className="text-xs text-rose-700"> required</span> : null}
          {resolve(field, schemas).description ? (
            <span className="text-slate-700"> — {resolve(field, schemas).description}</span>
          ) : null}
          <Fields schema={field} schemas={schemas} />
        </li>
      ))}
    </ul>
  );
}

export default function ApiReferencePage() {
  const document = openApiDocument();
  const schemas = (document.components?.schemas ?? {}) as Schemas;
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ path, method, operation })),
  );
  return (
    <main id="main" className="mx-auto max-w-4xl px-6 py-10">
      <h1 className="text-3xl font-semibold tracking-tight">{document.info.title} reference</h1>
      <p className="mt-3 text-slate-700">{document.info.description}</p>
      <p className="mt-3 text-sm text-slate-700">
        Send <code>Authorization: Bearer once_live_…</code> with a key from{" "}
        <Link href="/admin/api-keys" className="text-indigo-700 underline">
          the admin&apos;s API keys
        </Link>{" "}
        or <code>npm run api-keys -- create</code>. The machine-readable document:{" "}
        <a href="/api/v1/openapi.json" className="text-indigo-700 underline">
          /api/v1/openapi.json
        </a>{" "}
        (OpenAPI {document.openapi}).
      </p>
      <nav aria-label="Operations" className="mt-6">
        <ul className="space-y-1 text-sm">
          {operations.map(({ path, method, operation }) => (
            <li key={operation.operationId}>
              <a href={`#${operation.operationId}`} className="text-indigo-700 underline">
                <code>
                  {method.toUpperCase()} {path}
                </code>
              </a>{" "}
              — {operation.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map(({ path, method, operation }) => (
        <section
          key={operation.operationId}
          id={operation.operationId}
          className="mt-10 border-t border-slate-200 pt-6"
          data-testid="api-operation"
        >
          <h2 className="text-xl font-semibold">
            <code>
              {method.toUpperCase()} {path}
            </code>
          </h2>
          <p className="mt-1 font-medium">{operation.summary}</p>
          {operation.description.split("\n\n").map((paragraph) => (
            <p key={paragraph} className="mt-2 text-sm text-slate-700">
              {paragraph}
            </p>
          ))}
          {operation.parameters?.length ? (
            <>
              <h3 className="mt-4 font-semibold">Parameters</h3>
              <ul className="ml-4 list-disc space-y-1 text-sm">
                {operation.parameters.map((parameter) => (
                  <li key={`${parameter.in}-${parameter.name}`}>
                    <code className="font-semibold">{parameter.name}</code> ({parameter.in}
                    {parameter.required ? ", required" : ""}){" "}
                    {parameter.schema ? (
                      <code className="text-xs text-slate-600">{typeOf(parameter.schema, schemas)}</code>
                    ) : null}
                    {(parameter.description ?? parameter.schema?.description) ? (
                      <span className="text-slate-700">
                        {" "}
                        — {parameter.description ?? parameter.schema?.description}
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {operation.requestBody ? (
            <>
              <h3 className="mt-4 font-semibold">Request body (JSON)</h3>
              <Fields schema={operation.requestBody.content["application/json"]!.schema} schemas={schemas} />
            </>
          ) : null}
          <h3 className="mt-4 font-semibold">Responses</h3>
          <dl className="mt-1 space-y-2 text-sm">
            {Object.entries(operation.responses).map(([status, response]) => (
              <div key={status}>
                <dt>
                  <code className="font-semibold">{status}</code>
                </dt>
                <dd className="ml-4 text-slate-700">
                  {response.description}
                  {Number(status) < 300 && response.content ? (
                    <Fields schema={response.content["application/json"]!.schema} schemas={schemas} />
                  ) : null}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </main>
  );
}
