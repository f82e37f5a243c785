// The reader's range addressing: /sources/ID#c=120-245 highlights and scrolls to those
// characters of the original text. Every run of text carries its offset (data-o), so a range
// maps onto the page without counting characters through the markup. Without JavaScript the
// page is still the whole readable text.

const text = document.getElementById("text");

function parseRange(hash) {
  const match = /^#c=(\d+)-(\d+)$/.exec(hash);
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return end >= start ? { start, end } : null;
}

function clearMarks() {
  for (const mark of text.querySelectorAll("mark.range")) {
    mark.replaceWith(...mark.childNodes);
  }
  text.normalize();
}

function highlight(range) {
  const windowStart = Number(text.dataset.start);
  const windowEnd = Number(text.dataset.end);
  const size = Number(text.dataset.window);
  if (range.start < windowStart || range.start >= Math.max(windowEnd, windowStart + 1)) {
    // The range lives in another part of a long source: go there.
    const part = Math.floor(range.start / size);
    const url = new URL(window.location.href);
    url.searchParams.set("part", String(part));
    url.hash = `c=${range.start}-${range.end}`;
    if (url.href !== window.location.href) window.location.assign(url.href);
    return;
  }
  const end = Math.max(range.end, range.start + 1); // an empty range still shows where it is
  let first = null;
  for (const run of text.querySelectorAll("[data-o]")) {
    const offset = Number(run.dataset.o);
    const node = run.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) continue;
    const length = node.data.length;
    if (offset + length <= range.start || offset >= end) continue;
    const from = Math.max(range.start - offset, 0);
    const to = Math.min(end - offset, length);
    const dom = document.createRange();
    dom.setStart(node, from);
    dom.setEnd(node, to);
    const mark = document.createElement("mark");
    mark.className = "range";
    dom.surroundContents(mark);
    first = first || mark;
  }
  if (first) {
    for (let up = first.parentElement; up && up !== text; up = up.parentElement) {
      if (up.tagName === "DETAILS") up.open = true; // unfold site chrome to show the range
    }
    first.setAttribute("tabindex", "-1");
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }
}

function apply() {
  if (!text) return;
  clearMarks();
  const range = parseRange(window.location.hash);
  if (range) highlight(range);
}

// Offset of a DOM position inside the text, through the run that holds it.
function offsetOf(node, within) {
  const run = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  const holder = run && run.closest("[data-o]");
  if (!holder || !text.contains(holder)) return null;
  let offset = Number(holder.dataset.o);
  // Marks split a run into several text nodes: count the ones before this one.
  const walker = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
  for (let current = walker.nextNode(); current; current = walker.nextNode()) {
    if (current === node) return offset + within;
    offset += current.data.length;
  }
  return null;
}

function updateRangeLink() {
  const link = document.getElementById("range-link");
  const selection = window.getSelection();
  if (!link || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
  const dom = selection.getRangeAt(0);
  const start = offsetOf(dom.startContainer, dom.startOffset);
  const end = offsetOf(dom.endContainer, dom.endOffset);
  if (start === null || end === null) return;
  link.href = `#c=${Math.min(start, end)}-${Math.max(start, end)}`;
  link.textContent = `link to characters ${Math.min(start, end)}–${Math.max(start, end)}`;
  link.hidden = false;
}

if (text) {
  apply();
  window.addEventListener("hashchange", apply);
  document.addEventListener("selectionchange", updateRangeLink);
}
