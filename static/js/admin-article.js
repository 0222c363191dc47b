// The article's admin page: ↑/↓ buttons on numbered inline rows, and the body preview.
// A first-party file (strict CSP: no inline script). Without JavaScript the order numbers
// are edited by hand and `미리보기` opens the preview page in a new tab.
// The admin puts form media in <head>, so the work starts once the page is parsed.
const start = () => {
  "use strict";

  // Moving a row swaps its content with its neighbour's and leaves every order number in
  // place, so numbers stay 1, 2, 3… from the top, and an untouched empty row stays empty.
  const CONTENT = "input[type=text], textarea, select";
  const contentOf = (row) =>
    [...row.querySelectorAll(CONTENT)].filter((el) => !el.name.endsWith("-order"));

  const swap = (a, b) => {
    const left = contentOf(a);
    const right = contentOf(b);
    left.forEach((el, i) => {
      const other = right[i];
      if (!other) return;
      [el.value, other.value] = [other.value, el.value];
    });
  };

  const addButtons = (row) => {
    const cell = row.querySelector("td.field-order");
    if (!cell || cell.querySelector(".row-move")) return;
    for (const [label, step, text] of [["위로", -1, "↑"], ["아래로", 1, "↓"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "row-move";
      button.textContent = text;
      button.setAttribute("aria-label", `${label} 옮기기`);
      button.addEventListener("click", () => {
        const rows = [...row.parentElement.querySelectorAll("tr.form-row:not(.empty-form)")];
        const neighbour = rows[rows.indexOf(row) + step];
        if (neighbour) swap(row, neighbour);
      });
      cell.append(button);
    }
  };

  document
    .querySelectorAll(".ordered-rows tr.form-row:not(.empty-form)")
    .forEach(addButtons);
  // A row added with "추가" comes from the formset's blank template. Once something is typed
  // in it, it is numbered after the last row (and a debate line answers the one above it);
  // an added row left empty keeps the template's values, so the admin still skips it.
  document.addEventListener("formset:added", (event) => {
    const row = event.target.closest ? event.target.closest("tr.form-row") : null;
    if (!row || !row.closest(".ordered-rows")) return;
    addButtons(row);
    const order = row.querySelector("input[name$='-order']");
    if (!order) return;
    row.addEventListener(
      "input",
      () => {
        const rows = [...row.parentElement.querySelectorAll("tr.form-row:not(.empty-form)")];
        const numbers = rows
          .filter((other) => other !== row)
          .map((other) => Number(other.querySelector("input[name$='-order']")?.value) || 0);
        order.value = String(Math.max(0, ...numbers) + 1);
        const speaker = row.querySelector("select[name$='-speaker']");
        const above = rows[rows.indexOf(row) - 1]?.querySelector("select[name$='-speaker']");
        if (speaker && !speaker.value && above && above.value) {
          speaker.value = above.value === "buki" ? "moki" : "buki";
        }
      },
      { once: true },
    );
  });

  // Preview: the body as readers will get it, rendered by the server's own renderer.
  const button = document.querySelector("[data-body-preview-url]");
  if (!button) return;
  const form = button.form;
  const box = form.querySelector("[data-body-preview]");
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const data = new FormData();
    data.append("body", form.elements.body.value);
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    const url = `${button.dataset.bodyPreviewUrl}?fragment=1`;
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      // Sanitised by the server (articles/rendering.py): the same HTML the article page shows.
      box.innerHTML = await response.text();
    } catch {
      box.textContent = "미리보기를 불러오지 못했습니다. 잠시 후 다시 눌러 주세요.";
    }
    box.hidden = false;
  });
};

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
