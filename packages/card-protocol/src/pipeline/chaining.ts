import { RhcError } from "@rhc/errors";
import type { ResponseApdu } from "../apdu/response.js";
import { concatBytes } from "../util/hex.js";
import type { ApduProcessor, PipelineCommand } from "./processor.js";

/** Enough for 64 KiB of chained response; a card asking for more is broken. */
const MAX_ROUNDS = 256;

/**
 * Response chaining (ISO 7816-4 §5.3.3, T=0 habits of the card and SAM): `61xx` → GET RESPONSE
 * with Le = xx, collecting data; `6Cxx` → the same command again with Le = xx.
 */
export class ResponseChaining implements ApduProcessor {
  constructor(private readonly next: ApduProcessor) {}

  async send(command: PipelineCommand): Promise<ResponseApdu> {
    let response = await this.next.send(command);
    let resent = false;
    const parts: Uint8Array[] = [];
    for (let round = 0; ; round++) {
      if (round > MAX_ROUNDS) {
        throw new RhcError("MALFORMED_RESPONSE", { detail: "card keeps answering 61xx/6Cxx; chaining aborted" });
      }
      if (response.sw1 === 0x6c && !resent) {
        // Only once: a card that answers 6Cxx to its own length is not going to improve.
        resent = true;
        response = await this.next.send({ ...command, le: response.sw2 === 0 ? 256 : response.sw2 });
        continue;
      }
      if (response.sw1 !== 0x61) break;
      parts.push(response.data);
      response = await this.next.send({
        cla: 0x00,
        ins: 0xc0,
        p1: 0,
        p2: 0,
        le: response.sw2 === 0 ? 256 : response.sw2,
      });
    }
    if (parts.length === 0) return response;
    const data = concatBytes(...parts, response.data);
    return { ...response, data };
  }
}
