/**
 * The one source of "now" for everything Roster does: the `time` block, presence, absences and
 * "today", token and code expiry, the limits' windows, change records. It follows the real clock
 * unless the control plane (`POST /_roster/clock`, `--clock`) sets, advances or freezes it, so
 * that a test can expire a token or move a user's presence without waiting.
 *
 * One per process: a Roster process serves one directory. Nothing in src/ reads Date.now() for
 * the current time; the development certificate's validity is the only real-world date.
 */
export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  /** milliseconds since the epoch */
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** seconds since the epoch, with fraction */
  seconds(): number {
    return this.now() / 1000;
  }

  /** whole seconds since the epoch: what the database stores */
  unix(): number {
    return Math.floor(this.now() / 1000);
  }

  /** how far this clock is from the machine's, in ms */
  get offset(): number {
    return this.now() - Date.now();
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  /** jumps to `ms`; a frozen clock stays frozen there */
  set(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt = ms;
    else this.offsetMs = ms - Date.now();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** stops the clock where it is, or lets it run on from where it stopped */
  freeze(on: boolean): void {
    if (on && this.frozenAt === null) this.frozenAt = this.now();
    else if (!on && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now();
      this.frozenAt = null;
    }
  }

  /** back to real time */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }
}

export const clock = new Clock();
