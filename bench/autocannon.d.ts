/**
 * The part of autocannon's programmatic API the benchmarks use (the package ships no types).
 * Called without a callback, `autocannon(options)` resolves to the result.
 */
declare module 'autocannon' {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** each connection cycles through these in order */
    requests?: Request[];
    /** a falsy answer counts the response in `mismatches` */
    verifyBody?: (body: string) => boolean;
    /** seconds before a request without an answer counts as a timeout (default 10) */
    timeout?: number;
  }

  /** hdr-histogram-percentiles-obj: p50, p99... are keys like `p2_5`, `p97_5` too */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    [percentile: string]: number;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    /** milliseconds */
    latency: Histogram & { totalCount: number };
    /** per second; `total` completed, `sent` sent */
    requests: Histogram & { sent: number };
    /** bytes per second; `total` bytes */
    throughput: Histogram;
  }

  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
