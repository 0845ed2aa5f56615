// The app shell, precached at install (read by sw.js through importScripts). Change VERSION with every
// release: the old cache is deleted. tests/unit/test_pwa_shell.py checks every file of js/ and css/ is listed.
/* exported VERSION, SHELL */
var VERSION = "16";
var SHELL = [
  "/app/", "/app/manifest.webmanifest", "/app/icons/icon.svg", "/app/icons/icon-192.png", "/app/css/app.css",
  "/app/js/app.js", "/app/js/api.js", "/app/js/basemap.js", "/app/js/capture.js", "/app/js/data.js", "/app/js/dispute.js",
  "/app/js/forms.js", "/app/js/gcj02.js", "/app/js/gps.js", "/app/js/household.js", "/app/js/household-changes.js",
  "/app/js/household-form.js", "/app/js/households.js", "/app/js/moves-in.js", "/app/js/register.js",
  "/app/js/register-conflict.js", "/app/js/register-messages.js",
  "/app/js/html.js", "/app/js/i18n.js", "/app/js/ids.js", "/app/js/login.js", "/app/js/map.js", "/app/js/me.js", "/app/js/message-settings.js", "/app/js/messages.js",
  "/app/js/outbox.js", "/app/js/photo-field.js", "/app/js/photos.js", "/app/js/report.js", "/app/js/report-dispute.js", "/app/js/session.js",
  "/app/js/storage.js", "/app/js/sync-screen.js", "/app/js/tasks.js",
  "/app/vendor/leaflet/leaflet.js", "/app/vendor/leaflet/leaflet.css",
];
