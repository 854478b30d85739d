import type { ChannelOutput } from "../shared/channels.js";
import { useT } from "./i18n.js";
import { base64ToBlobUrl } from "./use-call.js";

/** The printable card front as HTML preview (the PDF is what goes to the card printer). */
export function CardFace({ face }: { face: ChannelOutput<"card.face"> }) {
  const t = useT();
  return (
    <div className="card-face-wrap">
      <div className="card-face" data-testid="card-face">
        <div className="band">居民健康卡</div>
        <div className="holder">
          <div>
            <span>姓名</span> {face.card.name}
          </div>
          <div>
            <span>卡号</span> {face.card.cardNo}
          </div>
        </div>
        {face.photo && <img className="face-photo" alt="" src={`data:image/jpeg;base64,${face.photo}`} />}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: SVG made by bwip-js on the Node side from the card number */}
        <div className="barcode" dangerouslySetInnerHTML={{ __html: face.barcodeSvg }} />
      </div>
      <a
        className="button"
        href={base64ToBlobUrl(face.pdf, "application/pdf")}
        download={`card-${face.card.cardNo}.pdf`}
      >
        {t("printFace")}
      </a>
    </div>
  );
}
