// Section pages: keep what is typed as a draft on the server a few seconds after the last
// key, so that a time-out, a closed browser or a dropped connection loses nothing. The
// page works without it: the buttons save as they always did. A failed send is tried
// again at the next change, and once more as the page is left.
const DELAY_MS = 3000;

function startAutosave(form) {
  const status = document.getElementById("draft-status");
  let timer = null;
  let changed = false;

  async function send() {
    timer = null;
    if (!changed) return;
    changed = false;
    try {
      const response = await fetch(form.dataset.draftUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`draft not kept: ${response.status}`);
      const answer = await response.json();
      if (status) status.textContent = `What you typed was kept as a draft on ${answer.saved_at}.`;
    } catch (error) {
      changed = true;
      if (status) status.textContent = "What you typed could not be kept as a draft yet. It stays on this page.";
    }
  }

  function later() {
    changed = true;
    clearTimeout(timer);
    timer = setTimeout(send, DELAY_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", () => { changed = false; clearTimeout(timer); });
  window.addEventListener("pagehide", () => {
    if (changed && navigator.sendBeacon) navigator.sendBeacon(form.dataset.draftUrl, new FormData(form));
  });
}

for (const form of document.querySelectorAll("form.ecaf-section-form[data-draft-url]")) {
  startAutosave(form);
}
