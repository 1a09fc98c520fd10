/**
 * Runs async tasks one at a time in call order. ONNX Runtime Web rejects a second `run` on a
 * session while one is in flight, so every run of a solver goes through one of these.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
