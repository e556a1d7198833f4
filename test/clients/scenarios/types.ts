/** The messages between a client test and its driver process (see ../driver.ts). */
export interface DriverRequest {
  id: number;
  client: string;
  scenario: string;
  args: any;
}

export interface DriverReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; code?: string; status?: number; body?: unknown };
}

/** One way of using a client; returns what the client gave its caller, as plain data. */
export type Scenario = (args: any) => Promise<unknown>;
