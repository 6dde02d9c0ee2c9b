/**
 * The console's one stylesheet, served from /console/assets/console.css (a file of its own, so the
 * CSP can forbid inline styles). System fonts only: no font is fetched from anywhere. Phone first;
 * overdue cases are red and due-soon ones amber, with a label too (never colour alone).
 */
export const consoleCss = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans Thai","Loma",sans-serif;color:#1d2430;background:#f4f6f9}
header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;padding:10px 14px;background:#06c755;color:#fff}
header a.brand{color:#fff;font-weight:700;text-decoration:none}
.sign-out{display:flex;align-items:center;gap:8px;margin:0}
.sign-out .who{font-size:14px}
main{max-width:960px;margin:0 auto;padding:12px}
h1{font-size:22px;margin:8px 0}
h2{font-size:18px;margin:0 0 8px}
section{background:#fff;border-radius:10px;padding:12px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
button,select,input,textarea{font:inherit;min-height:40px}
button{background:#fff;border:1px solid #8a94a6;border-radius:8px;padding:6px 14px;cursor:pointer}
button.primary{background:#06c755;border-color:#06c755;color:#fff;font-weight:600}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;align-items:end;background:#fff;padding:10px;border-radius:10px}
label{display:flex;flex-direction:column;font-size:14px;gap:2px}
textarea,input[type=text],input[type=search]{width:100%;border:1px solid #b7bfcc;border-radius:8px;padding:6px}
.chips{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}
.chip{padding:6px 12px;border-radius:16px;text-decoration:none;color:#1d2430;background:#fff;border:2px solid #b7bfcc}
.chip.overdue{border-color:#d93025}.chip.due-soon{border-color:#e8a100}
.chip.active{background:#1d2430;color:#fff}
ul.cases{list-style:none;padding:0;margin:0}
li.case{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center;background:#fff;border-left:6px solid #b7bfcc;border-radius:8px;padding:10px;margin:8px 0}
li.case.overdue{border-left-color:#d93025;background:#fff3f2}
li.case.due-soon{border-left-color:#e8a100;background:#fffaeb}
.code{font-family:ui-monospace,monospace;font-weight:700;font-size:17px}
.meta{width:100%;font-size:14px;color:#4a5568}
.status{font-size:13px;padding:2px 8px;border-radius:10px;background:#e6ebf2}
.due{font-size:13px;font-weight:600;padding:2px 8px;border-radius:10px}
.due.overdue{background:#d93025;color:#fff}.due.due-soon{background:#e8a100;color:#1d2430}.due.on-time{background:#e6ebf2}
.paging{display:flex;gap:16px;justify-content:center;margin:12px}
dl{display:grid;grid-template-columns:minmax(110px,30%) 1fr;gap:4px 10px;margin:0}
dt{color:#4a5568}dd{margin:0}
.narrative{white-space:pre-wrap}
figure{margin:8px 0}
figure img,figure video{max-width:100%;height:auto;border-radius:6px}
ul.thread,ul.notes{list-style:none;padding:0}
ul.thread li,ul.notes li{padding:8px;border-radius:8px;margin:6px 0;background:#eef2f7}
ul.thread li.from-reporter{background:#e7f9ee}
ul.thread p,ul.notes p{margin:4px 0;white-space:pre-wrap}
.from{font-size:13px;color:#4a5568}
.hint{font-size:14px;color:#4a5568}
form.action{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:10px 0}
form.action label{flex:1 1 220px}
.notice{background:#e7f1ff;border-left:4px solid #1a73e8;padding:8px;border-radius:6px}
.message{max-width:520px;margin:24px auto}
.scroll{overflow-x:auto}
table.audit{border-collapse:collapse;font-size:13px;width:100%}
table.audit td,table.audit th{border-top:1px solid #e2e6ec;padding:4px 6px;vertical-align:top;text-align:left}
header a.nav{color:#fff;margin-left:auto;margin-right:8px}
.headline{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px}
.headline .figure{display:flex;flex-direction:column}
.headline .label{font-size:13px;color:#4a5568}
.headline b{font-size:20px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:8px}
.charts svg{display:block;width:100%;height:auto}
table.figures{border-collapse:collapse;font-size:13px;min-width:100%}
table.figures th,table.figures td{border-top:1px solid #e2e6ec;padding:4px 6px;text-align:right;white-space:nowrap}
table.figures th:first-child,table.figures td:first-child{text-align:left;white-space:normal;min-width:8rem}
table.figures thead th{background:#f4f6f9;vertical-align:bottom;white-space:normal}
table.figures tfoot td{font-weight:600}
table.figures td.missed{color:#b3261e}
`;
