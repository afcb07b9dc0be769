// Draws every chart on the page from its Vega-Lite spec (see ivp_charts.vega_chart).
(function () {
  function draw() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.vegaSpec);
      if (!source || typeof vegaEmbed === "undefined") return;
      el.dataset.drawn = "1";
      var spec = JSON.parse(source.textContent);
      // ast: Vega's expression interpreter instead of new Function (the content security policy
      // forbids eval); no injected <style> elements (likewise): their rules are in charts.css.
      vegaEmbed(el, spec, {
        actions: false, renderer: "svg", ast: true, defaultStyle: false,
        tooltip: { disableDefaultStyle: true },
      }).then(function (result) {
        var svg = el.querySelector("svg");
        if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
      }).catch(function (err) { el.textContent = String(err); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  document.addEventListener("htmx:afterSwap", draw);
})();
