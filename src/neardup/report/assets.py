"""The report's stylesheet and script, inlined into the page (no CDN, no network).

The script is plain ES5-era JavaScript so that any browser runs it: it lists
the clusters from the index block in pages of 50, filters them by id as the
user types, and builds a cluster's side-by-side diff from that cluster's own
JSON block the first time it is expanded. All text goes in through
``textContent``, never ``innerHTML``: the corpus cannot inject markup.
"""

from __future__ import annotations

__all__ = ["SCRIPT", "STYLE"]

STYLE = """
:root{--ink:#1d2330;--mute:#667085;--line:#e4e7ec;--bg:#f8f9fb;--accent:#3857d6}
*{box-sizing:border-box}
body{margin:0;padding:0 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
header{padding:20px 0 8px;border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0}h2{font-size:17px;margin:28px 0 8px}
.sub{color:var(--mute);margin:4px 0 0}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.figure{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:140px}
.figure .value{font-size:20px;font-weight:600}.figure .name{color:var(--mute);font-size:12px}
.plots{display:flex;flex-wrap:wrap;gap:16px}
.plot{margin:0;flex:1 1 480px;max-width:640px;border:1px solid var(--line);border-radius:8px;padding:10px}
.plot figcaption{font-size:12px;color:var(--mute);margin-bottom:6px}.plot figcaption strong{color:var(--ink);font-size:13px}
.plot svg{width:100%;height:auto;display:block}
.bar{fill:var(--accent)}.bar:hover{fill:#1f3aa8}
.grid{stroke:var(--line)}.tick{font-size:10px;fill:var(--mute)}.axis{font-size:11px;fill:var(--ink)}
.marker{stroke:#d92d20;stroke-dasharray:4 3}.marker-label{fill:#d92d20}
.tools{display:flex;gap:12px;align-items:center;margin:8px 0}
#search{font:inherit;padding:6px 10px;width:320px;border:1px solid #cfd4dc;border-radius:6px}
#count{color:var(--mute)}
.legend{margin:6px 0 10px}
.cluster{border:1px solid var(--line);border-radius:8px;margin:6px 0;background:#fff}
.cluster>summary{cursor:pointer;padding:8px 12px;display:flex;gap:14px;align-items:baseline;flex-wrap:wrap}
.cluster[open]>summary{border-bottom:1px solid var(--line);background:var(--bg)}
.cluster .size{font-weight:600;min-width:80px}.cluster .kept{font-family:ui-monospace,monospace}
.cluster .sim,.cluster .ids{color:var(--mute);font-size:12px}
.detail{padding:8px 12px}
.copy{margin:10px 0 18px}
.copy-head{margin-bottom:6px}.copy-head .sim{color:var(--mute)}
.summary-line{display:block;color:var(--mute);font-size:12px;margin-top:2px}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:2px 10px}
.col-head{font-size:12px;color:var(--mute);font-weight:600;padding:2px 6px;border-bottom:1px solid var(--line)}
.cell{padding:3px 6px;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}
mark.change{color:inherit;border-radius:3px;padding:0 2px}
.cell:empty{background:repeating-linear-gradient(135deg,#fff,#fff 6px,#f2f4f7 6px,#f2f4f7 12px)}
.kind-s{color:#475467}
.kind-a,.kind-b,.kind-c{color:var(--ink)}
.badge{display:inline-block;font-size:11px;line-height:16px;padding:0 6px;border-radius:8px;margin:0 6px 0 0;background:#eaecf0;color:#344054;vertical-align:1px}
.erased{display:inline-block;font-size:11px;color:#0e7090;margin-right:6px}
.label-headline{background:#fef0c7}.label-byline,.label-dateline{background:#e0eaff}
.label-caption{background:#d1fadf}.label-footer{background:#fde2e1}
.label-advertisement{background:#fcdfff}.label-key_points{background:#ccf1f6}
.label-truncated{background:#f2f4f7}.label-edited{background:#ffe9d5}.label-ocr{background:#fdf2c4}
.label-other{background:#eaecf0}
.cell.label-truncated{border-left:3px solid #98a2b3}
#more{margin:10px 0;font:inherit;padding:6px 14px;border:1px solid #cfd4dc;border-radius:6px;background:#fff;cursor:pointer}
#more[hidden]{display:none}
"""

