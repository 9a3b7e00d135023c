/**
 * The status page: plain HTML, CSS and browser JavaScript served by the prober, no build step. Kept as strings in a
 * module (rather than files next to the build output) so the ESM and CommonJS builds serve the same page without
 * locating assets on disk. The script builds the DOM with textContent only (no innerHTML), and the page's CSP allows
 * nothing but these three same-origin resources and the status API.
 */

export const STATUS_PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>LLM endpoint status</title>
    <link rel="stylesheet" href="status.css" />
    <script src="status.js" defer></script>
  </head>
  <body>
    <header class="top">
      <div>
        <h1>LLM endpoint status</h1>
        <p id="summary" class="summary" data-state="loading">Loading…</p>
      </div>
      <nav id="periods" class="periods" aria-label="Period">
        <button type="button" data-period="24h">24 hours</button>
        <button type="button" data-period="7d">7 days</button>
        <button type="button" data-period="30d">30 days</button>
      </nav>
    </header>
    <main>
      <div class="head-row" aria-hidden="true">
        <span>Endpoint</span><span id="range-label">Last 24 hours</span><span class="num">Uptime</span
        ><span class="num">Median</span>
      </div>
      <div id="monitors" class="monitors" role="list"></div>
      <p id="error" class="error" hidden></p>
      <p class="legend">
        <span><i class="swatch" data-status="1"></i>OK</span>
        <span><i class="swatch" data-status="2"></i>Slow or rate limited</span>
        <span><i class="swatch" data-status="0"></i>Down</span>
        <span><i class="swatch" data-status="-1"></i>No data</span>
      </p>
    </main>
    <footer>
      <span>Updated <time id="updated">–</time>, refreshes every 30 s.</span>
      <a id="json-link" href="api/status">JSON</a>
    </footer>
  </body>
</html>
`;

export const STATUS_PAGE_CSS = String.raw`:root {
  --ok: #1f9d55;
  --slow: #e3a008;
  --down: #d92d20;
  --none: #d5dae1;
  --bg: #f6f7f9;
  --card: #ffffff;
  --text: #1d2330;
  --muted: #667085;
  --line: #e4e7ec;
  color-scheme: light;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.top, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; padding-top: 28px; flex-wrap: wrap; }
