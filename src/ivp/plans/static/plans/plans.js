// Move keyboard focus to the error summary after a refused form, as the GOV.UK / NL Design
// System pattern asks, so screen-reader users hear what went wrong first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
