import { useEffect, useState } from "react";
import type { ChannelOutput, Operator } from "../shared/channels.js";
import { AuditPage } from "./AuditPage.js";
import { api } from "./api.js";
import { BatchPage } from "./BatchPage.js";
import { CardsPage } from "./CardsPage.js";
import { IssuePage } from "./IssuePage.js";
import { type Lang, LangContext, useT } from "./i18n.js";
import { LoginPage } from "./LoginPage.js";

type Page = "issue" | "cards" | "batch" | "audit";

function Shell({ lang, setLang }: { lang: Lang; setLang: (l: Lang) => void }) {
  const t = useT();
  const [info, setInfo] = useState<ChannelOutput<"app.info"> | null>(null);
  const [operator, setOperator] = useState<Operator | null>(null);
  const [page, setPage] = useState<Page>("issue");

  useEffect(() => {
    void api.invoke("app.info", {}).then(setInfo);
    void api.invoke("session.current", {}).then((s) => setOperator(s.operator));
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);

  const nav: [Page, Parameters<typeof t>[0]][] = [
    ["issue", "navIssue"],
    ["cards", "navCards"],
    ["batch", "navBatch"],
    ["audit", "navAudit"],
  ];
  return (
    <div className="app">
      <header>
        <h1>{t("appTitle")}</h1>
        <span className="centre">{info?.centre}</span>
        {operator && (
          <span className="operator" data-testid="operator">
            {t("operator")}：{operator.name}（{operator.id}）
            <button type="button" onClick={() => void api.invoke("session.logout", {}).then(() => setOperator(null))}>
              {t("logout")}
            </button>
          </span>
        )}
        <button type="button" className="lang" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
          {t("language")}
        </button>
      </header>
      {!operator ? (
        <LoginPage onLogin={setOperator} />
      ) : (
        <>
          <nav>
            {nav.map(([id, label]) => (
              <button key={id} type="button" className={page === id ? "active" : ""} onClick={() => setPage(id)}>
                {t(label)}
              </button>
            ))}
          </nav>
          <main>
            {page === "issue" && <IssuePage />}
            {page === "cards" && <CardsPage />}
            {page === "batch" && <BatchPage />}
            {page === "audit" && <AuditPage />}
          </main>
        </>
      )}
    </div>
  );
}

export function App() {
  const [lang, setLang] = useState<Lang>("zh");
  return (
    <LangContext.Provider value={lang}>
      <Shell lang={lang} setLang={setLang} />
    </LangContext.Provider>
  );
}
