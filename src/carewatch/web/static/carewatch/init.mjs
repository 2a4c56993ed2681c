// Loaded as a module (no inline script: the content security policy forbids it).
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initChartTooltips } from "./chart-tooltips.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initChartTooltips();
