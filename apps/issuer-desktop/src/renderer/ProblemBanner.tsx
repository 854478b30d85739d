import { useContext } from "react";
import type { Problem } from "../shared/channels.js";
import { LangContext, problemText } from "./i18n.js";

export function ProblemBanner({ problem }: { problem: Problem | null }) {
  const lang = useContext(LangContext);
  if (!problem) return null;
  return (
    <div className="problem" role="alert" data-code={problem.code}>
      <strong>{problem.code}</strong> {problemText(problem, lang)}
    </div>
  );
}
