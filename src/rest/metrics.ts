/**
 * Prometheus metrics of one server instance (`GET /metrics`, prom-client). Each App has its own
 * Registry, so several servers in one process (a test suite) keep separate numbers; the process
 * metrics (CPU, memory, event loop, GC) are the process's, collected once for all of them.
 *
 * Fed here: requests, latency, batch commands, store statements, limit rejections, injected
 * faults, process metrics. Registered for later work to feed (the change feed, the read model,
 * event deliveries): `app.metrics.changeFeedLag.set(s)`, `app.metrics.readModelSize.set({kind:
 * 'users'}, n)`, `app.metrics.eventDeliveries.inc({outcome: 'delivered'})`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * prom-client's process metrics, in a registry of their own. Its GC histogram observes the
 * process for as long as it runs: collected into a server's registry, it kept every closed server
 * (the read model and all) alive through that registry's other metrics.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Metrics {
  readonly registry = new Registry();

  /** REST requests by method (`unknown` for names not in the registry) and HTTP status */
  readonly requests = new Counter({
    name: 'roster_requests_total',
    help: 'REST requests by method and HTTP status',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'roster_request_duration_seconds',
    help: 'REST request latency by method',
    labelNames: ['method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly batchCommands = new Counter({
    name: 'roster_batch_commands_total',
    help: 'commands run inside batch, by method and status',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });

  readonly limitRejections = new Counter({
    name: 'roster_limit_rejections_total',
    help: 'calls refused by a limit: rate (QUERY_LIMIT_EXCEEDED) or operating (OPERATION_TIME_LIMIT)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly faults = new Counter({
    name: 'roster_faults_injected_total',
    help: 'calls a fault rule acted on, by action (error, latency, drop)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  /** for the change feed: seconds between a change's commit and its application */
  readonly changeFeedLag = new Gauge({
    name: 'roster_change_feed_lag_seconds',
    help: 'how far the change feed consumer is behind the newest change',
    registers: [this.registry],
  });

  /** for the in-memory read model: entries held, by kind (users, departments, groups, ...) */
  readonly readModelSize = new Gauge({
    name: 'roster_read_model_entries',
    help: 'entries held by the in-memory read model, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** for events: deliveries by outcome (delivered, failed, retried, dropped) */
  readonly eventDeliveries = new Counter({
    name: 'roster_event_deliveries_total',
    help: 'event deliveries by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(statements: () => number) {
    let counted = 0;
    new Counter({
      name: 'roster_store_statements_total',
      help: 'SQL statements sent to the store',
      registers: [this.registry],
      collect() {
        const now = statements();
        this.inc(Math.max(0, now - counted));
        counted = now;
      },
    });
    this.changeFeedLag.set(0);
  }

  /** batch commands run since the last scrape, by method and status: a counter step each was a visible share of a batch */
  private readonly pendingCommands = new Map<string, Map<number, number>>();

  /** One batch command: counted into `batchCommands` when the metrics are next read. */
  countCommand(method: string, status: number): void {
    let byStatus = this.pendingCommands.get(method);
    if (!byStatus) this.pendingCommands.set(method, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  text(): Promise<string> {
    for (const [method, byStatus] of this.pendingCommands) for (const [status, n] of byStatus) this.batchCommands.inc({ method, status: String(status) }, n);
    this.pendingCommands.clear();
    return Registry.merge([this.registry, processMetrics()]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
