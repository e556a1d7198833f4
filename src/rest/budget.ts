/**
 * What one request may cost in user objects, the commands of a batch counted together: without
 * it, 50 commands of 500 departments' employees made one request build gigabytes of answer.
 */
import { RestError } from './errors.js';

export class RequestBudget {
  private users = 0;

  constructor(
    /** most user objects one call (one command of a batch) may build */
    readonly perCall: number,
    /** most user objects the whole request may build */
    readonly perRequest: number,
  ) {}

  /** How many user objects the next call may still build: the per-call cap, or what the request has left. */
  get allowance(): number {
    return Math.max(0, Math.min(this.perCall, this.perRequest - this.users));
  }

  /**
   * Throws what `takeUsers(count)` would throw, without counting anything. `orMore`: `count` is
   * only a lower bound (the caller stopped counting past `allowance`), and the message says so.
   */
  checkUsers(count: number, orMore = false): void {
    if (count > this.perCall) {
      const hold = orMore ? `more than ${this.perCall}` : String(count);
      throw new RestError('ANSWER_TOO_LARGE', `The answer would hold ${hold} user objects, at most ${this.perCall} are sent per call: ask for fewer`);
    }
    if (this.users + count > this.perRequest) {
      throw new RestError(
        'ANSWER_TOO_LARGE',
        `This request would answer more than ${this.perRequest} user objects in all (a batch counts its commands together): split it`,
      );
    }
  }

  /** Before `count` user objects are built: 413 ANSWER_TOO_LARGE when that is more than allowed. */
  takeUsers(count: number): void {
    this.checkUsers(count);
    this.users += count;
  }
}
