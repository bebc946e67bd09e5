/* ips-jobdev: small enhancements over pages that work without script.
   - registers the service worker (offline pages and the log form);
   - employer search as you type, and employer suggestions in the log form;
   - the offline queue: a visit saved with no connection waits in IndexedDB, with the id
     this browser made for it, and is sent when the connection is back (the server stores
     each id once, so a visit sent twice is stored once). */
"use strict";

(function () {
  const PAGES_CACHE = "ips-jobdev-pages";
  const DB_NAME = "ips-jobdev";
  const STORE = "queue";
  const RETRY_MS = 8000;
  const WATCH_MS = 2000;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  /* ---------------------------------------------------------------- the queue */

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  const queue = {
    all: () => withStore("readonly", (s) => s.getAll()),
    put: (item) => withStore("readwrite", (s) => s.put(item)),
    remove: (id) => withStore("readwrite", (s) => s.delete(id)),
  };

  function status(html, tone) {
    const box = document.getElementById("offline-status");
    if (!box) return;
    if (!html) {
      box.hidden = true;
      box.innerHTML = "";
      return;
    }
    box.hidden = false;
    box.innerHTML = '<div class="notice ' + (tone || "info") + '">' + html + "</div>";
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  async function showQueue(extra) {
    let items = [];
    try {
      items = await queue.all();
    } catch (e) {
      return;
    }
    if (!items.length) {
      status(extra || "", "ok");
      return;
    }
    const lines = items.map((item) => {
      const problem = item.error ? ' <strong>Not sent: ' + escapeHtml(item.error) + "</strong>" : "";
      return (
        '<li class="queue-item"><span>' + escapeHtml(item.summary) + problem + "</span>" +
        '<span><button type="button" class="compact" data-queue-edit="' + escapeHtml(item.id) + '">Put back in the form</button> ' +
        '<button type="button" class="compact" data-queue-drop="' + escapeHtml(item.id) + '">Discard</button></span></li>'
      );
    });
    const waiting = items.length === 1 ? "1 visit is" : items.length + " visits are";
    const why = navigator.onLine ? "" : " There is no connection now; they are sent when it is back.";
    status(
      (extra ? "<p>" + extra + "</p>" : "") +
        "<p><strong>" + waiting + " saved on this device, waiting to be sent.</strong>" + why + "</p>" +
        '<ul class="stack">' + lines.join("") + "</ul>",
      "warn"
    );
  }

  let flushing = false;

  async function flush() {
    if (flushing) return;
    flushing = true;
    let sent = 0;
    let stop = null;
    try {
      const items = await queue.all();
      for (const item of items) {
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST",
            body: new URLSearchParams(item.body),
            headers: { Accept: "application/json" },
            credentials: "same-origin",
          });
        } catch (e) {
          stop = "offline";
          break;
        }
        if (response.ok) {
          await queue.remove(item.id);
          sent += 1;
          continue;
        }
        if (response.status === 401 || response.status === 403) {
          stop = "signin";
          break;
        }
        let message = "the server refused it";
        try {
          const answer = await response.json();
          if (answer.errors) message = Object.values(answer.errors).join(" ");
          else if (answer.message) message = answer.message;
        } catch (e) {
          /* not JSON */
        }
        item.error = message;
        await queue.put(item);
      }
    } finally {
      flushing = false;
    }
    let extra = "";
    if (sent) extra = sent === 1 ? "1 visit saved offline was sent." : sent + " visits saved offline were sent.";
    if (stop === "signin") extra += " Sign in again (the link ips-jobdev serve printed) to send the rest.";
    await showQueue(extra.trim());
  }

  function summarize(form) {
    const data = new FormData(form);
    const employer = (data.get("employer") || "").toString().trim() || "a visit";
    return employer + ", " + (data.get("date") || "") + " " + (data.get("time") || "");
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".field.invalid").forEach((f) => f.classList.remove("invalid"));
    form.querySelectorAll("[aria-invalid]").forEach((f) => f.removeAttribute("aria-invalid"));
    form.querySelectorAll("p.error").forEach((p) => {
      p.hidden = true;
      p.textContent = "";
    });
    let first = null;
    for (const [name, message] of Object.entries(errors)) {
      const slot = document.getElementById(name + "-error");
      const input = form.querySelector("#" + name) || form.querySelector('[name="' + name + '"]');
      if (slot) {
        slot.textContent = message;
        slot.hidden = false;
      }
      if (input) {
        input.setAttribute("aria-invalid", "true");
        const field = input.closest(".field");
        if (field) field.classList.add("invalid");
        first = first || input;
      }
      if (!slot) status("<p>" + escapeHtml(message) + "</p>", "bad");
    }
    if (first) first.focus();
  }

  function setupOfflineForm(form) {
    const idInput = form.querySelector('input[name="submission_id"]');
    if (idInput) idInput.value = newId();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      const body = new URLSearchParams(new FormData(form)).toString();
      let response = null;
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: new URLSearchParams(body),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
      } catch (e) {
        response = null;
      }
      if (button) button.disabled = false;
      if (response === null || response.status === 401) {
        await queue.put({ id: idInput ? idInput.value : newId(), url: form.action, body: body, summary: summarize(form), saved: Date.now() });
        if (idInput) idInput.value = newId();
        form.querySelectorAll("textarea").forEach((t) => (t.value = ""));
        await showQueue("Saved on this device. It will be sent when you are back online.");
        window.scrollTo(0, 0);
        return;
      }
      if (response.ok) {
        const answer = await response.json();
        window.location.assign(answer.redirect || "/today");
        return;
      }
      if (response.status === 422) {
        const answer = await response.json();
        showErrors(form, answer.errors || {});
        return;
      }
      /* a conflict or a refusal: let the server's own page explain it */
      form.submit();
    });
    const pending = sessionStorage.getItem("ips-jobdev-edit");
    if (pending) {
      sessionStorage.removeItem("ips-jobdev-edit");
      fillFromQueue(form, pending);
    }
  }

  async function fillFromQueue(form, id) {
    const items = await queue.all();
    const item = items.find((i) => i.id === id);
    if (!item) return;
    const data = new URLSearchParams(item.body);
    form.querySelectorAll('input[type="checkbox"]').forEach((box) => {
      box.checked = data.getAll(box.name).includes(box.value);
    });
    for (const [name, value] of data.entries()) {
      const input = form.querySelector('[name="' + name + '"]');
      if (!input || input.type === "checkbox" || name === "csrf_token") continue;
      input.value = value;
    }
    await queue.remove(id);
    await showQueue("The visit is back in the form: correct it and save it again.");
  }

  document.addEventListener("click", async (event) => {
    const drop = event.target.closest("[data-queue-drop]");
    if (drop) {
      await queue.remove(drop.getAttribute("data-queue-drop"));
      await showQueue("");
      return;
    }
    const edit = event.target.closest("[data-queue-edit]");
    if (edit) {
      const id = edit.getAttribute("data-queue-edit");
      const form = document.querySelector("form[data-offline-form]");
      if (form) fillFromQueue(form, id);
      else {
        sessionStorage.setItem("ips-jobdev-edit", id);
        window.location.assign("/visits/new");
      }
    }
  });

  /* ------------------------------------------------------------------ search */

  function setupLiveSearch(form) {
    const input = form.querySelector('input[type="search"]');
    const target = document.getElementById("employer-results");
    if (!input || !target) return;
    let last = input.value;
    const run = debounce(async () => {
      const query = input.value.trim();
      if (query === last) return;
      last = query;
      try {
        const response = await fetch("/employers?fragment=1&q=" + encodeURIComponent(query), { credentials: "same-origin" });
        if (!response.ok) return;
        target.innerHTML = await response.text();
        history.replaceState(null, "", query ? "/employers?q=" + encodeURIComponent(query) : "/employers");
      } catch (e) {
        /* offline: the button still works when the connection is back */
      }
    }, 250);
    input.addEventListener("input", run);
  }

  function setupSuggestions(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const run = debounce(async () => {
      const query = input.value.trim();
      if (query.length < 2 || /#\d+$/.test(query)) return;
      try {
        const response = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const found = await response.json();
        list.replaceChildren(
          ...found.map((item) => {
            const option = document.createElement("option");
            option.value = item.label;
            option.label = item.address || "";
            return option;
          })
        );
      } catch (e) {
        /* offline: type the employer's name; the server finds it when the visit is sent */
      }
    }, 200);
    input.addEventListener("input", run);
  }

  /* ----------------------------------------------------------- offline pages */

  async function cacheForOffline() {
    if (!("caches" in window) || !navigator.onLine) return;
    const links = Array.from(document.querySelectorAll("a[data-offline-cache]"), (a) => a.getAttribute("href"));
    if (!links.length) return;
    try {
      const cache = await caches.open(PAGES_CACHE);
      await cache.addAll(["/visits/new", ...links]);
    } catch (e) {
      /* best effort */
    }
  }

  function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    }
    document.querySelectorAll("form[data-offline-form]").forEach(setupOfflineForm);
    document.querySelectorAll("form[data-live-search]").forEach(setupLiveSearch);
    document.querySelectorAll("input[data-suggest]").forEach(setupSuggestions);
    cacheForOffline();
    window.addEventListener("online", flush);
    window.addEventListener("offline", () => showQueue(""));
    /* some browsers miss the "online" event: watch the flag too, and retry now and then */
    let wasOnline = navigator.onLine;
    setInterval(() => {
      if (navigator.onLine && !wasOnline) flush();
      wasOnline = navigator.onLine;
    }, WATCH_MS);
    setInterval(() => {
      if (navigator.onLine) flush();
    }, RETRY_MS);
    if (navigator.onLine) flush();
    else showQueue("");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
