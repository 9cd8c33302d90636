// The service worker: keeps the site's shell (stylesheet, scripts, icons, the offline page)
// and the last articles the reader opened, so those read offline. The server puts
// `const SHELL = { version, urls, offline, keep }` above this text.
"use strict";

var SHELL_CACHE = "tidings-shell-" + SHELL.version;
// The same name as in site.js, which lists these on the offline page.
var ARTICLE_CACHE = "tidings-articles";


self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(SHELL.urls); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("tidings-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Only article pages are kept (`/article/<id>`, no query: a question to the assistant is
// the reader's own). Account, admin and moderation pages, form answers and the API pass
// straight to the network and are never stored.
function isArticle(url) {
  return /^\/article\/\d+$/.test(url.pathname) && url.search === "";
}

function kept(response) {
  if (!response || response.status !== 200 || response.type !== "basic") { return false; }
  var type = response.headers.get("Content-Type") || "";
  var control = response.headers.get("Cache-Control") || "";
  return type.indexOf("text/html") === 0 && !/no-store/i.test(control);
}

// Keeps `response` (the anonymous page: a signed-in reader's own page, marked private, is
// fetched again without cookies) and drops the oldest articles beyond `SHELL.keep`.
function keepArticle(url, response) {
  var control = response.headers.get("Cache-Control") || "";
  var anonymous = /private/i.test(control)
    ? fetch(url.href, { credentials: "omit", cache: "no-store" })
    : Promise.resolve(response);
  return anonymous.then(function (page) {
    if (!kept(page) || /private/i.test(page.headers.get("Cache-Control") || "")) { return; }
    return caches.open(ARTICLE_CACHE).then(function (cache) {
      // put() replaces an earlier copy and moves it last: keys() lists oldest first.
      return cache.delete(url.href)
        .then(function () { return cache.put(url.href, page); })
        .then(function () { return cache.keys(); })
        .then(function (keys) {
          var extra = keys.length - SHELL.keep;
          return Promise.all(keys.slice(0, Math.max(0, extra)).map(function (key) {
            return cache.delete(key);
          }));
        });
    });
  }).catch(function () { /* not kept this time */ });
}

function offlinePage() {
  return caches.match(SHELL.offline, { cacheName: SHELL_CACHE }).then(function (page) {
    return page || new Response("You are offline.", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
    });
  });
}

function navigate(event, url) {
  return fetch(event.request).then(function (response) {
    if (isArticle(url) && kept(response)) {
      event.waitUntil(keepArticle(url, response.clone()));
    }
    return response;
  }).catch(function () {
    if (!isArticle(url)) { return offlinePage(); }
    return caches.open(ARTICLE_CACHE).then(function (cache) {
      return cache.match(url.href, { ignoreVary: true });
    }).then(function (saved) { return saved || offlinePage(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
    return;
  }
  if (SHELL.urls.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});
