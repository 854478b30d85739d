import { RhcError } from "@rhc/errors";
import type { ResponseApdu } from "../apdu/response.js";
import type { ApduProcessor, PipelineCommand } from "./processor.js";

const READ_BINARY = 0xb0;
const UPDATE_BINARY = 0xd6;
/** Vendor code never moves more than 0x80 bytes per READ/UPDATE BINARY (spec §3.4, §6.5). */
export const BINARY_CHUNK = 0x80;
/** P1 b8 = 0: the offset is 15 bits (no SFI addressing). */
const MAX_OFFSET = 0x7fff;

const offsetOf = (cmd: PipelineCommand) => (cmd.p1 << 8) | cmd.p2;

/**
 * Splits plain READ BINARY (Le > chunk) and UPDATE BINARY (data > chunk) into chunk-sized commands
 * at increasing offsets. A read stops early at the end of the file (6282 or a short block); any
 * other status word stops the operation and is returned with the data moved so far.
 */
export class BinaryChunker implements ApduProcessor {
  constructor(
    private readonly next: ApduProcessor,
    private readonly chunk = BINARY_CHUNK,
  ) {}

  send(command: PipelineCommand): Promise<ResponseApdu> {
    if (command.cla === 0x00 && command.ins === READ_BINARY && (command.le ?? 0) > this.chunk)
      return this.read(command);
    if (command.cla === 0x00 && command.ins === UPDATE_BINARY && (command.data?.length ?? 0) > this.chunk) {
      return this.update(command);
    }
    return this.next.send(command);
  }

  private checkRange(start: number, length: number): void {
    if (start + length - 1 > MAX_OFFSET) {
      throw new RhcError("MALFORMED_COMMAND", { detail: `binary range ${start}+${length} exceeds 15-bit offsets` });
    }
  }

  private async read(command: PipelineCommand): Promise<ResponseApdu> {
    const start = offsetOf(command);
    const total = command.le ?? 0;
    this.checkRange(start, total);
    // One buffer filled in place: no list of blocks and no second copy to join them.
    let out = new Uint8Array(total);
    let done = 0;
    let last: ResponseApdu | undefined;
    while (done < total) {
      const offset = start + done;
      const le = Math.min(this.chunk, total - done);
      last = await this.next.send({ cla: 0x00, ins: READ_BINARY, p1: offset >> 8, p2: offset & 0xff, le });
      if (done + last.data.length > out.length) {
        // A card answering more than asked: keep every byte, as joining the blocks did.
        const grown = new Uint8Array(done + last.data.length + Math.max(0, total - done - le));
        grown.set(out.subarray(0, done));
        out = grown;
      }
      out.set(last.data, done);
      done += last.data.length;
      if (last.sw !== 0x9000 || last.data.length < le) break;
    }
    return { ...last!, data: done === out.length ? out : out.subarray(0, done) };
  }

  private async update(command: PipelineCommand): Promise<ResponseApdu> {
    const start = offsetOf(command);
    const data = command.data!;
    this.checkRange(start, data.length);
    let last: ResponseApdu | undefined;
    for (let done = 0; done < data.length; done += this.chunk) {
      const offset = start + done;
      const part = data.subarray(done, done + this.chunk);
      last = await this.next.send({ cla: 0x00, ins: UPDATE_BINARY, p1: offset >> 8, p2: offset & 0xff, data: part });
      if (last.sw !== 0x9000) break;
    }
    return last!;
  }
}
