import { useContext, useEffect, useState } from "react";
import type { ChannelOutput, IssueResult, Photo, ReaderState } from "../shared/channels.js";
import type { FieldInfo, FieldProblem, Resident, ResidentKey } from "../shared/resident.js";
import { api } from "./api.js";
import { CardFace } from "./CardFace.js";
import { LangContext, useT } from "./i18n.js";
import { ProblemBanner } from "./ProblemBanner.js";
import { fileToBase64, useCall } from "./use-call.js";

function ReaderBar({ readers }: { readers: ReaderState[] }) {
  const t = useT();
  const kind = (r: ReaderState) =>
    r.card === "blank"
      ? t("cardBlank")
      : r.card === "partial"
        ? t("cardPartial")
        : r.card === "personalised"
          ? t("cardPersonalised")
          : r.card === "absent"
            ? t("cardAbsent")
            : r.card === "unknown"
              ? t("cardUnknown")
              : r.card;
  return (
    <div className="readers" data-testid="readers">
      {t("readers")}:
      {readers.map((r) => (
        <span key={r.role} className={`reader ${r.present ? "present" : ""}`} data-role={r.role} data-card={r.card}>
          {r.reader ?? r.role} — {kind(r)}
        </span>
      ))}
    </div>
  );
}

export function FieldInput({
  field,
  value,
  problem,
  onChange,
}: {
  field: FieldInfo;
  value: string;
  problem: FieldProblem | undefined;
  onChange: (value: string) => void;
}) {
  const lang = useContext(LangContext);
  const label = lang === "zh" ? field.zh : field.en;
  return (
    <div className={`field ${problem ? "invalid" : ""}`} data-field={field.key}>
      <label htmlFor={`f-${field.key}`}>
        {label}
        {field.required && <em>*</em>}
      </label>
      {field.codes ? (
        <select id={`f-${field.key}`} name={field.key} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="" />
          {Object.entries(field.codes).map(([code, text]) => (
            <option key={code} value={code}>
              {code} {text}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={`f-${field.key}`}
          name={field.key}
          value={value}
          placeholder={field.kind === "date" ? "YYYYMMDD" : ""}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {problem && <small className="field-problem">{lang === "zh" ? problem.zh : problem.en}</small>}
    </div>
  );
}

export function IssuePage() {
  const t = useT();
  const [fields, setFields] = useState<FieldInfo[]>([]);
  const [resident, setResident] = useState<Resident>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [photo, setPhoto] = useState<Photo | null>(null);
  const [readers, setReaders] = useState<ReaderState[]>([]);
  const [step, setStep] = useState<string>("");
  const [result, setResult] = useState<IssueResult | null>(null);
  const [face, setFace] = useState<ChannelOutput<"card.face"> | null>(null);
  const { busy, problem, run, setProblem } = useCall();

  useEffect(() => {
    void api.invoke("resident.fields", {}).then((f) => setFields(f.fields));
    const refresh = () =>
      void api.invoke("readers.status", {}).then(
        (r) => setReaders(r.readers),
        () => undefined,
      );
    refresh();
    const timer = setInterval(refresh, 2000);
    const off = api.subscribe((e) => {
      if (e.type === "issue.step") setStep(`${e.step} ${e.done}/${e.total}`);
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, []);

  const set = (key: ResidentKey, value: string) => setResident((r) => ({ ...r, [key]: value }));
  const validate = async () => {
    const { problems: found } = await api.invoke("resident.validate", { resident });
    setProblems(found);
    return found;
  };

  return (
    <section className="issue">
      <ReaderBar readers={readers} />
      <div className="lookup">
        <button
          type="button"
          disabled={busy || !resident.citizenId}
          onClick={() =>
            void run(async () => {
              const found = await api.invoke("resident.lookup", { citizenId: resident.citizenId ?? "" });
              if (found.resident) setResident((r) => ({ ...r, ...found.resident }));
              else setProblem(null);
            })
          }
        >
          {t("lookup")}
        </button>
      </div>
      <form
        className="resident"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            setResult(null);
            setFace(null);
            if ((await validate()).length > 0) return;
            const issued = await api.invoke("card.issue", { resident, ...(photo ? { photo: photo.jpeg } : {}) });
            setResult(issued);
            setFace(await api.invoke("card.face", { chipSerial: issued.chipSerial }));
          });
        }}
      >
        <div className="fields">
          {fields.map((f) => (
            <FieldInput
              key={f.key}
              field={f}
              value={resident[f.key as ResidentKey] ?? ""}
              problem={problems.find((p) => p.field === f.key)}
              onChange={(v) => set(f.key as ResidentKey, v)}
            />
          ))}
        </div>
        <div className="photo">
          <span>{t("photo")}</span>
          {photo && <img alt="" src={`data:image/jpeg;base64,${photo.jpeg}`} width={102} height={126} />}
          <input
            type="file"
            name="photo"
            accept="image/*"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file)
                void run(async () =>
                  setPhoto(await api.invoke("photo.normalize", { image: await fileToBase64(file) })),
                );
            }}
          />
          {photo && (
            <small data-testid="photo-info">
              {t("photoInfo")}: {photo.width}×{photo.height}, {photo.bytes} B, q{photo.quality}
            </small>
          )}
        </div>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void run(validate)}>
            {t("validate")}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("issuing") : t("issue")}
          </button>
          {busy && step && <span className="step">{step}</span>}
        </div>
      </form>
      <ProblemBanner problem={problem} />
      {result && (
        <div className="result" data-testid="issue-result">
          <h3>{t("issued")}</h3>
          <dl>
            <dt>{t("cardNo")}</dt>
            <dd data-testid="result-card-no">{result.cardNo}</dd>
            <dt>{t("chipSerial")}</dt>
            <dd>{result.chipSerial}</dd>
            <dt>SHA-256</dt>
            <dd className="digest">{result.readBackDigest}</dd>
            <dt>APDU</dt>
            <dd>
              {result.apduCount} / {result.durationMs} ms
            </dd>
          </dl>
        </div>
      )}
      {face && <CardFace face={face} />}
    </section>
  );
}
