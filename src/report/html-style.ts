// The HTML report's style sheet, inlined into the page (the file must work offline, with nothing else).
// A tile's figure may wrap between number and unit (html-parts.ts splits them), and a tile may shrink to
// its grid column (min-width: 0): a figure never runs out of its tile, whatever the window's width.

export const STYLE = `
:root{--fg:#1d232b;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f7f8fa;--ok:#1e8e3e;--bad:#c0392b;--warn:#b9770e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px;display:flex;align-items:center;gap:10px}
h2{font-size:16px;margin:28px 0 8px}
h3{font-size:14px;margin:14px 0 6px}
.meta,.muted{color:var(--muted)}
.meta{margin:0 0 4px}
.badge{font-size:13px;padding:2px 10px;border-radius:12px;color:#fff;letter-spacing:.04em}
.badge.pass{background:var(--ok)}.badge.fail{background:var(--bad)}
.alert{margin:12px 0;padding:10px 14px;border-radius:6px;border:1px solid}
.alert.bad{background:#fdecea;border-color:#f5c2bd;color:#7f1d12}
.alert.warn{background:#fff6e0;border-color:#f3d48b;color:#6b4a00}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:16px 0 8px}
.cards.wide{grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:20px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums;line-height:1.25;overflow-wrap:anywhere}
.card .value .unit{font-size:14px;font-weight:500;white-space:nowrap}
.card .sub{color:var(--muted);font-size:12px}
.card.bad .value{color:var(--bad)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px;margin-top:14px}
.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.chart figcaption{font-weight:600;margin-bottom:6px}
.canvas-wrap{position:relative;height:280px}
.legend{font-size:12px}
.swatch{display:inline-block;width:14px;height:0;border-top:2px solid;vertical-align:middle;margin-left:8px}
.swatch.fault{border-color:var(--bad)}.swatch.health{border-color:#e67e22;border-top-style:dashed}
table{border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:8px;font-variant-numeric:tabular-nums;min-width:40%}
th,td{padding:5px 12px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:#f0f2f5;font-weight:600;font-size:12px}
td.num,th.num{text-align:right}
td .events{white-space:normal}
table.compare td:last-child{white-space:normal;min-width:140px}
tbody tr:last-child td{border-bottom:0}
.ok{color:var(--ok);font-weight:700}.bad{color:var(--bad);font-weight:700}.warn{color:var(--warn);font-weight:700}
b.best{color:var(--ok)}
.delta{font-size:12px;margin-left:4px}.delta.up{color:var(--ok)}.delta.down{color:var(--bad)}.delta.flat{color:var(--muted)}
.spread{display:block;position:relative;height:6px;min-width:60px;margin:4px 0 1px;background:#eef1f4;border-radius:3px}
.spread .range{position:absolute;top:0;bottom:0;min-width:2px;background:#4e79a7;border-radius:3px}
.spread .mean{position:absolute;top:-2px;bottom:-2px;width:2px;margin-left:-1px;background:var(--fg)}
.tag{font-size:11px;padding:1px 6px;border-radius:4px;background:#eef1f4}
.tag.fault{background:#fdecea;color:var(--bad)}.tag.health{background:#fff1e0;color:#9a5b00}
details{margin-top:20px}summary{cursor:pointer;font-weight:600}
details table{margin-top:8px}
footer{margin-top:30px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}
`
