/**
 * Sustained HTTP load for `npm run bench:http`: autocannon as a library, keep-alive connections, each
 * request built fresh (its own Idempotency-Key), every answer's status and latency recorded. A
 * scenario says what one request is and which status counts as served; anything else is an error.
 */
import autocannon from "autocannon";
import { percentile } from "./harness";

export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SustainedScenario {
  name: string;
  /** The status a served request answers; every other status counts as an error. */
  expect: number;
  /** Builds the `n`-th request of the run. */
  request(n: number): LoadRequest;
  /** After the run, given how many requests were served: what is wrong with the database, if anything. */
  verify?(served: number): Promise<string[]>;
}

export interface SustainedResult {
  scenario: string;
  connections: number;
  seconds: number;
  served: number;
  /** Served requests per second. */
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  /** Unexpected statuses ("HTTP 503"), socket errors and timeouts, with counts. */
  errors: Record<string, number>;
}

export async function sustain(
  base: URL,
  scenario: SustainedScenario,
  connections: number,
  seconds: number,
): Promise<SustainedResult> {
  let n = 0;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let served = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base.origin,
        connections,
        duration: seconds,
        pipelining: 1,
        timeout: 30,
        requests: [
          {
            setupRequest: (request) => {
              const next = scenario.request(n++);
              return { ...request, ...next, headers: { ...request.headers, ...next.headers } };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on("response", (_client, status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      if (status === scenario.expect) served++;
      else errors[`HTTP ${status}`] = (errors[`HTTP ${status}`] ?? 0) + 1;
    });
  });
  if (result.errors > 0) errors["socket errors"] = result.errors;
  if (result.timeouts > 0) errors.timeouts = result.timeouts;
  return {
    scenario: scenario.name,
    connections,
    seconds: result.duration,
    served,
    rate: served / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}
