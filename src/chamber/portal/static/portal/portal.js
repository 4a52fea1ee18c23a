// The members' portal: register the service worker that keeps tickets for offline use.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/portal/sw.js", { scope: "/portal/" }).catch(function () {});
}
