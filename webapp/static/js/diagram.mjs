// Draw a workflow diagram from its Mermaid text on the page (#workflow-diagram-source),
// with the mermaid script this site serves loaded before this module. The page's tables
// carry the same information for screen readers, so the drawing is one image with a label.
const source = document.getElementById("workflow-diagram-source");
const target = document.getElementById("workflow-diagram");
window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
try {
  const { svg } = await window.mermaid.render("workflow-diagram-svg", source.textContent);
  target.innerHTML = svg;
  const drawing = target.querySelector("svg");
  drawing.setAttribute("role", "img");
  drawing.setAttribute("aria-label", target.dataset.label);
  target.dataset.rendered = "true";
} catch (error) {
  target.dataset.rendered = "failed";
  console.error(error);
}