h1 { margin: 0 0 6px; font-size: 24px; letter-spacing: -0.01em; }
.summary { margin: 0; font-weight: 600; display: inline-flex; align-items: center; gap: 8px; }
.summary::before { content: ""; width: 10px; height: 10px; border-radius: 50%; background: var(--none); }
.summary[data-state="ok"]::before { background: var(--ok); }
.summary[data-state="degraded"]::before { background: var(--slow); }
.summary[data-state="down"]::before { background: var(--down); }
.periods { display: inline-flex; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: var(--card); }
.periods button {
  border: 0; background: transparent; padding: 7px 14px; font: inherit; color: var(--muted); cursor: pointer;
}
.periods button + button { border-left: 1px solid var(--line); }
.periods button[aria-pressed="true"] { background: var(--text); color: #fff; }
main { margin-top: 20px; }
.head-row, .row {
  display: grid;
  grid-template-columns: minmax(180px, 230px) 1fr 80px 80px;
  gap: 18px;
  align-items: center;
}
.head-row { padding: 0 18px 6px; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.monitors { background: var(--card); border: 1px solid var(--line); border-radius: 12px; overflow: hidden; }
.row { padding: 14px 18px; }
.row + .row { border-top: 1px solid var(--line); }
.name { display: flex; flex-direction: column; min-width: 0; }
.name strong { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.current { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); font-size: 13px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--none); flex: none; }
.bar { display: flex; gap: 2px; height: 30px; min-width: 0; }
.cell { flex: 1 1 0; min-width: 2px; border-radius: 2px; background: var(--none); }
.cell:hover { opacity: 0.7; }
[data-status="1"] { background: var(--ok); }
[data-status="2"] { background: var(--slow); }
[data-status="0"] { background: var(--down); }
[data-status="-1"] { background: var(--none); }
.current[data-status] { background: none; }
.current[data-status="1"] .dot { background: var(--ok); }
.current[data-status="2"] .dot { background: var(--slow); }
.current[data-status="0"] .dot { background: var(--down); }
.uptime, .latency { font-weight: 600; }
.uptime[data-level="good"] { color: var(--ok); }
.uptime[data-level="fair"] { color: #b7791f; }
.uptime[data-level="poor"] { color: var(--down); }
.empty, .error { padding: 18px; margin: 0; color: var(--muted); }
.error { color: var(--down); }
.legend { display: flex; gap: 18px; flex-wrap: wrap; color: var(--muted); font-size: 13px; margin: 14px 2px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { width: 12px; height: 12px; border-radius: 3px; display: inline-block; }
footer { display: flex; justify-content: space-between; color: var(--muted); font-size: 13px; padding-bottom: 28px; }
footer a { color: inherit; }
@media (max-width: 720px) {
  .head-row { display: none; }
  .row { grid-template-columns: 1fr 1fr; gap: 10px; }
  .bar { grid-column: 1 / -1; order: 3; }
}
`;

export const STATUS_PAGE_JS = String.raw`'use strict';
(function () {
  var PERIODS = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' };
  var LABELS = { '1': 'OK', '2': 'Slow', '0': 'Down', '-1': 'No data' };
  var REFRESH_MS = 30000;
  var period = new URLSearchParams(location.search).get('period');
  if (!PERIODS[period]) period = '24h';
  var timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function ms(value) {
    if (value === null || value === undefined) return '–';
    return value < 1000 ? Math.round(value) + ' ms' : (value / 1000).toFixed(2) + ' s';
  }
  function pct(value) {
    if (value === null || value === undefined) return '–';
    return (value === 100 ? '100' : value.toFixed(2)) + '%';
  }
  function ago(iso) {
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }
  function when(iso, seconds) {
    var start = new Date(iso);
    var end = new Date(start.getTime() + seconds * 1000);
    var opts = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    return start.toLocaleString(undefined, opts) + ' – ' + end.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }

  function row(m, bucketSeconds) {
    var r = el('div', 'row');
    r.setAttribute('role', 'listitem');
    r.dataset.provider = m.provider;
    r.dataset.service = m.service;

    var name = el('div', 'name');
    name.appendChild(el('strong', '', m.provider + ' / ' + m.service));
    var cur = m.current_status;
    var current = el('span', 'current');
    current.dataset.status = cur ? String(cur.status) : '-1';
    current.appendChild(el('i', 'dot'));
    current.appendChild(
      document.createTextNode(cur ? LABELS[String(cur.status)] + ' · ' + ms(cur.latency) + ' · ' + ago(cur.timestamp) : 'No data yet'),
    );
    name.appendChild(current);
    r.appendChild(name);

    var bar = el('div', 'bar');
    bar.setAttribute('aria-label', 'Timeline, oldest first');
    m.timeline.forEach(function (p) {
      var c = el('span', 'cell');
      c.dataset.status = String(p.status);
      c.title =
        when(p.time, bucketSeconds) +
        '\n' +
        (p.count === 0
          ? 'No data'
          : LABELS[String(p.status)] + ' · ' + p.count + ' probe' + (p.count === 1 ? '' : 's') + ' · ' +
            Math.round(p.availability * 100) + '% up · median ' + ms(p.latency));
      bar.appendChild(c);
    });
    r.appendChild(bar);

    var up = el('span', 'num uptime', pct(m.uptime));
    if (m.uptime !== null) up.dataset.level = m.uptime >= 99 ? 'good' : m.uptime >= 95 ? 'fair' : 'poor';
    r.appendChild(up);
    r.appendChild(el('span', 'num latency', ms(m.median_latency)));
    return r;
  }

  function summarize(data) {
    var summary = document.getElementById('summary');
    var down = data.filter(function (m) { return m.current_status && m.current_status.status === 0; }).length;
    var slow = data.filter(function (m) { return m.current_status && m.current_status.status === 2; }).length;
    var known = data.filter(function (m) { return m.current_status; }).length;
    if (data.length === 0) { summary.dataset.state = 'none'; summary.textContent = 'No monitors configured'; }
    else if (down > 0) { summary.dataset.state = 'down'; summary.textContent = down + ' of ' + data.length + ' endpoints down'; }
    else if (slow > 0) { summary.dataset.state = 'degraded'; summary.textContent = slow + ' of ' + data.length + ' endpoints degraded'; }
    else if (known === 0) { summary.dataset.state = 'none'; summary.textContent = 'Waiting for the first probes'; }
    else { summary.dataset.state = 'ok'; summary.textContent = 'All endpoints operational'; }
  }

  function render(body) {
    var list = document.getElementById('monitors');
    var rows = body.data.map(function (m) { return row(m, body.meta.bucket_seconds); });
    list.replaceChildren.apply(list, rows.length ? rows : [el('p', 'empty', 'No monitors configured.')]);
    summarize(body.data);
    document.getElementById('updated').textContent = new Date().toLocaleTimeString();
    document.body.dataset.loaded = 'true';
  }

  function load() {
    clearTimeout(timer);
    var error = document.getElementById('error');
    fetch('api/status?period=' + encodeURIComponent(period), { headers: { accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('status API answered ' + res.status);
        return res.json();
      })
      .then(function (body) { error.hidden = true; render(body); })
      .catch(function (err) { error.hidden = false; error.textContent = 'Could not load the status: ' + err.message; })
      .finally(function () { timer = setTimeout(load, REFRESH_MS); });
  }

  function select(p) {
    period = p;
    document.querySelectorAll('#periods button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.period === p));
    });
    document.getElementById('range-label').textContent = PERIODS[p];
    document.getElementById('json-link').setAttribute('href', 'api/status?period=' + p);
    var url = new URL(location.href);
    url.searchParams.set('period', p);
    history.replaceState(null, '', url);
    load();
  }

  document.getElementById('periods').addEventListener('click', function (e) {
    var b = e.target.closest('button[data-period]');
    if (b) select(b.dataset.period);
  });
  select(period);
})();
`;
