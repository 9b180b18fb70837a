/**
 * Something the target format cannot express. Never dropped silently: returned to the client in
 * `X-Switchboard-Warnings` and stored with the log row.
 */
export interface TranslationWarning {
  type: 'unsupported-setting' | 'unsupported-content' | 'unsupported-tool' | 'changed-value' | 'other';
  /** The request field concerned, in the client's terms (`top_k`, `messages[2].content[0]`, …). */
  field?: string;
  message: string;
}
