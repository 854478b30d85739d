/**
 * Chinese operator text for the codec's English problem descriptions (card-protocol FIELD_INVALID
 * details). A table, so a new codec message only needs a row; unknown messages fall back to English.
 */
const PROBLEMS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/(\d+) bytes in GBK, at most (\d+) allowed/, (m) => `按 GBK 编码为 ${m[1]} 字节，最多允许 ${m[2]} 字节`],
  [/contains characters outside GBK/, () => "含有 GBK 字符集以外的字符"],
  [/contains a NUL character/, () => "含有非法字符"],
  [/is not in the code list/, () => "不在代码表中"],
  [/check character is (.), expected (.)/, (m) => `不是有效的身份证号码：校验位为 ${m[1]}，应为 ${m[2]}`],
  [/birth date (\d+) is not a valid date/, (m) => `不是有效的身份证号码：出生日期 ${m[1]} 无效`],
  [/must be 17 digits followed by a digit or uppercase X/, () => "身份证号码应为 17 位数字加 1 位数字或大写 X"],
  [/region code cannot start with 0/, () => "不是有效的身份证号码：地区码不能以 0 开头"],
  [/is not a date YYYYMMDD/, () => "不是有效日期（格式 YYYYMMDD）"],
  [/only digits 0-9 allowed/, () => "只能填写数字"],
  [/needs exactly (\d+) digits/, (m) => `必须是 ${m[1]} 位数字`],
  [/(\d+) digits, at most (\d+) allowed/, (m) => `${m[1]} 位数字，最多 ${m[2]} 位`],
  [/expected a byte value|a flag is 0/, () => "取值无效"],
];

export function problemZh(en: string): string {
  for (const [pattern, zh] of PROBLEMS) {
    const m = pattern.exec(en);
    if (m) return zh(m);
  }
  return en;
}
