/**
 * One SSE frame as the Gemini API writes it: `data: {json}` and CRLF line ends. Google's JS SDKs
 * cut frames with `/^data: (.*)(?:\n\n|\r\r|\r\n\r\n)/`, so the JSON must sit on one line, and
 * `.` does not match U+2028 or U+2029 either: JSON.stringify leaves those raw, so they are escaped.
 */
export function geminiSseFrame(body: unknown): string {
  const json = JSON.stringify(body)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `data: ${json}\r\n\r\n`;
}
