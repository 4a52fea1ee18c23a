// The portal's service worker: ticket pages (and the static files they use) are kept
// when loaded, and shown from the cache when the network drops. Other pages always go
// to the network (they show personal data that must be fresh).
const CACHE = "portal-tickets-v1";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  const url = new URL(event.request.url);
  const keep = event.request.method === "GET" &&
    (url.pathname.startsWith("/portal/tickets/") || url.pathname.startsWith("/static/"));
  if (!keep) return;
  event.respondWith(
    fetch(event.request).then(function (response) {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then(function (c) { c.put(event.request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(event.request).then(function (hit) { return hit || Response.error(); });
    })
  );
});
