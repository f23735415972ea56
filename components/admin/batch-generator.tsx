"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import { Callout } from "@/components/callout";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import {
  BATCH_FORM_FIELDS,
  type BatchFormField,
  type BatchFormValues,
  batchFormSchemaIn,
  fieldErrors,
  type FieldErrors,
} from "@/lib/admin/coupon-form";
import { formatCount, plural } from "@/lib/format";
import { DateTimeField } from "./date-time-field";
import { focusFirstError } from "./focus-first-error";
import { MoneyField } from "./money-field";

type Status =
  | { kind: "idle" }
  | { kind: "running"; inserted: number; total: number }
  | { kind: "done"; batchId: string; generated: number }
  | { kind: "error"; message: string; fieldErrors?: FieldErrors<BatchFormField> };

interface BatchGeneratorProps {
  codeBits: number;
  /** The store's time zone, in which the expiry is typed. */
  zone: string;
}

/** Bulk generation: posts the batch, then reads the NDJSON progress lines the route streams back. */
export function BatchGenerator({ codeBits, zone }: BatchGeneratorProps) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const form = useRef<HTMLFormElement>(null);

  /** Every field's mistake at once, at its field, with the first one focused. */
  function refuse(message: string, errors: FieldErrors<BatchFormField> = {}) {
    setStatus({ kind: "error", message, fieldErrors: errors });
    focusFirstError(form.current, BATCH_FORM_FIELDS, errors);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const values: BatchFormValues = {
      prefix: String(data.get("prefix") ?? ""),
      quantity: String(data.get("quantity") ?? ""),
      value: String(data.get("value") ?? ""),
      expiresAt: String(data.get("expiresAt") ?? ""),
    };
    const parsed = batchFormSchemaIn(zone).safeParse(values);
    if (!parsed.success) {
      refuse("Check the highlighted fields.", fieldErrors(parsed.error.issues, BATCH_FORM_FIELDS));
      return;
    }
    setStatus({ kind: "running", inserted: 0, total: parsed.data.quantity });
    try {
      const response = await fetch("/api/admin/batches", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(values),
      });
      if (!response.ok || !response.body) {
        const problem = (await response.json().catch(() => ({}))) as {
          message?: string;
          fieldErrors?: FieldErrors<BatchFormField>;
        };
        refuse(problem.message ?? "The batch could not be generated.", problem.fieldErrors);
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        buffered += read.value;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) {
          const event = JSON.parse(line) as {
            type: string;
            inserted: number;
            total: number;
            batchId: string;
            generated: number;
            message: string;
          };
          if (event.type === "progress") setStatus({ kind: "running", inserted: event.inserted, total: event.total });
          if (event.type === "done") setStatus({ kind: "done", batchId: event.batchId, generated: event.generated });
          if (event.type === "error") setStatus({ kind: "error", message: event.message });
        }
      }
      router.refresh();
    } catch {
      setStatus({
        kind: "error",
        message: "The connection dropped. Reload the page to see whether the batch was created.",
      });
    }
  }

  const errors = status.kind === "error" ? (status.fieldErrors ?? {}) : {};
  const running = status.kind === "running";
  return (
    <form
      ref={form}
      onSubmit={submit}
      // A field's message goes as soon as the field is changed: it spoke of what was typed before.
      onChange={(event) => {
        const name = (event.target as unknown as HTMLInputElement).name as BatchFormField;
        setStatus((now) =>
          now.kind === "error" && now.fieldErrors?.[name]
            ? { ...now, fieldErrors: { ...now.fieldErrors, [name]: undefined } }
            : now,
        );
      }}
      noValidate
      className="space-y-5"
      data-testid="batch-form"
    >
      <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
        <TextField
          id="prefix"
          name="prefix"
          label="Prefix"
          defaultValue="GIFT"
          className="font-mono uppercase"
          error={errors.prefix}
          hint="Codes look like PREFIX-7KQM-4TZX-9HCW-PRN3."
        />
        <TextField
          id="quantity"
          name="quantity"
          label="Number of codes"
          inputMode="numeric"
          defaultValue="1000"
          error={errors.quantity}
          hint="Up to 100,000 per batch."
        />
        <MoneyField
          id="batch-value"
          name="value"
          label="Value (USD)"
          per="code"
          defaultValue="5.00"
          error={errors.value}
        />
        <DateTimeField
          id="batch-expires"
          name="expiresAt"
          label="Expires at"
          defaultValue=""
          error={errors.expiresAt}
          zone={zone}
          whenEmpty="Empty = never."
        />
      </div>
      <p className="text-sm text-slate-600">
        Each code is single-use, with a random body of 16 symbols from a 31-symbol alphabet without look-alikes (no 0/O,
        1/I/L): <strong>{codeBits.toFixed(1)} bits</strong> of entropy from the server&apos;s cryptographic random
        generator, so guessing a valid code is hopeless.
      </p>
      <SubmitButton pending={running} pendingLabel="Generating…">
        Generate codes
      </SubmitButton>
      <div aria-live="polite" className="space-y-2">
        {running && (
          <div data-testid="batch-progress">
            <progress className="h-2 w-full" value={status.inserted} max={status.total} />
            <p className="text-sm text-slate-600">
              {formatCount(status.inserted)} of {plural(status.total, "code")} inserted…
            </p>
          </div>
        )}
        {status.kind === "done" && (
          <Callout tone="success" testId="batch-result">
            Generated {plural(status.generated, "code")}.{" "}
            <a
              href={`/api/admin/batches/${status.batchId}/codes`}
              className="font-semibold underline"
              data-testid="batch-download"
              download
            >
              Download CSV
            </a>
          </Callout>
        )}
        {status.kind === "error" && (
          <Callout tone="error" testId="batch-result">
            {status.message}
          </Callout>
        )}
      </div>
    </form>
  );
}
