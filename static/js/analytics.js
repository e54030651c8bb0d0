// Analytics charts: every <canvas data-chart='{...}'> is drawn with the vendored Chart.js, on
// page load and again whenever htmx swaps new figures in (the range switch, a recorded outcome).
(() => {
  function draw(canvas) {
    const spec = JSON.parse(canvas.dataset.chart);
    const previous = Chart.getChart(canvas);
    if (previous) previous.destroy();
    const scales = { x: { ticks: { maxRotation: 0, autoSkip: true } }, y: { beginAtZero: true } };
    for (const [axis, options] of Object.entries(spec.axes || {})) {
      scales[axis] = { beginAtZero: true, grid: { drawOnChartArea: false }, ...options };
    }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
                 scales, plugins: { legend: { position: "bottom" } } },
    });
  }

  htmx.onLoad((element) => {
    const canvases = element.matches && element.matches("canvas[data-chart]")
      ? [element] : element.querySelectorAll("canvas[data-chart]");
    canvases.forEach(draw);
  });
})();
