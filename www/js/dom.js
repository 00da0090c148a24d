// Small DOM helpers. Text always goes in as text nodes, never as HTML.

export const $ = (sel, root = document) => root.querySelector(sel);

// h("li", {class: "x", dataset: {id: "1"}, style: {width: "5%"}, onclick: fn}, "text", child...)
export function h(tag, attrs = {}, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === "class") el.className = v;
		else if (k === "dataset") Object.assign(el.dataset, v);
		else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
		else if (k === "text") el.textContent = v;
		// styles through the CSSOM, never a style attribute: the page's
		// Content-Security-Policy (style-src 'self') refuses those
		else if (k === "style") Object.assign(el.style, v);
		else el.setAttribute(k, v === true ? "" : String(v));
	}
	for (const c of children.flat()) {
		if (c === undefined || c === null || c === false) continue;
		el.append(c instanceof Node ? c : String(c));
	}
	return el;
}

// An inline SVG icon from a path (the chevron of the event rows).
export function svgIcon(cls, d) {
	const ns = "http://www.w3.org/2000/svg";
	const svg = document.createElementNS(ns, "svg");
	svg.setAttribute("viewBox", "0 0 24 24");
	svg.setAttribute("class", cls);
	svg.setAttribute("aria-hidden", "true");
	svg.setAttribute("focusable", "false");
	const p = document.createElementNS(ns, "path");
	p.setAttribute("d", d);
	svg.append(p);
	return svg;
}
