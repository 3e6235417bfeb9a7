import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { MAX_PRECACHED_FILE_BYTES, PRECACHE_GLOB_PATTERNS } from './src/app/pwa/precache-rules.ts';

/**
 * Cross-origin isolation lets onnxruntime-web run WASM threads (SharedArrayBuffer). Every server that
 * hosts the app must send these two headers; the dev and preview servers here do.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      registerType: 'prompt',
      // Registration is done by src/app/pwa/ with workbox-window, so the person is asked before updating.
      injectRegister: false,
      strategies: 'generateSW',
      // The glob below already precaches the icons; listing them again would add duplicate entries.
      includeManifestIcons: false,
      manifest: {
        name: 'BCD photo diary',
        short_name: 'BCD',
        description: 'A private photo diary that measures visible change over time, on your phone.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f6f4ef',
        theme_color: '#2f5d62',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: PRECACHE_GLOB_PATTERNS,
        maximumFileSizeToCacheInBytes: MAX_PRECACHED_FILE_BYTES,
        navigateFallback: '/index.html',
        cleanupOutdatedCaches: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  assetsInclude: ['**/*.onnx'],
  // onnxruntime-web and hnswlib-wasm locate their .wasm files at run time; pre-bundling would move them away.
  optimizeDeps: { exclude: ['onnxruntime-web', 'hnswlib-wasm'] },
  build: {
    target: 'es2022',
    // OpenCV.js alone is ~10 MB inside the preprocess worker; that size is expected, not a mistake.
    chunkSizeWarningLimit: 12_000,
  },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
});
