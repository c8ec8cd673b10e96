// Form pages. Loaded before app.mjs (which starts GOV.UK Frontend), because it takes over
// two jobs on the section form:
//
// 1. Conditional reveals. GOV.UK Frontend's radios and checkboxes put aria-expanded on the
//    inputs, which ARIA does not allow on them (axe-core reports it; see
//    alphagov/govuk-frontend#979). The markup is GOV.UK's own; only the toggling is done
//    here, with aria-controls and without aria-expanded.
// 2. Questions that apply only to some answers of a question above them
//    (data-shown-when-*). Without JavaScript every such question is shown, with a note
//    saying when to answer it; the server ignores answers to questions that do not apply.

function valuesOf(form, name) {
  return Array.from(form.elements)
    .filter((input) => input.name === name)
    .flatMap((input) => {
      if (input.type === "radio" || input.type === "checkbox") return input.checked ? [input.value] : [];
      if (input.tagName === "SELECT") return [input.value];
      return [];
    });
}

function syncShownWhen(form) {
  for (const wrapper of form.querySelectorAll("[data-shown-when-name]")) {
    const wanted = wrapper.dataset.shownWhenValues.split(" ");
    const chosen = valuesOf(form, wrapper.dataset.shownWhenName);
    wrapper.hidden = !chosen.some((value) => wanted.includes(value));
  }
}

function syncReveals(form) {
  for (const input of form.querySelectorAll("input[data-aria-controls]")) {
    const target = document.getElementById(input.dataset.ariaControls);
    if (!target) continue;
    const hiddenClass = input.type === "radio"
      ? "govuk-radios__conditional--hidden" : "govuk-checkboxes__conditional--hidden";
    target.classList.toggle(hiddenClass, !input.checked);
  }
}

for (const form of document.querySelectorAll("form.ecaf-section-form")) {
  for (const input of form.querySelectorAll("input[data-aria-controls]")) {
    input.setAttribute("aria-controls", input.dataset.ariaControls);
    const group = input.closest("[data-module='govuk-radios'], [data-module='govuk-checkboxes']");
    if (group) group.removeAttribute("data-module");
  }
  const sync = () => { syncReveals(form); syncShownWhen(form); };
  sync();
  form.addEventListener("change", sync);
}
