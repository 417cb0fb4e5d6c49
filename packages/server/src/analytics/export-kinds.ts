// The record kinds operators can export, on their own so the API contract (which the browser
// clients type-check against) does not pull in the export code.
export const EXPORT_KINDS = ['transfers', 'orders', 'hands'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
