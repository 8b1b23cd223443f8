// A treatment section's `html`, shown as nodes. The API renders it with its own escaping
// renderer (only p, ul, ol, li, strong, em and a); this parses it inertly (in a <template>,
// nothing runs or loads) and copies across only those elements, an `a`'s href when it is
// https or a path of this site, and text. Anything else is dropped, or unwrapped to its text.

import { el } from "./dom.js";

const ALLOWED = new Set(["P", "UL", "OL", "LI", "STRONG", "EM", "A"]);
// Never unwrapped: their text is code or markup, not prose.
const DROPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "IFRAME", "OBJECT", "EMBED", "SVG", "MATH", "TITLE"]);
// Paths this page draws itself (see app.js route()); other paths are followed by the browser.
const ROUTED = /^\/(?:\?|$|treatments(?:[/?]|$)|hospitals\/)/;

export function safeHref(href) {
  const value = (href || "").trim();
  if (value.startsWith("/") && !value.startsWith("//") && !value.includes("\\")) return value;
  try {
    const url = new URL(value);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function copyLink(source) {
  const href = safeHref(source.getAttribute("href"));
  if (!href) return document.createDocumentFragment(); // its text is kept, without the link
  const internal = href.startsWith("/");
  return el("a", {
    href,
    "data-internal": internal && ROUTED.test(href) ? "" : null,
    rel: internal ? null : "noopener noreferrer",
  });
}

function copyChildren(from, to) {
  for (const child of from.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      to.append(document.createTextNode(child.textContent));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const tag = child.tagName.toUpperCase();
      if (DROPPED.has(tag)) continue;
      if (!ALLOWED.has(tag)) {
        copyChildren(child, to);
        continue;
      }
      const copy = tag === "A" ? copyLink(child) : document.createElement(tag.toLowerCase());
      copyChildren(child, copy);
      to.append(copy);
    }
    // comments, processing instructions: dropped
  }
  return to;
}

// A fragment of safe nodes from the server's html; plain text paragraphs when there is none.
export function richText(html, fallbackText = "") {
  const fragment = document.createDocumentFragment();
  if (html) {
    // A <template>'s content belongs to an inert document: nothing in it runs or loads.
    const template = document.createElement("template");
    template.innerHTML = html;
    return copyChildren(template.content, fragment);
  }
  for (const paragraph of String(fallbackText).split(/\n\s*\n/)) {
    if (paragraph.trim()) fragment.append(el("p", { text: paragraph.trim() }));
  }
  return fragment;
}
