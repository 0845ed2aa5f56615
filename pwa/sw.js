// The service worker only wires events; what to cache is listed in sw/precache.js. A classic worker
// (importScripts, no ES modules): module service workers need Chromium 91+, which older Android WebViews,
// WeChat's browser and some vendor browsers do not have.
/* global VERSION, SHELL */
importScripts("/app/sw/precache.js");

const CACHE = `wangge-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("wangge-shell-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The app shell comes from the cache (it works with no network); the API always goes to the network:
// the app keeps its data in IndexedDB, so reads work offline without caching answers here.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/app/")) return;
  const key = event.request.mode === "navigate" ? "/app/" : event.request;
  event.respondWith(caches.match(key).then((hit) => hit || fetch(event.request)));
});
