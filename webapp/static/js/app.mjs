// GOV.UK Frontend components, and the idle time-out warning.
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();

// A page that answers a request (search results) says where to start reading: focus moves
// there, so that a screen reader does not begin again at the top of the page.
document.querySelector("[data-ecaf-focus]")?.focus();

// Warn before the session times out, so nothing typed is lost. The server is the
// authority: if the session has ended, a form sent now is carried through sign-in.
function startIdleWarning(settings) {
  const warningSeconds = Number(settings.dataset.warningSeconds);
  let secondsLeft = Number(settings.dataset.secondsLeft);
  let warned = false;
  let dialog;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "ecaf-timeout-dialog";
    dialog.setAttribute("aria-labelledby", "timeout-heading");
    dialog.setAttribute("aria-describedby", "timeout-message");
    dialog.innerHTML = `
      <h2 class="govuk-heading-m" id="timeout-heading">You will be signed out soon</h2>
      <p class="govuk-body" id="timeout-message"></p>
      <button type="button" class="govuk-button" data-module="govuk-button">Stay signed in</button>`;
    dialog.querySelector("button").addEventListener("click", extend);
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); extend(); });
    document.body.appendChild(dialog);
  }

  function describe() {
    const message = dialog.querySelector("#timeout-message");
    if (secondsLeft <= 0) {
      message.textContent = "You have been signed out. Anything you type is kept on this page: " +
        "when you continue, you will be asked to sign in and can then send it.";
      dialog.querySelector("button").textContent = "Continue";
      return;
    }
    const minutes = Math.ceil(secondsLeft / 60);
    message.textContent = `We will sign you out in ${minutes} minute${minutes === 1 ? "" : "s"} ` +
      "to protect children's information. Anything you have not saved is kept if you stay signed in.";
  }

  async function extend() {
    if (secondsLeft > 0) {
      const response = await fetch(settings.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": settings.dataset.csrfToken, "Accept": "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) secondsLeft = (await response.json()).seconds_left;
    }
    warned = false;
    dialog.close();
  }

  setInterval(() => {
    secondsLeft -= 1;
    if (!warned && secondsLeft <= warningSeconds) {
      warned = true;
      if (!dialog) buildDialog();
      describe();
      dialog.showModal();
      dialog.querySelector("button").focus();
    } else if (warned && (secondsLeft === 0 || secondsLeft % 30 === 0)) {
      describe();
    }
  }, 1000);
}

const idleSettings = document.getElementById("idle-timeout");
if (idleSettings && typeof HTMLDialogElement === "function") startIdleWarning(idleSettings);
