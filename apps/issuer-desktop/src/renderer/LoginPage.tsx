import { useState } from "react";
import type { Operator } from "../shared/channels.js";
import { api } from "./api.js";
import { useT } from "./i18n.js";
import { ProblemBanner } from "./ProblemBanner.js";
import { useCall } from "./use-call.js";

export function LoginPage({ onLogin }: { onLogin: (operator: Operator) => void }) {
  const t = useT();
  const [pin, setPin] = useState("");
  const { busy, problem, run } = useCall();
  return (
    <section className="login">
      <h2>{t("login")}</h2>
      <p>{t("loginHint")}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const { operator } = await api.invoke("session.login", { pin });
            setPin("");
            onLogin(operator);
          });
        }}
      >
        <label>
          {t("pin")}
          <input
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || pin.length < 4}>
          {t("loginButton")}
        </button>
      </form>
      <ProblemBanner problem={problem} />
    </section>
  );
}
