interface PendingCall<Input, Outcome> {
  readonly input: Input;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Decides together the calls that arrive in one turn of the event loop: each call's input is queued, and
 * once the turn is over (`setImmediate`) everything queued is handed to `commit` as one group, which returns
 * each call's outcome in order. Calls that arrive meanwhile form the next group. When `commit` throws,
 * every call of its group is rejected with that error.
 */
export class GroupCommit<Input, Outcome> {
  private queue: PendingCall<Input, Outcome>[] = [];
  private flushing: Promise<void> | undefined;

  /**
   * @param commit decides a group of inputs; returns their outcomes in the same order
   * @param beforeGroup a wait before each group (back-pressure), or undefined when there is none
   */
  constructor(
    private readonly commit: (group: readonly Input[]) => Promise<readonly Outcome[]>,
    private readonly beforeGroup: () => Promise<void> | undefined,
  ) {}

  /** Queues one call; resolves with its outcome once its group is committed. */
  submit(input: Input): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.flushing) {
        this.flushing = new Promise<void>((done) => setImmediate(done)).then(() => this.flush());
      }
    });
  }

  /** Resolves once every call queued so far is answered. */
  async drained(): Promise<void> {
    await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const wait = this.beforeGroup();
        if (wait) await wait;
        const group = this.queue.splice(0, this.queue.length);
        try {
          const outcomes = await this.commit(group.map((call) => call.input));
          for (const [i, call] of group.entries()) call.resolve(outcomes[i]!);
        } catch (error) {
          for (const call of group) call.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
