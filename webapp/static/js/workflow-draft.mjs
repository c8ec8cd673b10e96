// The workflow draft page: check the YAML as it is typed (a second after the last key),
// and show the results and the diagram of the workflow it makes. Nothing is saved: the
// form's own buttons check and save without JavaScript too.
const form = document.getElementById("workflow-draft-form");
const source = form && form.querySelector("textarea");
const results = document.getElementById("check-results");
let timer = null;
let asked = 0;

function tag(text, colour) {
  const strong = document.createElement("strong");
  strong.className = `govuk-tag govuk-tag--${colour}`;
  strong.textContent = text;
  return strong;
}

function show(problems) {
  const paragraph = document.createElement("p");
  paragraph.className = "govuk-body";
  results.replaceChildren(paragraph);
  results.dataset.valid = problems.length ? "false" : "true";
  if (!problems.length) {
    paragraph.id = "check-passed";
    paragraph.append(tag("No problems", "green"), " The typed workflow passes every check. It is not saved yet.");
    return;
  }
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  paragraph.append(tag(count, "red"), " in the typed draft (not saved).");
  const list = document.createElement("ul");
  list.className = "govuk-list govuk-list--bullet";
  list.id = "check-problems";
  for (const problem of problems) {
    const item = document.createElement("li");
    item.textContent = problem;
    list.append(item);
  }
  results.append(list);
}

async function draw(text) {
  const target = document.getElementById("workflow-diagram");
  if (!text || !target || !window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
  try {
    const { svg } = await window.mermaid.render(`workflow-diagram-svg-${asked}`, text);
    target.innerHTML = svg;
    const drawing = target.querySelector("svg");
    drawing.setAttribute("role", "img");
    drawing.setAttribute("aria-label", target.dataset.label);
    target.dataset.rendered = "true";
  } catch (error) {
    console.error(error);
  }
}

async function check() {
  const number = ++asked;
  const body = new FormData(form);
  const response = await fetch(form.dataset.checkUrl, { method: "POST", body, credentials: "same-origin" });
  if (number !== asked) return; // a newer check is on its way
  const answer = await response.json();
  show(answer.problems || []);
  await draw(answer.mermaid);
}

if (source && results) {
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => check().catch((error) => console.error(error)), 1000);
  });
}
