// @tailgate/bus/testing: the conformance suite every LogBus implementation passes, and its helpers.
export * from './describe-log-bus';
export * from './message-inbox';
export * from './next-connection-state';
