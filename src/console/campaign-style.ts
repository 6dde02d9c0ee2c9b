import { paletteCss } from "./line-preview";

/**
 * The campaign pages' part of the console stylesheet: the composer (a message slot shows only the
 * fields of the kind chosen, with CSS `:has()` — no script; a browser without it shows them all),
 * and the preview drawn like the LINE chat (bubbles on the chat's blue-grey, Flex boxes and sizes).
 */
export const campaignCss = `
a.button{display:inline-block;padding:8px 14px;border-radius:8px;border:1px solid #8a94a6;color:#1d2430;text-decoration:none;background:#fff}
a.button.primary{background:#06c755;border-color:#06c755;color:#fff;font-weight:600}
nav.console-nav{display:flex;gap:12px}
nav.console-nav a{color:#fff}
ul.campaigns,ul.runs{list-style:none;padding:0;margin:0}
li.campaign,li.run{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center;background:#fff;border-radius:8px;padding:10px;margin:8px 0;border-left:6px solid #b7bfcc}
li.campaign .name{font-weight:700;font-size:17px}
.status.c-scheduled{background:#e7f9ee}.status.c-paused{background:#fffaeb}.status.c-cancelled{background:#f1f1f1}
.progress{display:flex;flex-wrap:wrap;gap:6px;font-size:14px}
.progress span{padding:2px 8px;border-radius:10px;background:#e6ebf2}
.progress .p-sent{background:#e7f9ee}.progress .p-failed{background:#fff3f2}
li.run.r-delivering{border-left-color:#1a73e8}li.run.r-done{border-left-color:#06c755}li.run.r-failed{border-left-color:#d93025}
.composer fieldset{border:1px solid #d5dbe4;border-radius:8px;margin:8px 0;padding:8px}
.composer label{margin:6px 0}
label.inline{flex-direction:row;align-items:center;gap:6px;display:inline-flex;margin-right:12px}
input[type=datetime-local],input[type=time],select{border:1px solid #b7bfcc;border-radius:8px;padding:6px;background:#fff}
.pair{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px}
.code-input{font-family:ui-monospace,monospace;font-size:13px}
.field-error{display:block;color:#b3261e;font-weight:600;font-size:14px}
[aria-invalid=true]{border-color:#d93025;outline:2px solid #d93025}
.problems{background:#fff3f2;border-left:4px solid #d93025;padding:8px;border-radius:6px}
.composer-actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.campaign-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}
.campaign-actions form{margin:0}
.message-slot:has(option[value=""]:checked) .only-text,.message-slot:has(option[value=""]:checked) .only-image,.message-slot:has(option[value=""]:checked) .only-flex{display:none}
.message-slot:has(option[value=text]:checked) .only-image,.message-slot:has(option[value=text]:checked) .only-flex{display:none}
.message-slot:has(option[value=image]:checked) .only-text,.message-slot:has(option[value=image]:checked) .only-flex{display:none}
.message-slot:has(option[value=flex]:checked) .only-text,.message-slot:has(option[value=flex]:checked) .only-image{display:none}
details.provinces{margin:8px 0}
details.provinces summary{cursor:pointer;font-weight:600;min-height:40px;display:flex;align-items:center}
.province-list{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:2px 8px;max-height:320px;overflow-y:auto}
.previews{display:flex;flex-wrap:wrap;gap:12px}
.phone{flex:1 1 300px;max-width:380px}
.phone h3{font-size:15px;margin:4px 0}
.line-chat{background:#8cabd9;border-radius:12px;padding:12px 10px;display:flex;flex-direction:column;gap:8px;min-height:120px}
.line-row{display:flex;justify-content:flex-start}
.line-bubble{background:#fff;border-radius:18px;padding:8px 12px;margin:0;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere;font-size:15px}
.line-image{margin:0;max-width:70%}
.line-image img{max-width:100%;border-radius:12px;display:block;min-height:60px;background:#dfe6f0}
.line-quick{display:flex;flex-wrap:wrap;gap:6px;justify-content:center}
.line-quick-item{background:#fff;border:1px solid #06c755;color:#06c755;border-radius:16px;padding:4px 12px;font-size:14px}
.flex-carousel{display:flex;gap:8px;overflow-x:auto;max-width:100%}
.flex-bubble{background:#fff;border-radius:14px;overflow:hidden;width:280px;flex:0 0 auto}
.flex-block{padding:12px}.flex-hero{padding:0}
.flex-box{display:flex;flex-direction:column;min-width:0}
.flex-horizontal,.flex-baseline{flex-direction:row}
.flex-baseline{align-items:baseline}
.in-horizontal,.in-baseline{flex:1 1 0;min-width:0}
.flex-w0{flex:0 0 auto}.flex-w1{flex:1 1 0}.flex-w2{flex:2 1 0}.flex-w3{flex:3 1 0}.flex-w4{flex:4 1 0}.flex-w5{flex:5 1 0}
.flex-gap-xs{gap:2px}.flex-gap-sm{gap:4px}.flex-gap-md{gap:8px}.flex-gap-lg{gap:12px}.flex-gap-xl{gap:16px}.flex-gap-xxl{gap:20px}
.flex-m-xs{margin-top:2px}.flex-m-sm{margin-top:4px}.flex-m-md{margin-top:8px}.flex-m-lg{margin-top:12px}.flex-m-xl{margin-top:16px}.flex-m-xxl{margin-top:20px}
.flex-p-xs{padding:2px}.flex-p-sm{padding:4px}.flex-p-md{padding:8px}.flex-p-lg{padding:12px}.flex-p-xl{padding:16px}.flex-p-xxl{padding:20px}
.flex-text{margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.flex-text.flex-wrap{white-space:pre-wrap;overflow-wrap:anywhere}
.flex-size-xxs{font-size:11px}.flex-size-xs{font-size:13px}.flex-size-sm{font-size:14px}.flex-size-md{font-size:16px}.flex-size-lg{font-size:19px}.flex-size-xl{font-size:22px}.flex-size-xxl{font-size:29px}.flex-size-3xl{font-size:35px}.flex-size-4xl{font-size:48px}.flex-size-5xl{font-size:74px}
.flex-bold{font-weight:700}.flex-align-center{text-align:center}.flex-align-end{text-align:right}
.flex-image{width:100%;display:block}.flex-cover{object-fit:cover;aspect-ratio:20/13}
.flex-button{display:block;text-align:center;padding:10px;border-radius:8px;font-size:15px;color:#42659a}
.flex-button-primary{background:#17c950;color:#fff}.flex-button-secondary{background:#dcdfe5;color:#111}
.flex-separator{border:0;border-top:1px solid #e5e5e5;margin:4px 0;width:100%}
.flex-filler{flex:1 1 0}
${paletteCss()}
`;
