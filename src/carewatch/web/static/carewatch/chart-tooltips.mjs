// Values on hover. Charts are Vega-Lite drawn to SVG on the server (carewatch.charts): each value
// is a mark whose aria-label holds its words ("October 2021: 65.0%"); this shows them beside the
// pointer (the figures by month are in a table on the same page for the keyboard). No library,
// nothing fetched: the content security policy allows only /static/.
export function initChartTooltips(root = document) {
  const charts = root.querySelectorAll(".cw-chart svg");
  if (!charts.length) return;
  const tip = document.createElement("div");
  tip.className = "cw-chart-tooltip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);
  const hide = () => { tip.hidden = true; };
  for (const svg of charts) {
    svg.addEventListener("pointermove", (event) => {
      const mark = event.target.closest("[aria-label]");
      if (!mark || mark === svg || mark.getAttribute("role") === "graphics-object" || mark.tagName === "g") {
        hide();
        return;
      }
      tip.textContent = mark.getAttribute("aria-label");
      tip.hidden = false;
      // CSSOM, not a style attribute: the content security policy forbids inline styles
      const x = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 4);
      tip.style.left = `${Math.max(4, x)}px`;
      tip.style.top = `${event.clientY + 14}px`;
    });
    svg.addEventListener("pointerleave", hide);
  }
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
}
