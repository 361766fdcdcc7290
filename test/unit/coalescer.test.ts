import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Coalescer, type Scheduler } from '../../src/engine/coalescer';

/** A fake clock: timers run only when the test advances time, in the order they fall due. */
class FakeScheduler implements Scheduler {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; task: () => void }[] = [];
  now(): number {
    return this.t;
  }
  schedule(task: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, seq: this.seq++, task };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }
  get armed(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.task();
    }
    this.t = end;
  }
}

function setup(interval = 50): { clock: FakeScheduler; c: Coalescer<number>; got: { at: number; items: number[] }[] } {
  const clock = new FakeScheduler();
  const got: { at: number; items: number[] }[] = [];
  const c = new Coalescer<number>((items) => void got.push({ at: clock.now(), items }), clock, interval);
  return { clock, c, got };
}

test('Coalescer: the first item after a quiet spell goes on the next turn; a burst within the interval goes as one batch', () => {
  const { clock, c, got } = setup();
  c.push(1);
  assert.equal(got.length, 0, 'never synchronously from push');
  clock.advance(0);
  assert.deepEqual(got, [{ at: 0, items: [1] }]);
  // 1,000 epochs 1 ms apart: every item is delivered, in order, at most one delivery per 50 ms.
  for (let i = 2; i <= 1001; i++) {
    clock.advance(1);
    c.push(i);
  }
  clock.advance(100);
  const all = got.flatMap((g) => g.items);
  assert.deepEqual(all, Array.from({ length: 1001 }, (_, i) => i + 1), 'every item, once, in order');
  for (let i = 1; i < got.length; i++) assert.ok(got[i].at - got[i - 1].at >= 50, `deliveries ${i - 1} and ${i} are ${got[i].at - got[i - 1].at} ms apart`);
  assert.ok(got.length >= 20 && got.length <= 22, `${got.length} deliveries for 1 s of items`);
  assert.equal(clock.armed, 0, 'no timer left once everything is delivered');
});

test('Coalescer: a slow stream is not delayed; flush delivers at once and clear drops what waits', () => {
  const { clock, c, got } = setup();
  c.push(1);
  clock.advance(0);
  clock.advance(200);
  c.push(2);
  clock.advance(0);
  assert.deepEqual(got.map((g) => g.at), [0, 200], 'each item of a slow stream goes on the next turn');
  c.push(3);
  c.push(4);
  c.flush();
  assert.deepEqual(got[2], { at: 200, items: [3, 4] }, 'flush: synchronously, ahead of the interval');
  c.push(5);
  c.clear();
  clock.advance(500);
  assert.equal(got.length, 3, 'cleared items are not delivered');
  assert.equal(c.size, 0);
  c.dispose();
  c.push(6);
  clock.advance(500);
  assert.equal(got.length, 3, 'nothing after dispose');
});

test('Coalescer: an asynchronous delivery holds the next one back until it settles (a render slower than a frame)', async () => {
  const clock = new FakeScheduler();
  const got: number[][] = [];
  let finish: () => void = () => undefined;
  const c = new Coalescer<number>(
    (items) =>
      new Promise<void>((resolve) => {
        got.push(items);
        finish = resolve;
      }),
    clock,
    0,
  );
  c.push(1);
  clock.advance(0);
  assert.deepEqual(got, [[1]]);
  c.push(2);
  c.push(3);
  clock.advance(100);
  c.flush();
  assert.deepEqual(got, [[1]], 'nothing while the first delivery runs, not even on flush');
  finish();
  await Promise.resolve();
  await Promise.resolve();
  clock.advance(0);
  assert.deepEqual(got, [[1], [2, 3]], 'what piled up goes as one batch once it settled');
  finish();
  await Promise.resolve();
  await Promise.resolve();
  clock.advance(100);
  assert.equal(got.length, 2, 'and nothing more');
});

test('Coalescer: an empty flush delivers nothing', () => {
  const { clock, c, got } = setup();
  c.flush();
  clock.advance(100);
  assert.equal(got.length, 0);
});
