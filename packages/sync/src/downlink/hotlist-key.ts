/**
 * The hotlist names physical cards [P]. The card number is the holder's ID number (spec §1), so a
 * replacement card keeps the number of the card it replaces; the card issue serial (发卡序列号,
 * element 10, free to read in DDF1/EF05) tells them apart. A key is `cardNo#cardSerial`; a bare
 * `cardNo` key (a platform that lists by number only) blocks every card with that number.
 */
export function hotlistKey(cardNo: string, cardSerial?: string): string {
  return cardSerial ? `${cardNo}#${cardSerial}` : cardNo;
}

/** The keys that can list one physical card, most specific first. */
export function hotlistKeysFor(cardNo: string, cardSerial?: string): string[] {
  return cardSerial ? [hotlistKey(cardNo, cardSerial), cardNo] : [cardNo];
}
