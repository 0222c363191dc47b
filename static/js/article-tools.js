// The article page's reading tools: text size (remembered in this browser) and sharing.
// Loaded with `defer`; everything it drives is `hidden` in the HTML, so a browser without
// JavaScript shows no button that does nothing. No inline script or style (strict CSP):
// the size is a class on the <article>, defined in site.css.
(() => {
  "use strict";

  const tools = document.querySelector("[data-article-tools]");
  if (!tools) return;
  const article = tools.closest("article");

  // Text size: steps in percent of the normal size; each but 100 has a class in site.css.
  const STEPS = [90, 100, 115, 130, 150];
  const NORMAL = 100;
  const STORAGE_KEY = "aipick:text-size";

  const stored = () => {
    try {
      return Number(window.localStorage.getItem(STORAGE_KEY));
    } catch {
      return NORMAL; // storage refused (privacy settings): the size just is not remembered
    }
  };

  const remember = (size) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, String(size));
    } catch {
      // Not remembered; the size still applies to this page.
    }
  };

  const sizeButtons = tools.querySelectorAll("[data-text-size]");
  const saved = stored();
  let current = STEPS.includes(saved) ? saved : NORMAL;

  const applySize = () => {
    for (const step of STEPS) {
      article.classList.toggle(`article--text-${step}`, step === current && step !== NORMAL);
    }
    for (const button of sizeButtons) {
      const next = STEPS.indexOf(current) + Number(button.dataset.textSize);
      button.disabled = next < 0 || next >= STEPS.length;
    }
  };

  for (const button of sizeButtons) {
    button.addEventListener("click", () => {
      const next = STEPS[STEPS.indexOf(current) + Number(button.dataset.textSize)];
      if (next === undefined) return;
      current = next;
      remember(current);
      applySize();
    });
  }
  applySize();

  // Sharing: the system share sheet where the browser has one, copying the link where it can.
  const canonical = document.querySelector('link[rel="canonical"]');
  const url = canonical ? canonical.href : window.location.href.split("#")[0];
  const title = document.querySelector("#article-title")?.textContent.trim() || document.title;
  const status = tools.querySelector("[data-tools-status]");
  const shareButton = tools.querySelector("[data-share]");
  const copyButton = tools.querySelector("[data-copy-link]");

  const say = (message) => {
    // Emptied first, so the same message is announced again on a second click.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = message;
    }, 50);
  };

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(url);
      say(tools.dataset.copied);
    } catch {
      say(tools.dataset.copyFailed);
    }
  };

  if (typeof navigator.share === "function") {
    shareButton.hidden = false;
    shareButton.addEventListener("click", async () => {
      try {
        await navigator.share({ title, url });
      } catch (error) {
        // The reader closing the share sheet is not a failure; anything else falls back.
        if (error.name !== "AbortError" && navigator.clipboard) await copyLink();
      }
    });
  }
  if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
    copyButton.hidden = false;
    copyButton.addEventListener("click", copyLink);
  }

  tools.hidden = false;
})();
