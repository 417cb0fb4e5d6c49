// The support export's download: fetched with the operator's token (a plain link would carry none), saved under the server's file name.
import { ApiError } from '@fairground/web';

/** Downloads the threads as CSV or JSON; returns the file's name and its row count as the server gave it ('?' if not). */
export async function downloadSupportExport(accessToken: string | null, format: 'csv' | 'json') {
  const res = await fetch(`/api/admin/support/export?format=${format}`, {
    headers: { authorization: `Bearer ${accessToken ?? ''}` },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(res.status, { code: body.code ?? `HTTP_${res.status}`, message: body.message ?? `HTTP ${res.status}` });
  }
  const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `support.${format}`;
  const rows = res.headers.get('x-export-rows') ?? '?';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { file, rows };
}
