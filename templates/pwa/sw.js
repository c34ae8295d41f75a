/* Newsroom service worker {{ version }}: keeps the app shell for offline use, shows the offline
   page when a page cannot be loaded, and shows push messages. It never stores pages: they
   belong to whoever is signed in, and the next person on this device must not see them. */
"use strict";
const CACHE = "newsroom-shell-{{ version }}";
const SHELL = {{ shell_json|safe }};
const OFFLINE_URL = {{ offline_json|safe }};
const ICON = {{ icon_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // Without cookies: what is cached must not depend on who is signed in.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, {credentials: "omit"}))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("newsroom-") && key !== CACHE)
          .map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    // Pages always come from the network; only when it fails, the offline page.
    event.respondWith(
      fetch(request).catch(() => caches.match(OFFLINE_URL, {ignoreVary: true}))
    );
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && SHELL.includes(url.pathname)) {
    event.respondWith(
      caches.match(url.pathname, {ignoreVary: true}).then((cached) => cached || fetch(request))
    );
  }
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const title = message.title || "Newsroom";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    icon: ICON,
    badge: ICON,
    tag: message.tag || undefined,
    data: {url: message.url || "/"},
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only our own pages: the link is a path on this site.
  const target = new URL((event.notification.data && event.notification.data.url) || "/",
    self.location.origin);
  if (target.origin !== self.location.origin) {
    return;
  }
  event.waitUntil(
    self.clients.matchAll({type: "window", includeUncontrolled: true}).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === target.origin && "navigate" in client) {
          return client.navigate(target.href).then((opened) => (opened || client).focus());
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
