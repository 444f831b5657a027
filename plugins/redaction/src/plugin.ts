// The redaction plugin: one record transform, `redaction.mask`, that masks credentials and
// e-mail addresses in record lines. Which listeners get it is the gateway's `redaction` setting
// (profiles per user, group or tenant); the plugin itself has no settings.
import { definePlugin } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { lineMasker } from './line-masker';
import { MaskParamsSchema } from './mask-params';

export const RedactionConfigSchema = z.strictObject({});

export const redactionPlugin = definePlugin({
  id: 'redaction',
  description: 'Masks bearer tokens, JWTs, cloud keys and e-mail addresses in record lines, for the listeners a redaction profile names.',
  configSchema: RedactionConfigSchema,
  register(ctx) {
    ctx.addRecordTransform({ name: 'mask', params: MaskParamsSchema, prepare: lineMasker });
  },
});