SCRIPT = r"""
"use strict";
(function () {
  var PAGE = 50;
  var index = JSON.parse(document.getElementById("nd-index").textContent);
  var clusters = index.clusters, labels = index.labels;
  var list = document.getElementById("list"), more = document.getElementById("more");
  var count = document.getElementById("count"), search = document.getElementById("search");
  var current = [], shown = 0, haystack = null, timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function row(i) {
    var c = clusters[i], box = el("details", "cluster"), head = el("summary");
    box.id = "cluster-" + i;
    head.appendChild(el("span", "size", c[1] + " records"));
    head.appendChild(el("span", "kept", c[0]));
    head.appendChild(el("span", "sim", c[2] === null ? "" : "lowest similarity " + c[2].toFixed(3)));
    head.appendChild(el("span", "ids", c[3].slice(0, 3).join(", ") + (c[3].length > 3 ? ", …" : "")));
    box.appendChild(head);
    box.addEventListener("toggle", function () {
      if (box.open && !box.getAttribute("data-rendered")) {
        box.setAttribute("data-rendered", "1");
        box.appendChild(detail(i));
      }
    });
    return box;
  }

  function detail(i) {
    var data = JSON.parse(document.getElementById("nd-c-" + i).textContent);
    var box = el("div", "detail");
    for (var k = 0; k < data.c.length; k++) box.appendChild(copy(data, data.c[k]));
    return box;
  }

  function names(list) {
    return list.length ? list.join(", ") : "nothing";
  }

  function copy(data, c) {
    var id = c[0], sim = c[1], text = c[2], passages = c[3], summary = c[4];
    var box = el("div", "copy"), head = el("div", "copy-head");
    head.appendChild(el("strong", null, id));
    head.appendChild(el("span", "sim", sim === null ? "" : "  similarity " + sim.toFixed(3)));
    var line = "only in kept: " + names(summary.only_in_kept) + " · only in copy: " +
      names(summary.only_in_removed) + " · changed: " + names(summary.changed) +
      (summary.typography ? " · typography differs" : "") + (summary.wrapping ? " · wrapped differently" : "");
    head.appendChild(el("span", "summary-line", line));
    box.appendChild(head);
    var grid = el("div", "diff");
    grid.appendChild(el("div", "col-head", "kept: " + data.k));
    grid.appendChild(el("div", "col-head", "copy: " + id));
    var line = null;
    for (var k = 0; k < passages.length; k++) {
      var p = passages[k];
      if (p[0] === "a" || p[0] === "b") {
        line = null;
        var left = el("div", "cell kind-" + p[0]), right = el("div", "cell kind-" + p[0]);
        if (p[2] >= 0) block(left, data.t.substring(p[2], p[3]), p[1]);
        if (p[4] >= 0) block(right, text.substring(p[4], p[5]), p[1]);
        grid.appendChild(left);
        grid.appendChild(right);
        continue;
      }
      if (line === null || (p[0] === "s" && startsLine(data.t, p[2]) && startsLine(text, p[4]))) {
        line = {left: el("div", "cell kind-s"), right: el("div", "cell kind-s"), erased: {}};
        grid.appendChild(line.left);
        grid.appendChild(line.right);
      }
      inline(line, p, data.t, text);
    }
    box.appendChild(grid);
    return box;
  }

  // A passage found in one copy only: its own row, its label as a badge.
  function block(cell, str, label) {
    if (label) {
      cell.className += " label-" + label;
      var badge = el("span", "badge label-" + label, label);
      badge.title = labels[label] || label;
      cell.appendChild(badge);
    }
    cell.appendChild(el("span", "text", str));
  }

  // Shared text and the changes inside it flow together, paragraph by paragraph.
  function inline(line, p, a, b) {
    if (p[6]) {
      var kinds = p[6].split(",");
      for (var k = 0; k < kinds.length; k++) {
        if (!line.erased[kinds[k]]) {
          line.erased[kinds[k]] = 1;
          var note = "\u2248 " + kinds[k];
          line.left.insertBefore(el("span", "erased", note), line.left.firstChild);
          line.right.insertBefore(el("span", "erased", note), line.right.firstChild);
        }
      }
    }
    piece(line.left, a.substring(p[2], p[3]), p[0] === "c" ? p[1] : "");
    piece(line.right, b.substring(p[4], p[5]), p[0] === "c" ? p[1] : "");
  }

  function piece(cell, str, label) {
    if (cell.lastChild && cell.lastChild.className !== "erased") cell.appendChild(document.createTextNode(" "));
    if (!label) {
      cell.appendChild(el("span", "text", str));
      return;
    }
    var mark = el("mark", "change label-" + label, str);
    mark.title = label + ": " + (labels[label] || label);
    cell.appendChild(mark);
  }

  function startsLine(str, at) {
    for (var k = at - 1; k >= 0; k--) {
      var ch = str.charAt(k);
      if (ch === "\n" || ch === "\r") return true;
      if (ch !== " " && ch !== "\t") return false;
    }
    return true;
  }

  function show(indices) {
    current = indices;
    shown = 0;
    list.textContent = "";
    page();
  }

  function page() {
    var frag = document.createDocumentFragment(), end = Math.min(current.length, shown + PAGE);
    for (var k = shown; k < end; k++) frag.appendChild(row(current[k]));
    list.appendChild(frag);
    shown = end;
    more.hidden = shown >= current.length;
    count.textContent = "showing " + shown.toLocaleString() + " of " + current.length.toLocaleString() +
      (current.length === clusters.length ? " clusters" : " matching clusters");
  }

  function filter() {
    var query = search.value.trim().toLowerCase();
    if (!query) return show(all());
    if (haystack === null) {
      haystack = clusters.map(function (c) { return (c[0] + "\n" + c[3].join("\n")).toLowerCase(); });
    }
    var found = [];
    for (var i = 0; i < haystack.length; i++) if (haystack[i].indexOf(query) >= 0) found.push(i);
    show(found);
  }

  function all() {
    var out = new Array(clusters.length);
    for (var i = 0; i < clusters.length; i++) out[i] = i;
    return out;
  }

  more.addEventListener("click", page);
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(filter, 120);
  });
  show(all());
  document.body.setAttribute("data-ready", "1");
})();
"""
