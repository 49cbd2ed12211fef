/**
 * Runs async tasks one at a time, in order of arrival (a task's failure does not stop the ones after it).
 *
 * @example const q = new SerialQueue(); await q.run(() => doSomething());
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
