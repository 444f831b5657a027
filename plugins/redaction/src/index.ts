// Public entry of @tailgate/plugin-redaction.
import { redactionPlugin } from './plugin';

export { DEFAULT_RULE_NAMES, DEFAULT_RULE_PATTERNS } from './default-rules';
export { emailRule } from './email-rule';
export { lineMasker } from './line-masker';
export { type MaskParams, MaskParamsSchema } from './mask-params';
export { type MaskRule, maskToken, patternRule } from './mask-rule';
export { redactionPlugin, RedactionConfigSchema } from './plugin';
export default redactionPlugin;
