// A failed console request in the operator's language. The player client's texts cover every code
// in the server's catalogue (operator codes too), so the console reuses them rather than showing
// `OPERATOR_TOTP_INVALID: …` or the server's English developer message. A refused input also names
// the field, since an operator fixes forms, not just retries them.
import { ApiError, errorText, type Lang } from '@fairground/web';

export function consoleError(lang: Lang, e: unknown): string {
  const text = errorText(lang, e);
  if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && typeof e.details?.path === 'string' && e.details.path !== '') {
    const field = e.details.path.replace(/^\//, '').replace(/\//g, ' › ');
    return lang === 'zh' ? `${text}（字段：${field}）` : `${text} (field: ${field})`;
  }
  return text;
}
