/** The change feed heard after the read model (src/read/settled-feed.ts), with a feed and a model held by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeFeed, ChangeRecord, ChangeSubscriber, FeedReset, ResetSubscriber } from '../../src/directory/feed.js';
import { afterModel } from '../../src/read/settled-feed.js';

function handFeed() {
  let fn: ChangeSubscriber | undefined;
  let onReset: ResetSubscriber | undefined;
  let closed = 0;
  const feed: ChangeFeed = {
    last: 7,
    start: async () => {},
    catchUp: async () => {},
    subscribe(f, r) {
      fn = f;
      onReset = r;
      return () => (fn = onReset = undefined);
    },
    prune: async () => 0,
    close: async () => void closed++,
  };
  const record = (seq: number) => ({ seq, kind: 'user.updated', entity: seq, fields: {}, at: '' }) as unknown as ChangeRecord;
  return { feed, emit: (seq: number) => fn?.(record(seq)), reset: (r: FeedReset) => onReset?.(r), closed: () => closed, attached: () => fn !== undefined };
}

/** A model whose pending changes are applied when the test says so. */
function handModel() {
  let release: (() => void) | undefined;
  let pending: Promise<void> | undefined;
  return {
    model: { settle: () => pending ?? Promise.resolve() },
    hold() {
      pending = new Promise<void>((resolve) => (release = resolve));
    },
    apply() {
      pending = undefined;
      release?.();
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the change feed after the read model', () => {
  it('hands each record on once the model settled, in order, resets in their place', async () => {
    const raw = handFeed();
    const m = handModel();
    const relay = afterModel(raw.feed, m.model, (error) => assert.fail(error as Error));
    const heard: (number | string)[] = [];
    relay.subscribe(
      (r) => heard.push(r.seq),
      (r) => heard.push(`reset ${r.to}`),
    );
    assert.equal(relay.last, 7);

    m.hold();
    raw.emit(8);
    raw.emit(9);
    await turn();
    assert.deepEqual(heard, [], 'nothing before the model holds it');
    assert.equal(relay.last, 7, 'the position moves with what was handed on');
    raw.reset({ from: 9, to: 20, prunedThrough: 15 });
    raw.emit(21);
    m.apply();
    await turn();
    assert.deepEqual(heard, [8, 9, 'reset 20', 21]);
    assert.equal(relay.last, 21);

    // a record noted while the model applies the ones before waits for its own settling
    m.hold();
    raw.emit(22);
    const caughtUp = relay.catchUp();
    let done = false;
    void caughtUp.then(() => (done = true));
    await turn();
    assert.equal(done, false, 'catchUp waits for the records it delivered');
    m.apply();
    await caughtUp;
    assert.deepEqual(heard.slice(-1), [22]);

    // with nothing pending, straight on
    raw.emit(23);
    await turn();
    assert.deepEqual(heard.slice(-1), [23]);
  });

  it('a failing listener is reported and does not stop the others; close detaches and closes the feed', async () => {
    const raw = handFeed();
    const failures: unknown[] = [];
    const relay = afterModel(raw.feed, handModel().model, (error) => failures.push(error));
    const heard: number[] = [];
    relay.subscribe(() => {
      throw new Error('listener');
    });
    const stop = relay.subscribe((r) => heard.push(r.seq));
    raw.emit(8);
    await turn();
    assert.deepEqual(heard, [8]);
    assert.equal((failures[0] as Error).message, 'listener', 'the failure is reported');
    stop();
    raw.emit(9);
    await turn();
    assert.deepEqual(heard, [8]);
    await relay.close();
    assert.equal(raw.attached(), false);
    assert.equal(raw.closed(), 1);
  });
});
