import { vitePlugin as remix } from '@remix-run/dev'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'

export default defineConfig(({ command }) => ({
  // Architect serves @static files under /_static/ beside the catch-all route. Only builds use that base:
  // the dev server breaks with it.
  base: command === 'build' ? '/_static/' : '/',
  plugins: [
    tailwindcss(),
    remix({
      ignoredRouteFiles: ['**/*.test.*', '**/*.server.test.*'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
      },
    }),
  ],
  server: { port: 3000 },
}))
