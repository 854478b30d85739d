import { useEffect, useState } from "react";
import type { CardRecord } from "../shared/channels.js";
import { api } from "./api.js";
import { useT } from "./i18n.js";
import { ProblemBanner } from "./ProblemBanner.js";
import { useCall } from "./use-call.js";

export function CardsPage() {
  const t = useT();
  const [query, setQuery] = useState("");
  const [reason, setReason] = useState("");
  const [cards, setCards] = useState<CardRecord[]>([]);
  const { busy, problem, run } = useCall();
  const load = () => run(async () => setCards((await api.invoke("cards.list", { query })).cards));
  useEffect(() => {
    void api.invoke("cards.list", {}).then((r) => setCards(r.cards));
  }, []);
  const status = (s: CardRecord["status"]) =>
    t(
      s === "issued"
        ? "statusIssued"
        : s === "lost"
          ? "statusLost"
          : s === "replaced"
            ? "statusReplaced"
            : "statusBlocked",
    );

  return (
    <section className="cards">
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <input name="query" placeholder={t("search")} value={query} onChange={(e) => setQuery(e.target.value)} />
        <input name="reason" placeholder={t("reason")} value={reason} onChange={(e) => setReason(e.target.value)} />
      </form>
      <ProblemBanner problem={problem} />
      <table>
        <thead>
          <tr>
            <th>{t("cardNo")}</th>
            <th>{t("name")}</th>
            <th>{t("chipSerial")}</th>
            <th>{t("status")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cards.map((c) => (
            <tr key={c.chipSerial} data-chip={c.chipSerial}>
              <td>{c.cardNo}</td>
              <td>{c.name}</td>
              <td>{c.chipSerial}</td>
              <td data-status={c.status}>{status(c.status)}</td>
              <td>
                {c.status === "issued" && (
                  <button
                    type="button"
                    disabled={busy || !reason}
                    onClick={() =>
                      void run(() => api.invoke("card.reportLost", { chipSerial: c.chipSerial, reason })).then(load)
                    }
                  >
                    {t("reportLost")}
                  </button>
                )}
                {(c.status === "lost" || c.status === "blocked") && (
                  <button
                    type="button"
                    disabled={busy || !reason}
                    onClick={() =>
                      void run(() => api.invoke("card.unblock", { chipSerial: c.chipSerial, reason })).then(load)
                    }
                  >
                    {t("unblock")}
                  </button>
                )}
                {c.status !== "replaced" && (
                  <button
                    type="button"
                    disabled={busy || !reason}
                    onClick={() =>
                      void run(() => api.invoke("card.replace", { chipSerial: c.chipSerial, reason })).then(load)
                    }
                  >
                    {t("replace")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
