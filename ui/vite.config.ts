/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The desktop shell loads `dist/` through Tauri's asset protocol and browser mode serves it from
// `mlops-portfolio serve --ui ui/dist`; both need relative asset paths and no inline scripts.
export default defineConfig({
  plugins: [svelte()],
  // Component tests mount Svelte in a DOM (happy-dom): use Svelte's browser build under Vitest.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  base: './',
  clearScreen: false,
  build: {
    outDir: 'dist',
    target: 'es2022',
    // Keep everything a file of its own: the CSP allows `script-src 'self'` only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    // `npm run dev` against a running `mlops-portfolio serve --port 8765`: API calls go there, as
    // from the server's own page (it refuses another Host or Origin).
    proxy: {
      '/api': {
        target: 'http://127.0.0.1:8765',
        changeOrigin: true,
        configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('origin', 'http://127.0.0.1:8765')),
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.svelte.ts'],
    environment: 'node',
  },
});
