/* ips-jobdev service worker: keeps the app's files and a few pages (Today, the log form)
   so they open with no connection. Pages come from the network first; the copy is only
   for when there is no network. Visits themselves are queued by app.js, not here. */
"use strict";

const VERSION = "__VERSION__";
const STATIC_CACHE = "ips-jobdev-static-" + VERSION;
const PAGES_CACHE = "ips-jobdev-pages";
const STATIC_FILES = ["/offline", "/static/app.css", "/static/app.js", "/static/icons.svg", "/static/icon.svg", "/manifest.webmanifest"];
const KEPT_PAGES = ["/today", "/visits/new"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(STATIC_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("ips-jobdev-static-") && n !== STATIC_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function staticFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    cache.put(request, response.clone());
  }
  return response;
}

async function pageFromNetwork(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && KEPT_PAGES.includes(url.pathname)) {
      const cache = await caches.open(PAGES_CACHE);
      cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const copy = await caches.match(request);
    if (copy) return copy;
    if (url.pathname === "/visits/new") {
      const blank = await caches.match("/visits/new");
      if (blank) return blank;
    }
    return (await caches.match("/offline")) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(staticFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request, url));
  }
});
