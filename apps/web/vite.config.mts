// Builds the UI into dist/ (index.html + hashed assets/) for the gateway to serve at any path
// prefix: relative asset URLs (`base: './'`), no inline script or style (the gateway's CSP forbids
// both), workspace packages from their TypeScript sources.
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: { conditions: ['@tailgate/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill would be an inline script; every browser the UI targets has modulepreload.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs the CSP might refuse (fonts); images may be, img-src allows data:.
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: false,
  },
});
