import { isRhcError, RhcError, toRhcError } from "@rhc/errors";
import type { BatchSummary, IssuerEvent, Operator } from "../../shared/channels.js";
import type { IssueWorkflow, PreparedCardJson } from "../issue-workflow.js";
import { preparedFromJson, preparedToJson } from "../issue-workflow.js";
import type { Feeder } from "../ports.js";
import { type BatchStore, type ItemError, publicItem, type StoredItem } from "./batch-store.js";

/** Card-level failures after which the same row can go onto the next blank card. */
const CARD_FAULTS = new Set(["CARD_REMOVED", "CARD_RESET", "TRANSMIT_FAILED", "CARD_MUTE", "TIMEOUT", "NO_CARD"]);
/** The feeder gave a card that cannot be used: reject it, keep the row, try the next card. */
const BAD_BLANK = new Set(["CARD_NOT_BLANK", "WRONG_CARD", "CARD_MUTE"]);
/** Consecutive unusable blanks before the batch pauses for the operator (a wrong card stack). */
const MAX_BAD_BLANKS = 5;

function itemError(error: RhcError): ItemError {
  const m = error.messages;
  return { code: error.code, zh: m.zh, en: m.en };
}

/**
 * Runs one batch at a time, one card after another from the feeder, with the per-card state kept
 * in SQLite (BatchStore). After a crash, `recoverAll()` puts interrupted rows back and pauses the
 * batch; the operator resumes it. A failing card never stops the batch: the row is retried on the
 * next blank (up to maxAttempts) or marked failed, and the card goes to the reject bin.
 */
export class BatchRunner {
  private running: { id: string; stop: AbortController; done: Promise<void> } | undefined;

  constructor(
    private readonly batches: BatchStore,
    private readonly workflow: IssueWorkflow,
    private readonly feeder: Feeder,
    private readonly emit: (event: IssuerEvent) => void,
    private readonly maxAttempts: number,
  ) {}

  /** At start-up: batches left running by a killed app are paused with interrupted rows recovered. */
  recoverAll(): void {
    for (const b of this.batches.list()) {
      if (b.status === "running") {
        this.batches.recover(b.id);
        this.batches.setStatus(b.id, "paused");
      }
    }
  }

  get current(): string | undefined {
    return this.running?.id;
  }

  start(id: string, operator: Operator): BatchSummary {
    if (this.running) {
      if (this.running.id === id) return this.batches.summary(id);
      throw new RhcError("BATCH_BUSY", { data: { running: this.running.id } });
    }
    const summary = this.batches.summary(id);
    if (summary.status === "done" && summary.counts.failed > 0) this.batches.retryFailed(id);
    this.batches.recover(id);
    const stop = new AbortController();
    const started = this.batches.setStatus(id, "running");
    const done = this.loop(id, operator, stop.signal)
      .catch((error: unknown) => {
        // A loop-level failure (feeder jammed, SAM gone) pauses the batch; rows keep their state.
        this.batches.setStatus(id, "paused");
        this.emit({ type: "batch.progress", batch: this.batches.summary(id) });
        if (!stop.signal.aborted) console.error(`batch ${id} paused: ${toRhcError(error).message}`);
      })
      .finally(() => {
        this.running = undefined;
      });
    this.running = { id, stop, done };
    this.emit({ type: "batch.progress", batch: started });
    return started;
  }

  /** Stops after the card in progress (or at once while waiting for a card). */
  async pause(id: string): Promise<BatchSummary> {
    const run = this.running;
    if (run?.id === id) {
      run.stop.abort();
      await run.done;
    }
    const summary = this.batches.summary(id);
    return summary.status === "running" ? this.batches.setStatus(id, "paused") : summary;
  }

