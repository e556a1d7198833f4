import { setFlagsFromString } from 'node:v8';

/**
 * How far V8's old generation may grow past what survived its last full collection before it
 * collects again: by 35 %. On a machine with much memory V8 allows up to four times, and
 * under load it took that room with garbage: with 100,000 users RSS peaked at 362 MiB; bounded by
 * half, at 298 MiB, by 35 % at 282 MiB, with no throughput lost that the benchmark could tell
 * from its noise (docs/PERFORMANCE.md). For the server process (`roster serve`), set at run time
 * rather than as a command-line flag: a Node whose V8 no longer knows the flag says so on stderr
 * and runs on instead of refusing to start.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=35');
}
