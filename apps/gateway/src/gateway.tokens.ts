// Injection tokens for values that are not classes.
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');
