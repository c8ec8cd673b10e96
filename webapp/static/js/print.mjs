// A button that prints the page (recovery codes): scripts run only from this site's files.
for (const button of document.querySelectorAll("[data-ecaf-print]")) {
  button.addEventListener("click", () => window.print());
}
