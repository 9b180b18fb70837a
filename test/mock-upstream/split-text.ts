/**
 * Splits text into `pieces` parts (fewer when the text is shorter) of near-equal length that
 * concatenate back to it, never cutting a surrogate pair in two. Empty text gives no parts.
 */
export function splitText(text: string, pieces: number): string[] {
  if (text.length === 0) return [];
  const count = Math.max(1, Math.min(Math.floor(pieces), text.length));
  const base = Math.floor(text.length / count);
  const longer = text.length % count;
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index < count && start < text.length; index++) {
    let end = index === count - 1 ? text.length : start + base + (index < longer ? 1 : 0);
    const last = text.charCodeAt(end - 1);
    // A high surrogate at the end of a part would leave its low half in the next part.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}
