// Fast labelling: a feed that keeps the next task leased before it is needed, and a queue that
// signs and submits answers in order behind the contributor's back, so a key press shows the next
// item at once whatever the network or the wallet takes.
import { ApiError, api } from './api.js';

/** Tasks of one campaign, one fetched ahead. `next()` resolves with a task, or null when none is left. */
export class TaskFeed {
  constructor(campaignId, { ahead = 1, onChange = () => {} } = {}) {
    this.campaignId = campaignId;
    this.ahead = ahead;
    this.onChange = onChange;
    this.buffer = [];
    this.exhausted = false;
    this.error = null;
    this.fetching = null;
    this.closed = false;
  }

  async fetchOne() {
    const received = Date.now();
    const task = await api('POST', `/api/campaigns/${this.campaignId}/tasks/next`);
    // the service's clock, as the lease's submittedAt says, against ours: answers are stamped on its time
    task.clockOffsetMs = Number(task.typedData.message.submittedAt) * 1000 - received;
    return task;
  }

  /** Starts fetching until `ahead` tasks wait in the buffer (one request at a time). */
  fill() {
    if (this.fetching || this.exhausted || this.closed || this.buffer.length >= this.ahead) return this.fetching;
    this.fetching = (async () => {
      try {
        while (!this.closed && !this.exhausted && this.buffer.length < this.ahead) {
          try {
            this.buffer.push(await this.fetchOne());
            this.error = null;
          } catch (e) {
            if (e instanceof ApiError && e.code === 'NO_TASK_AVAILABLE') {
              this.exhausted = true;
            } else {
              this.error = e;
              break;
            }
          }
        }
      } finally {
        this.fetching = null;
        this.onChange();
      }
    })();
    return this.fetching;
  }

  /** A lease about to run out is no use: the answer would come back LEASE_EXPIRED. */
  static fresh(task) {
    return Date.parse(task.expiresAt) - Date.now() > 15000;
  }

  /** The next task: at once from the buffer when one waits there. */
  async next() {
    for (;;) {
      while (this.buffer.length) {
        const task = this.buffer.shift();
        if (TaskFeed.fresh(task)) {
          this.fill();
          return task;
        }
      }
      if (this.exhausted) return null;
      await (this.fill() || Promise.resolve());
      if (this.error && !this.buffer.length) throw this.error;
      if (this.closed) return null;
    }
  }

  /** A task ready now, without waiting (or null). */
  take() {
    while (this.buffer.length) {
      const task = this.buffer.shift();
      if (TaskFeed.fresh(task)) {
        this.fill();
        return task;
      }
    }
    this.fill();
    return null;
  }

  close() {
    this.closed = true;
  }
}

/** Signs and posts answers one after another; reports each outcome. */
export class SubmitQueue {
  constructor(signer, { onResult = () => {} } = {}) {
    this.signer = signer;
    this.onResult = onResult;
    this.pending = [];
    this.running = false;
  }

  get size() {
    return this.pending.length + (this.running ? 1 : 0);
  }

  submit(task, answer) {
    this.pending.push({ task, answer });
    this.run();
  }

  async run() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.length) {
        const job = this.pending.shift();
        const typedData = structuredClone(job.task.typedData);
        typedData.message.answer = job.answer;
        typedData.message.submittedAt = Math.floor((Date.now() + job.task.clockOffsetMs) / 1000);
        let outcome;
        try {
          const signature = await this.signer.signTypedData(typedData);
          const receipt = await api('POST', '/api/contributions', { body: { typedData, signature } });
          outcome = { ok: true, receipt };
        } catch (error) {
          outcome = { ok: false, error };
        }
        // remaining: answers still to sign and send after this one
        this.onResult({ ...job, ...outcome, remaining: this.pending.length });
      }
    } finally {
      this.running = false;
    }
  }
}
