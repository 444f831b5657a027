// Imported first by main.tsx: zod compiles faster parsers with `new Function`, which the gateway's
// Content-Security-Policy (no 'unsafe-eval') forbids and reports. Turned off before any schema
// exists (ES modules run in import order), as the client's own browser build does.
import { config } from 'zod';

config({ jitless: true });