  /** Waits for the running batch to finish or pause (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  private async loop(id: string, operator: Operator, signal: AbortSignal): Promise<void> {
    let badBlanks = 0;
    for (;;) {
      if (signal.aborted) {
        this.batches.setStatus(id, "paused");
        break;
      }
      const item = this.batches.next(id);
      if (!item) {
        this.batches.setStatus(id, "done");
        break;
      }
      if (item.state === "verifying") {
        await this.finishInterrupted(item, operator);
        continue;
      }
      await this.feeder.load(signal);
      const outcome = await this.issueOne(item, operator);
      if (outcome === "bad-blank") {
        badBlanks++;
        if (badBlanks >= MAX_BAD_BLANKS) {
          throw new RhcError("WRONG_CARD", { detail: `${badBlanks} unusable cards in a row: check the card stack` });
        }
      } else {
        badBlanks = 0;
      }
      await this.feeder.eject(outcome === "issued" ? "good" : "reject");
    }
    this.emit({ type: "batch.progress", batch: this.batches.summary(id) });
  }

  private progress(item: StoredItem): void {
    this.emit({ type: "batch.progress", batch: this.batches.summary(item.batchId), item: publicItem(item) });
  }

  private async issueOne(item: StoredItem, operator: Operator): Promise<"issued" | "failed" | "retry" | "bad-blank"> {
    const { batchId, row } = item;
    let prepared: ReturnType<typeof this.workflow.prepare>;
    try {
      prepared = item.plan
        ? preparedFromJson(JSON.parse(item.plan) as PreparedCardJson)
        : this.workflow.prepare(item.resident);
    } catch (error) {
      const e = toRhcError(error);
      this.progress(this.batches.transition(batchId, row, "personalising"));
      this.progress(this.batches.transition(batchId, row, "failed", { error: itemError(e) }));
      return "failed";
    }
    let reachedCard = false;
    try {
      await this.workflow.run(prepared, operator, {
        onPersonalising: (chipSerial) => {
          reachedCard = true;
          this.progress(
            this.batches.transition(batchId, row, "personalising", {
              chipSerial,
              plan: JSON.stringify(preparedToJson(prepared)),
            }),
          );
        },
        onVerifying: () => this.progress(this.batches.transition(batchId, row, "verifying")),
        onCommit: (eventId) => {
          this.batches.transition(batchId, row, "issued", { eventId });
        },
      });
      this.progress(this.batches.item(batchId, row));
      return "issued";
    } catch (error) {
      const e = toRhcError(error);
      if (!reachedCard) {
        // The blank was refused before anything was written: the row waits for the next card.
        if (BAD_BLANK.has(e.code)) return "bad-blank";
        throw e;
      }
      const current = this.batches.item(batchId, row);
      const retry = current.state === "personalising" && CARD_FAULTS.has(e.code) && current.attempts < this.maxAttempts;
      this.progress(this.batches.transition(batchId, row, retry ? "pending" : "failed", { error: itemError(e) }));
      return retry ? "retry" : "failed";
    }
  }

  private async finishInterrupted(item: StoredItem, operator: Operator): Promise<void> {
    const { batchId, row } = item;
    try {
      if (!item.plan || !item.chipSerial) throw new RhcError("INTERNAL", { detail: "interrupted row without a plan" });
      await this.workflow.resume(
        preparedFromJson(JSON.parse(item.plan) as PreparedCardJson),
        operator,
        item.chipSerial,
        {
          onCommit: (eventId) => {
            this.batches.transition(batchId, row, "issued", { eventId });
          },
        },
      );
      this.progress(this.batches.item(batchId, row));
      await this.feeder.eject("good");
    } catch (error) {
      // The card personalised before the crash left with the killed process (or the operator):
      // like a pulled card, the row goes onto the next blank while attempts remain.
      const e = isRhcError(error) ? error : toRhcError(error);
      const retry = CARD_FAULTS.has(e.code) && item.attempts < this.maxAttempts;
      this.progress(this.batches.transition(batchId, row, retry ? "pending" : "failed", { error: itemError(e) }));
    }
  }
}
