import { defineErrors } from '@fairground/core';

/** Reading archived rows back. Pinned, with every other code the server sends, by src/errors.catalogue.json. */
export const RetentionErrors = defineErrors('retention', {
  RETENTION_ARCHIVE_UNAVAILABLE: {
    status: 503,
    message:
      'the archive that holds these rows is missing or does not match its checksum; restore it from the backup and run archive:check',
  },
});
