// The app shell, precached at install. Change VERSION with every release: the old cache is deleted.
export const VERSION = "5";
export const SHELL = [
  "/app/", "/app/manifest.webmanifest", "/app/icons/icon.svg", "/app/icons/icon-192.png", "/app/css/app.css",
  "/app/js/app.js", "/app/js/api.js", "/app/js/data.js", "/app/js/gps.js", "/app/js/i18n.js",
  "/app/js/outbox.js", "/app/js/storage.js", "/app/js/views.js", "/app/js/map.js", "/app/js/tasks.js",
  "/app/js/gcj02.js", "/app/js/html.js", "/app/vendor/leaflet/leaflet.js", "/app/vendor/leaflet/leaflet.css",
];
