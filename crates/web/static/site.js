// The site's comfort script, loaded on every page: keyboard shortcuts (j/k between the
// articles of a list, / to search, ? for the list of shortcuts), the service worker that
// keeps the last read articles for offline reading, and the offline page's list of them.
// Every page works without it.
(function () {
  "use strict";

  // The cache the service worker keeps read articles in (see /sw.js).
  var ARTICLE_CACHE = "tidings-articles";

  function typing(target) {
    if (!target || !target.closest) { return false; }
    return !!target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
  }

  // The article cards of the page, in reading order.
  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("main .card"));
  }

  function currentCard(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      if (list[i] === active || list[i].contains(active) ||
          list[i].classList.contains("card--current")) { return i; }
    }
    return -1;
  }

  // Focuses the title link of the card `step` cards away from the current one (the first
  // card when none is current yet) and scrolls it into view.
  function moveCard(step) {
    var list = cards();
    if (list.length === 0) { return false; }
    var at = currentCard(list);
    var next = at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + step));
    list.forEach(function (card) { card.classList.remove("card--current"); });
    var card = list[next];
    card.classList.add("card--current");
    var link = card.querySelector(".card__title a") || card;
    if (link === card) { card.setAttribute("tabindex", "-1"); }
    link.focus({ preventScroll: true });
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    card.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
    return true;
  }

  function focusSearch() {
    var box = document.getElementById("site-search-q");
    if (!box) { return false; }
    box.focus();
    box.select();
    return true;
  }

  var dialog = document.getElementById("shortcuts");
  var returnFocus = null;

  function openShortcuts() {
    if (!dialog || typeof dialog.showModal !== "function" || dialog.open) { return false; }
    returnFocus = document.activeElement;
    dialog.showModal();
    return true;
  }

  if (dialog && typeof dialog.showModal === "function") {
    dialog.addEventListener("close", function () {
      if (returnFocus && typeof returnFocus.focus === "function" && document.contains(returnFocus)) {
        returnFocus.focus();
      }
      returnFocus = null;
    });
    var close = dialog.querySelector("[data-close]");
    if (close) { close.addEventListener("click", function () { dialog.close(); }); }
    // A click on the backdrop (outside the dialog's box) closes it too.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }
    });
    var openers = document.querySelectorAll("[data-shortcuts-open]");
    for (var i = 0; i < openers.length; i++) {
      openers[i].hidden = false;
      openers[i].addEventListener("click", openShortcuts);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    if (typing(event.target) || (dialog && dialog.open)) { return; }
    var handled = false;
    switch (event.key) {
      case "j": handled = moveCard(1); break;
      case "k": handled = moveCard(-1); break;
      case "/": handled = focusSearch(); break;
      case "?": handled = openShortcuts(); break;
      default: return;
    }
    if (handled) { event.preventDefault(); }
  });

  // The offline page lists the articles this browser keeps.
  function listSavedArticles() {
    var list = document.getElementById("offline-articles");
    if (!list || !window.caches) { return; }
    caches.open(ARTICLE_CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.reverse().map(function (request) {
          return cache.match(request).then(function (response) {
            return response ? response.text() : "";
          }).then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var title = page.querySelector("h1");
            return { url: new URL(request.url).pathname, title: title ? title.textContent.trim() : "" };
          });
        }));
      });
    }).then(function (saved) {
      saved = saved.filter(function (item) { return item.title; });
      if (saved.length === 0) { return; }
      saved.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      var section = document.getElementById("offline-saved");
      if (section) { section.hidden = false; }
    }).catch(function () { /* nothing saved to show */ });
  }

  listSavedArticles();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // Offline reading is a convenience; the site works the same without it.
    });
  }
})();
