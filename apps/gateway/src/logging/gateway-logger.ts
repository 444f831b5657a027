// Injection token of the gateway's pino logger (a value, not a class, so it needs a token).
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
