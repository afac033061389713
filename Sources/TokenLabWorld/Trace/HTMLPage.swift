/// The page `show --as html` writes: inline style and script only, so it
/// opens from a file with no network at all (no fonts, images, scripts or
/// styles fetched; the SVG is built as markup, so not even a namespace URL
/// appears). Large type and high contrast for a projector; buttons, the
/// arrow keys, Home and End step; printed, every step shows.
enum HTMLPage {
    /// The template with `{{TITLE}}` and `{{DATA}}` filled in one pass, so
    /// text put in is never scanned for markers again.
    static func fill(title: String, data: String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
            out += rest[..<open.lowerBound]
            switch rest[open.upperBound..<close.lowerBound] {
            case "TITLE": out += escape(title)
            case "DATA": out += scriptSafe(data)
            default: out += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// Text as HTML: `& < > " '` as character references.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// JSON that can sit inside `<script>`: `<`, `>` and `&` as `\u` escapes
    /// (so no `</script>` or `<!--` can end or confuse the element), and the
    /// line separators JavaScript once treated as line ends. They can only
    /// occur inside JSON strings, where the escape means the same character.
    static func scriptSafe(_ json: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(json.utf8.count + json.utf8.count / 16)
        var bytes = json.utf8.makeIterator()
        // UTF-8 of U+2028 and U+2029: E2 80 A8, E2 80 A9.
        var pending: [UInt8] = []
        func escape(_ text: String) { out += Array(text.utf8) }
        while let byte = bytes.next() {
            if !pending.isEmpty {
                pending.append(byte)
                if pending.count == 2, byte != 0x80 { out += pending; pending = [] }
                else if pending.count == 3 {
                    if byte == 0xA8 { escape("\\u2028") } else if byte == 0xA9 { escape("\\u2029") } else { out += pending }
                    pending = []
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "<"): escape("\\u003c")
            case UInt8(ascii: ">"): escape("\\u003e")
            case UInt8(ascii: "&"): escape("\\u0026")
            case 0xE2: pending = [byte]
            default: out.append(byte)
            }
        }
        out += pending
        return String(decoding: out, as: UTF8.self)
    }

    static let template = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>
:root { --ink: #000; --paper: #fff; --ok: #005a00; --bad: #b00000; --attack: #6b007a; --note: #fff4c2; --line: #555; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 0 1rem 3rem; font: 20px/1.45 system-ui, "Segoe UI", Arial, sans-serif; color: var(--ink); background: var(--paper); }
h1 { font-size: 1.6rem; margin: 0.8rem 0 0.2rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 1.4rem 0 0.4rem; border-bottom: 3px solid var(--ink); }
code, pre, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; }
nav.controls { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; padding: 0.5rem 0; background: var(--paper); border-bottom: 3px solid var(--ink); }
nav.controls button { font: inherit; font-weight: 700; padding: 0.35rem 0.9rem; color: var(--paper); background: var(--ink); border: 3px solid var(--ink); border-radius: 6px; cursor: pointer; }
nav.controls button:disabled { color: #666; background: #ddd; border-color: #999; cursor: default; }
nav.controls button:focus-visible { outline: 4px solid #0050d0; outline-offset: 2px; }
#counter { font-weight: 700; font-size: 1.3rem; margin-left: 0.5rem; }
.hint { color: #222; font-size: 0.9rem; }
#now { border: 3px solid var(--ink); border-radius: 8px; padding: 0.5rem 0.9rem; }
#now .command { font-size: 1.4rem; font-weight: 700; }
#now .narration { font-size: 1.3rem; font-style: italic; }
#now ul { margin: 0.3rem 0; padding-left: 1.2rem; }
#now li { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.95rem; overflow-wrap: anywhere; }
.error { color: var(--bad); font-weight: 700; }
.warning { border: 3px solid var(--bad); padding: 0.4rem 0.8rem; font-weight: 700; }
#diagram-box { overflow: auto; max-height: 52vh; min-height: 12rem; border: 2px solid var(--ink); }
#diagram svg { display: block; font-family: system-ui, Arial, sans-serif; }
svg .party { font-size: 18px; font-weight: 700; fill: var(--ink); }
svg .lifeline { stroke: var(--line); stroke-width: 2; stroke-dasharray: 6 5; }
svg .clock { font-size: 14px; fill: #222; font-family: "DejaVu Sans Mono", Consolas, monospace; }
svg .label { font-size: 16px; fill: var(--ink); }
/* A white halo keeps text readable where it crosses a lifeline. */
svg .label, svg .narration, svg .input, svg .clock { paint-order: stroke; stroke: var(--paper); stroke-width: 5px; stroke-linejoin: round; }
svg .notebox + .label, svg .input { stroke: none; }
svg .arrow { stroke: var(--ink); stroke-width: 2.5; fill: none; }
svg .arrow.reply { stroke-dasharray: 8 5; }
svg .arrow.theft, svg .arrow.relay { stroke: var(--attack); stroke-width: 4; }
svg .head { fill: var(--ink); }
svg .theft .head, svg .relay .head { fill: var(--attack); }
svg .refused .arrow { stroke: var(--bad); }
svg .refused .label, svg .cross { fill: var(--bad); font-weight: 700; }
svg .notebox { fill: var(--note); stroke: var(--ink); stroke-width: 1.5; }
svg .refused .notebox { stroke: var(--bad); stroke-width: 3; }
svg .narration { font-size: 17px; font-style: italic; fill: #000; }
svg .inputbar { fill: #e8e8e8; }
svg .input { font-size: 15px; font-family: "DejaVu Sans Mono", Consolas, monospace; fill: #000; }
svg g.row.future { visibility: hidden; }
svg g.row.current .label, svg g.row.current .narration, svg g.row.current .input { font-weight: 700; }
svg .marker { fill: #ffe14d; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 2px solid var(--ink); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
tr.future { display: none; }
.track { position: relative; height: 1.3rem; min-width: 12rem; background: #eee; border: 1px solid #777; }
.bar { position: absolute; top: 0.15rem; bottom: 0.15rem; background: var(--ok); }
.bar.refused { background: repeating-linear-gradient(45deg, var(--bad) 0 6px, #fff 6px 10px); border: 2px solid var(--bad); }
.bar.past-edge::after { content: "▶"; position: absolute; right: -0.2rem; top: -0.35rem; color: var(--ink); font-size: 0.9rem; }
.now-line { position: absolute; top: -0.2rem; bottom: -0.2rem; width: 3px; background: #0050d0; }
.state-ok { color: var(--ok); font-weight: 700; }
.state-bad { color: var(--bad); font-weight: 700; }
.wallet pre { margin: 0.2rem 0 0.8rem; font-size: 0.9rem; white-space: pre-wrap; }
.print-only { display: none; }
@media print {
  body { font-size: 12pt; max-width: none; }
  nav.controls, .hint { display: none; }
  #diagram-box { overflow: visible; max-height: none; border: none; }
  /* Scaled to the paper's width rather than cut off at its edge. */
  #diagram svg { max-width: 100%; height: auto; }
  svg g.row.future { visibility: visible; }
  tr.future { display: table-row; }
  .print-only { display: block; }
  section { break-inside: auto; }
}
</style>
</head>
<body>
<h1>{{TITLE}}</h1>
<p id="about"></p>
<p id="replay-warning" class="warning" hidden></p>
<nav class="controls" aria-label="steps">
<button id="first" type="button" title="first step (Home)">« First</button>
<button id="prev" type="button" title="previous step (←)">◀ Back</button>
<button id="next" type="button" title="next step (→)">Next ▶</button>
<button id="last" type="button" title="last step (End)">Last »</button>
<span id="counter" aria-live="polite">step 0 of 0</span>
<span class="hint">← → Home End</span>
</nav>
<section id="now"><h2 id="now-title">This step</h2><div id="now-body"></div></section>
<section><h2>Sequence diagram</h2><div id="diagram-box"><div id="diagram"></div></div></section>
<section><h2>Tokens</h2><table id="tokens"><thead><tr><th>token</th><th>owner</th><th>lifetime</th><th>state now</th></tr></thead><tbody></tbody></table></section>
<section><h2>Wallets</h2><div id="wallets" class="wallet"></div></section>
<section><h2>What the attacks achieved</h2><table id="outcomes"><thead><tr><th>#</th><th>attack</th><th>window</th><th>uses</th><th>what stopped it</th></tr></thead><tbody></tbody></table><p id="no-outcomes" hidden>Nothing was stolen or forged.</p></section>
<section class="print-only"><h2>Every step</h2><ol id="all-steps"></ol></section>
<script type="application/json" id="trace-data">{{DATA}}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var last = data.steps.length - 1;
  var current = 0;
  var TIME = 130, LANE = 190, ROW = 40, TOP = 56;
  var parties = data.parties;

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function cut(text, room) {
    var max = Math.max(8, Math.floor(room / 8.6));
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }
  // States and wallets are null where nothing changed since the step before.
  function at(list, step) { while (step > 0 && list[step] === null) step--; return list[step]; }
  function center(party) { return TIME + LANE * parties.indexOf(party) + LANE / 2; }
  var width = TIME + LANE * Math.max(parties.length, 1);

  document.getElementById("about").textContent =
    "Recorded by " + data.tool + " with seed " + data.seed + ", starting from the " + data.preset + " preset.";
  if (data.replay) {
    var warning = document.getElementById("replay-warning");
    warning.hidden = false;
    warning.textContent = "This tokenlab does not reproduce the trace exactly (" + data.replay + "): token bars and wallets are as it computes them.";
  }

  // The sequence diagram, every row drawn once; stepping only shows and hides rows.
  function drawDiagram() {
    var height = TOP + ROW * data.diagram.length + 12;
    var out = ['<svg role="img" aria-label="sequence diagram" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height + '">'];
    parties.forEach(function (party) {
      var x = center(party);
      out.push('<text class="party" x="' + x + '" y="26" text-anchor="middle">' + esc(cut(party, LANE - 8)) + "</text>");
      out.push('<line class="lifeline" x1="' + x + '" y1="36" x2="' + x + '" y2="' + height + '"/>');
    });
    data.diagram.forEach(function (item, index) {
      var y = TOP + ROW * index + ROW / 2;
      var classes = "row " + item.kind + (item.refused ? " refused" : "");
      out.push('<g class="' + classes + '" data-step="' + item.step + '"><title>' + esc(item.clock + "  " + item.text) + "</title>");
      if (item.kind === "narration") {
        out.push('<text class="narration" x="8" y="' + (y + 6) + '"># ' + esc(cut(item.text, width - 30)) + "</text>");
      } else if (item.kind === "input") {
        out.push('<rect class="inputbar" x="0" y="' + (y - ROW / 2 + 4) + '" width="' + width + '" height="' + (ROW - 8) + '"/>');
        out.push('<text class="input" x="8" y="' + (y + 5) + '">' + esc(item.clock + "  > " + cut(item.text, width - 160) + (item.refused ? "  (refused)" : "")) + "</text>");
      } else if (item.kind === "note") {
        var text = cut(item.text, LANE * 2.8);
        var boxWidth = Math.min(width - 4, text.length * 8.6 + 20);
        var left = Math.max(TIME, Math.min(center(item.from) - boxWidth / 2, width - boxWidth - 2));
        out.push('<text class="clock" x="4" y="' + (y + 5) + '">' + esc(item.clock) + "</text>");
        out.push('<rect class="notebox" x="' + left + '" y="' + (y - 14) + '" width="' + boxWidth + '" height="28" rx="4"/>');
        out.push('<text class="label" x="' + (left + 10) + '" y="' + (y + 6) + '">' + esc(text) + "</text>");
      } else {
        var x1 = center(item.from), x2 = center(item.to), direction = x2 > x1 ? 1 : -1;
        var tip = x2 - direction * 3;
        out.push('<text class="clock" x="4" y="' + (y + 5) + '">' + esc(item.clock) + "</text>");
        out.push('<line class="arrow ' + item.kind + '" x1="' + x1 + '" y1="' + (y + 6) + '" x2="' + (tip - direction * 10) + '" y2="' + (y + 6) + '"/>');
        if (item.refused) {
          out.push('<text class="cross" x="' + (tip - direction * 8) + '" y="' + (y + 13) + '" text-anchor="middle" font-size="22">✗</text>');
        } else {
          out.push('<polygon class="head" points="' + tip + "," + (y + 6) + " " + (tip - direction * 14) + "," + (y) + " " + (tip - direction * 14) + "," + (y + 12) + '"/>');
        }
        var label = (item.refused ? "✗ " : "") + (item.kind === "relay" ? "via the browser: " : "") + item.text;
        // The row is the arrow's alone: its label may run past the arrow's ends, centred on it.
        var middle = (x1 + x2) / 2, room = 2 * Math.min(middle - TIME + 20, width - middle) - 10;
        out.push('<text class="label" x="' + middle + '" y="' + (y - 2) + '" text-anchor="middle">' + esc(cut(label, room)) + "</text>");
      }
      out.push("</g>");
    });
    out.push("</svg>");
    document.getElementById("diagram").innerHTML = out.join("");
    fitTexts(document.querySelector("#diagram svg"));
  }

  // `cut` guesses a font's width; the browser knows it. A text that still
  // runs past the diagram's edge (and would be clipped there, on screen and
  // on paper) loses characters until it fits.
  function fitTexts(svg) {
    var texts = svg.querySelectorAll("text");
    for (var i = 0; i < texts.length; i++) {
      var text = texts[i], box = text.getBBox(), full = text.textContent, keep = full.length;
      while (keep > 8 && (box.x < 0 || box.x + box.width > width - 2)) {
        keep -= 1;
        text.textContent = full.slice(0, keep - 1) + "…";
        box = text.getBBox();
      }
    }
  }

  function drawOutcomes() {
    var body = document.querySelector("#outcomes tbody");
    body.innerHTML = data.outcomes.map(function (outcome, index) {
      return '<tr class="outcome" data-acquired="' + (outcome.acquired === null ? "" : outcome.acquired) + '"><td>' + (index + 1) + "</td><td>" + esc(outcome.attack) +
        "</td><td>" + esc(outcome.window) + "</td><td>" + esc(outcome.uses) + "</td><td>" + esc(outcome.stopped_by) + "</td></tr>";
    }).join("");
    document.getElementById("no-outcomes").hidden = data.outcomes.length > 0;
    document.getElementById("all-steps").innerHTML = data.steps.slice(1).map(function (step) {
      var head = step.kind === "note" ? "<em># " + esc(step.text) + "</em>" : "<code>" + esc(step.clock + "  > " + step.text) + "</code>";
      return "<li>" + head + (step.lines.length ? "<ul>" + step.lines.map(function (line) { return "<li><code>" + esc(line) + "</code></li>"; }).join("") + "</ul>" : "") + "</li>";
    }).join("");
  }

  function showTokens(step) {
    var now = data.times[step];
    var end = Math.max(data.times[last], 1) * 1.05 + 1000;
    var states = at(data.states, step);
    // Expiries as of this step: a kept refresh token's idle deadline moves with each use.
    var expiries = at(data.expiries, step) || [];
    var rows = data.tokens.map(function (token, index) {
      if (index >= states.length) return '<tr class="future token"><td>' + esc(token.id) + "</td><td></td><td></td><td></td></tr>";
      var state = states[index];
      var ok = state.indexOf("valid") === 0;
      var expires = index < expiries.length ? expiries[index] : token.expires;
      var left = 100 * token.issued / end;
      var right = Math.min(100, 100 * expires / end);
      var bar = '<span class="bar' + (ok ? "" : " refused") + (expires > end ? " past-edge" : "") + '" style="left:' + left.toFixed(2) + "%;width:" + Math.max(0.6, right - left).toFixed(2) + '%"></span>';
      var marker = '<span class="now-line" style="left:' + (100 * now / end).toFixed(2) + '%"></span>';
      return '<tr class="token"><td class="mono">' + esc(token.id) + "</td><td>" + esc(token.owner) + '</td><td><div class="track" title="' + esc(token.kind + ", issued at " + token.issued + " ms, expires at " + expires + " ms" +
        (expires !== token.expires ? " (issued to expire at " + token.expires + " ms; each use moves its idle deadline)" : "")) + '">' + bar + marker +
        '</div></td><td class="' + (ok ? "state-ok" : "state-bad") + '">' + esc(state) + "</td></tr>";
    });
    document.querySelector("#tokens tbody").innerHTML = rows.join("") || '<tr><td colspan="4">no tokens yet</td></tr>';
  }

  function showWallets(step) {
    var holders = at(data.wallets, step);
    document.getElementById("wallets").innerHTML = holders.length === 0 ? "<p>Nobody holds anything yet.</p>" :
      holders.map(function (holder) { return "<pre>" + esc(holder.lines.join("\n")) + "</pre>"; }).join("");
  }

  function show(step) {
    current = Math.max(0, Math.min(last, step));
    var info = data.steps[current];
    document.getElementById("counter").textContent = "step " + current + " of " + last;
    document.getElementById("now-title").textContent = "Step " + current + " at " + info.clock;
    var body;
    if (info.kind === "note") body = '<p class="narration"># ' + esc(info.text) + "</p>";
    else if (info.kind === "input") body = '<p class="command"><code>&gt; ' + esc(info.text) + "</code></p>";
    else body = "<p>" + esc(info.text) + "</p>";
    if (info.error) body += '<p class="error">refused: ' + esc(info.error) + "</p>";
    if (info.lines.length) body += "<ul>" + info.lines.map(function (line) { return "<li>" + esc(line) + "</li>"; }).join("") + "</ul>";
    document.getElementById("now-body").innerHTML = body;
    var rows = document.querySelectorAll("#diagram g.row"), latest = null;
    for (var i = 0; i < rows.length; i++) {
      var rowStep = Number(rows[i].getAttribute("data-step"));
      rows[i].classList.toggle("future", rowStep > current);
      rows[i].classList.toggle("current", rowStep === current);
      if (rowStep <= current) latest = rows[i];
    }
    // Scroll the diagram's own box (not the page) so the newest row is in view.
    if (latest && !printing) {
      var box = document.getElementById("diagram-box");
      var index = Array.prototype.indexOf.call(rows, latest);
      var bottom = TOP + ROW * (index + 1) + 8;
      if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight;
      if (bottom - ROW - TOP < box.scrollTop) box.scrollTop = Math.max(0, bottom - ROW - TOP);
    }
    showTokens(current);
    showWallets(current);
    var now = data.times[current];
    var outcomes = document.querySelectorAll("#outcomes tr.outcome");
    for (var k = 0; k < outcomes.length; k++) {
      var acquired = outcomes[k].getAttribute("data-acquired");
      outcomes[k].classList.toggle("future", acquired === "" ? current < last : Number(acquired) > now);
    }
    document.getElementById("first").disabled = document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = document.getElementById("last").disabled = current === last;
    if (window.history && history.replaceState) history.replaceState(null, "", "#step-" + current);
  }

  var printing = false, beforePrint = 0;
  // A print may start inside another (a print preview, then the print): the step to return to is the first one's.
  window.addEventListener("beforeprint", function () { if (!printing) beforePrint = current; printing = true; show(last); });
  window.addEventListener("afterprint", function () { if (printing) { printing = false; show(beforePrint); } });
  document.getElementById("first").addEventListener("click", function () { show(0); });
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  document.getElementById("last").addEventListener("click", function () { show(last); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last };
    if (Object.prototype.hasOwnProperty.call(moves, event.key)) { event.preventDefault(); show(moves[event.key]); }
  });

  drawDiagram();
  drawOutcomes();
  var start = /^#step-(\d+)$/.exec(location.hash);
  show(start ? Number(start[1]) : 0);
}());
</script>
</body>
</html>
"""#
}
