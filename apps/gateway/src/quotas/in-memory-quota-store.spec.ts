// The in-memory store passes the conformance suite every store passes.
import { InMemoryQuotaStore } from './in-memory-quota-store';
import { describeQuotaStore } from './testing/describe-quota-store';

describeQuotaStore('in memory', (clock) => new InMemoryQuotaStore(clock));
