import type { IssueResult, Operator } from "../shared/channels.js";
import type { Resident } from "../shared/resident.js";
import type { IssuerApp } from "./create-issuer-app.js";

/**
 * The headless workflow (demo, scripts): validate, personalise the blank card in the issuer reader,
 * read it back and record it — what the "issue" page does, without a session or a browser.
 */
export async function issueCard(
  app: IssuerApp,
  input: { resident: Resident; photo?: Uint8Array; operator: Operator },
): Promise<IssueResult> {
  const prepared = app.workflow.prepare(input.resident, input.photo);
  return app.workflow.run(prepared, input.operator);
}
