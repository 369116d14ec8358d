// charts.js - ECharts for the pages that draw (epidemic curve, Rt, the
// transmission graph).  The library (/vendor/echarts.min.js, ~1 MB) is
// loaded once, when a page first needs it, by a <script src> from this
// origin: the Content-Security-Policy allows no inline script or style and
// no other origin.  Tooltips are drawn on the canvas (renderMode
// 'richText'): ECharts' HTML tooltips carry inline style attributes, which
// the policy refuses.
let loading = null;

// Resolves with the echarts global once the library is loaded.
export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.min.js';
      s.async = true;
      s.onload = () => (window.echarts ? resolve(window.echarts) : reject(new Error('echarts')));
      s.onerror = () => { loading = null; s.remove(); reject(new Error('echarts')); };
      document.head.append(s);
    });
  }
  return loading;
}

// Draws option into el (a sized element), and resizes the chart with its
// box; the chart is disposed of when el leaves the page.  Returns the chart.
export function drawChart(echarts, el, option) {
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({ animation: false, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily }, ...option });
  // Resized only when the box really changes, and never to nothing: a
  // graph's view of zero width cannot be inverted (ECharts throws), and a
  // box is briefly empty while the page is re-laid out.
  let size = `${el.clientWidth}x${el.clientHeight}`;
  const ro = new ResizeObserver(() => {
    if (!el.isConnected) { ro.disconnect(); chart.dispose(); return; }
    const now = `${el.clientWidth}x${el.clientHeight}`;
    if (now === size || !el.clientWidth || !el.clientHeight) return;
    size = now;
    chart.resize();
  });
  ro.observe(el);
  return chart;
}

// The tooltip every chart uses: drawn on the canvas, not as HTML.
export const TOOLTIP = { renderMode: 'richText', confine: true };

// A user-typed text (a person's name) made safe to draw in a chart label or
// tooltip: the tooltips are canvas text, never HTML, so "<img onerror=…>"
// shows as typed; braces and pipes, which ECharts' rich-text templates
// would read as markup ("{a|…}"), become their full-width forms, and
// control characters go.
export function chartText(s) {
  return String(s ?? '').replace(/[\u0000-\u001f\u007f]/g, '').replace(/[{}|]/g, (c) => ({ '{': '\uff5b', '}': '\uff5d', '|': '\uff5c' }[c]));
}
