/** The management surface's response envelope (API.md 2). */
export interface Envelope<T> {
  success: boolean;
  message: string;
  data: T;
}

export const ok = <T>(data: T, message = ''): Envelope<T> => ({ success: true, message, data });
