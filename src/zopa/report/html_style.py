"""The report's stylesheet (inlined; system fonts only, no external resources). The font stack names
a CJK face ("Noto Sans CJK SC", Debian's ``fonts-noto-cjk``, and its usual equivalents) so that Chinese
text — a cited source's title, the Chinese edition — renders as glyphs, not boxes; the Chinese edition
puts it first."""

#: The report's fonts: the system's sans-serif, then CJK faces.
FONT_STACK = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC", '
              '"Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif')
#: The Chinese edition's fonts: a CJK face first (its Latin letters and digits are fine too).
FONT_STACK_ZH = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
                 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif')

CSS = """
:root:lang(zh-Hans) body { font-family: FONT_ZH; }
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --accent:#0f172a;
        --pos:#15803d; --neg:#b91c1c; --noise:#b45309; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin:0; color:var(--ink); background:var(--bg); line-height:1.5;
       font: 15px/1.5 FONT; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { background: var(--accent); color: #f8fafc; padding: 28px 0 0; }
header h1 { margin: 4px 0 10px; font-size: 28px; line-height: 1.2; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: #94a3b8; }
pre.tree { overflow-x: auto; max-width: 100%; font-size: 12px; line-height: 1.45; background: #f8fafc; padding: 12px; border-radius: 8px; }
.lede { max-width: 900px; color: #cbd5e1; margin: 0 0 18px; white-space: pre-line; }
nav { display:flex; flex-wrap:wrap; gap:4px; padding-bottom: 0; }
nav a { color:#e2e8f0; text-decoration:none; padding:8px 12px; border-radius:6px 6px 0 0; font-size:14px; }
nav a:hover { background:#1e293b; }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:22px 26px; margin:22px 0; }
section h2 { margin:0 0 6px; font-size:22px; }
h3 { margin:26px 0 6px; font-size:17px; }
p.intro { color:var(--muted); margin:0 0 14px; max-width: 980px; }
p.note { color:var(--muted); font-size:13px; border-left:3px solid var(--line); padding-left:10px; }
.chart { margin: 8px 0 4px; min-height: 200px; }
.table-wrap { overflow-x:auto; margin: 8px 0 4px; }
table { border-collapse: collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
thead th { background:#f1f5f9; font-weight:600; position: sticky; top: 0; }
table.num td:not(:first-child) { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.solutions td { font-variant-numeric: tabular-nums; }
table.solutions tr.differs td { background:#fef9c3; }
table.solutions tr.sep td { border-top:2px solid #cbd5e1; }
tr.muted td { color:var(--muted); font-size:12px; }
table.sources { font-size: 13px; table-layout: fixed; }
table.sources th:nth-child(1) { width: 24%; } table.sources th:nth-child(2) { width: 22%; }
table.sources th:nth-child(3) { width: 9%; } table.sources th:nth-child(4) { width: 15%; }
table.sources td { overflow-wrap: anywhere; }
table.sources tr.assumed td { background:#fffbeb; }
table.meta th { width: 300px; background: none; color: #cbd5e1; font-weight: 500; }
table.meta td, table.meta th { border-color: #334155; }
.pos { color:var(--pos); font-weight:600; } .neg { color:var(--neg); font-weight:600; }
.noise { color:var(--noise); font-weight:600; }
.party { font-weight:600; }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap:14px; margin: 6px 0 16px; }
.card { border:1px solid var(--line); border-radius:8px; padding:12px 14px; background:#fcfcfd; }
.card-title { font-size:12px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); }
.card .big { font-size:24px; font-weight:700; }
.card-note { font-size:13px; color:var(--muted); }
ul.verdict li { margin: 4px 0; font-size: 16px; }
ul.choices { columns: 2; column-gap: 32px; padding-left: 18px; }
ul.choices li { break-inside: avoid; margin: 2px 0; }
.chip { display:inline-block; padding:1px 8px; margin:2px 2px; border-radius:999px; font-size:12.5px;
        border:1px solid #bbf7d0; white-space:nowrap; }
.chip.out { background:#f3f4f6; color:#9ca3af; border-color:#e5e7eb; text-decoration: line-through; }
.status { font-weight:600; white-space:nowrap; } .status.free { color:var(--pos); }
.status.limited { color:var(--noise); } .status.fixed, .status.none { color:var(--neg); }
.badge { display:inline-block; padding:0 7px; border-radius:4px; font-size:11.5px; font-weight:600;
         text-transform:uppercase; letter-spacing:.03em; background:#e0f2fe; color:#075985; }
.badge.assumption { background:#fde68a; color:#78350f; }
.badge.seed { background:#ede9fe; color:#5b21b6; }
.badge.filing { background:#dcfce7; color:#166534; }
ul.sources-list { list-style:none; padding-left:0; font-size:14px; }
ul.sources-list li { padding:5px 0; border-bottom:1px solid var(--line); }
ul.sources-list li:target { background:#fef9c3; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
footer { background: var(--accent); color:#e2e8f0; padding: 18px 0 30px; margin-top: 30px; }
footer h2 { font-size: 18px; } footer code { color: #f8fafc; word-break: break-all; }
@media print { header, footer { background:#fff; color:#000; } nav { display:none; }
               section { break-inside: avoid-page; border:none; } }
""".replace("FONT_ZH", FONT_STACK_ZH).replace("FONT", FONT_STACK)
