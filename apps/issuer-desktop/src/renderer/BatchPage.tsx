import { useContext, useEffect, useState } from "react";
import type { BatchItem, BatchSummary, ItemState, RowProblem } from "../shared/channels.js";
import { api } from "./api.js";
import { LangContext, type StringKey, useT } from "./i18n.js";
import { ProblemBanner } from "./ProblemBanner.js";
import { useCall } from "./use-call.js";

const STATE_LABEL: Record<ItemState, StringKey> = {
  pending: "pending",
  personalising: "personalising",
  verifying: "verifying",
  issued: "issuedState",
  failed: "failed",
};
const BATCH_LABEL: Record<BatchSummary["status"], StringKey> = {
  ready: "batchReady",
  running: "batchRunning",
  paused: "batchPaused",
  done: "batchDone",
};

export function BatchPage() {
  const t = useT();
  const lang = useContext(LangContext);
  const [name, setName] = useState("");
  const [rejected, setRejected] = useState<RowProblem[]>([]);
  const [batches, setBatches] = useState<BatchSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [items, setItems] = useState<BatchItem[]>([]);
  const { busy, problem, run } = useCall();

  const refresh = async (id = selected) => {
    setBatches((await api.invoke("batch.list", {})).batches);
    if (id) setItems((await api.invoke("batch.get", { id })).items);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load and subscribe once, on mount
  useEffect(() => {
    void refresh();
    return api.subscribe((e) => {
      if (e.type !== "batch.progress") return;
      setBatches((list) => list.map((b) => (b.id === e.batch.id ? e.batch : b)));
      const item = e.item;
      if (item) setItems((list) => list.map((i) => (i.row === item.row ? item : i)));
    });
  }, []);
  const current = batches.find((b) => b.id === selected);

  return (
    <section className="batch">
      <form className="import" onSubmit={(e) => e.preventDefault()}>
        <input name="batchName" placeholder={t("batchName")} value={name} onChange={(e) => setName(e.target.value)} />
        <label className="button">
          {t("importCsv")}
          <input
            type="file"
            name="csv"
            accept=".csv,text/csv"
            hidden
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (!file) return;
              void run(async () => {
                const result = await api.invoke("batch.import", { name: name || file.name, csv: await file.text() });
                setRejected(result.rejected);
                setSelected(result.batch.id);
                await refresh(result.batch.id);
              });
            }}
          />
        </label>
      </form>
      <ProblemBanner problem={problem} />
      {rejected.length > 0 && (
        <div className="rejected" data-testid="rejected">
          <h3>
            {t("rejectedRows")} ({new Set(rejected.map((r) => r.row)).size})
          </h3>
          <table>
            <thead>
              <tr>
                <th>{t("row")}</th>
                <th>{t("field")}</th>
                <th>{t("problem")}</th>
              </tr>
            </thead>
            <tbody>
              {rejected.map((r) => (
                <tr key={`${r.row}-${r.field}`} data-row={r.row} data-field={r.field}>
                  <td>{r.row}</td>
                  <td>{r.field}</td>
                  <td>{lang === "zh" ? r.zh : r.en}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ul className="batches">
        {batches.map((b) => (
          <li key={b.id}>
            <button
              type="button"
              className={b.id === selected ? "active" : ""}
              onClick={() => {
                setSelected(b.id);
                void refresh(b.id);
              }}
            >
              {b.name} — {t(BATCH_LABEL[b.status])} ({b.counts.issued}/{b.total})
            </button>
          </li>
        ))}
      </ul>
      {current && (
        <div
          className="progress"
          data-testid="batch-progress"
          data-status={current.status}
          data-issued={current.counts.issued}
          data-failed={current.counts.failed}
        >
          <progress value={current.counts.issued + current.counts.failed} max={current.total} />
          <span data-testid="batch-counts">
            {t("issuedState")} {current.counts.issued} · {t("failed")} {current.counts.failed} · {t("pending")}{" "}
            {current.counts.pending} / {current.total}
          </span>
          {current.status === "running" ? (
            <button
              type="button"
              onClick={() => void run(() => api.invoke("batch.pause", { id: current.id }).then(() => refresh()))}
            >
              {t("pause")}
            </button>
          ) : (
            current.status !== "done" && (
              <button
                type="button"
                className="primary"
                onClick={() => void run(() => api.invoke("batch.start", { id: current.id }).then(() => refresh()))}
              >
                {current.status === "paused" ? t("resume") : t("start")}
              </button>
            )
          )}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                const { csv } = await api.invoke("batch.report", { id: current.id });
                const a = document.createElement("a");
                a.href = URL.createObjectURL(new Blob([`\uFEFF${csv}`], { type: "text/csv" }));
                a.download = `${current.name}-report.csv`;
                a.click();
              })
            }
          >
            {t("report")}
          </button>
        </div>
      )}
      {current && (
        <table className="items">
          <thead>
            <tr>
              <th>{t("row")}</th>
              <th>{t("name")}</th>
              <th>{t("cardNo")}</th>
              <th>{t("status")}</th>
              <th>{t("attempts")}</th>
              <th>{t("problem")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.row} data-row={i.row} data-state={i.state}>
                <td>{i.row}</td>
                <td>{i.name}</td>
                <td>{i.citizenId}</td>
                <td className={`state ${i.state}`}>{t(STATE_LABEL[i.state])}</td>
                <td>{i.attempts}</td>
                <td>{i.error ? (lang === "zh" ? i.error.zh : i.error.en) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
