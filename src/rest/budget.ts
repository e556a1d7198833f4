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

  /** Before `count` user objects are built: 413 ANSWER_TOO_LARGE when that is more than allowed. */
  takeUsers(count: number): void {
    if (count > this.perCall) {
      throw new RestError('ANSWER_TOO_LARGE', `The answer would hold ${count} user objects, at most ${this.perCall} are sent per call: ask for fewer`);
    }
    if (this.users + count > this.perRequest) {
      throw new RestError(
        'ANSWER_TOO_LARGE',
        `This request would answer more than ${this.perRequest} user objects in all (a batch counts its commands together): split it`,
      );
    }
    this.users += count;
  }
}
