import { useEffect, useState } from "react";
import type { AuditRecord, ChannelOutput } from "../shared/channels.js";
import { api } from "./api.js";
import { useT } from "./i18n.js";
import { ProblemBanner } from "./ProblemBanner.js";
import { useCall } from "./use-call.js";

export function AuditPage() {
  const t = useT();
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [chain, setChain] = useState<ChannelOutput<"audit.verify"> | null>(null);
  const { problem, run } = useCall();
  useEffect(() => {
    void api.invoke("audit.list", { limit: 200 }).then((r) => setRecords(r.records));
  }, []);
  return (
    <section className="audit">
      <button type="button" onClick={() => void run(async () => setChain(await api.invoke("audit.verify", {})))}>
        {t("verifyChain")}
      </button>
      {chain && (
        <span className={chain.ok ? "ok" : "bad"} data-testid="chain">
          {chain.ok ? t("chainOk") : `${t("chainBroken")} ${chain.brokenAt}`}
        </span>
      )}
      <ProblemBanner problem={problem} />
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>{t("time")}</th>
            <th>{t("operator")}</th>
            <th>{t("action")}</th>
            <th>{t("subject")}</th>
            <th>{t("details")}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.seq} data-action={r.action}>
              <td>{r.seq}</td>
              <td>{new Date(r.at).toLocaleString()}</td>
              <td>{r.actor}</td>
              <td>{r.action}</td>
              <td>{r.subject}</td>
              <td className="details">{JSON.stringify(r.data)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
