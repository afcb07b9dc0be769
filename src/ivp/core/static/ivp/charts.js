// Draws every chart on the page from its Vega-Lite spec (see ivp_charts.vega_chart).
(function () {
  function draw() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.vegaSpec);
      if (!source || typeof vegaEmbed === "undefined") return;
      el.dataset.drawn = "1";
      var spec = JSON.parse(source.textContent);
      vegaEmbed(el, spec, { actions: false, renderer: "svg" }).then(function (result) {
        var svg = el.querySelector("svg");
        if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
      }).catch(function (err) { el.textContent = String(err); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  document.addEventListener("htmx:afterSwap", draw);
})();
