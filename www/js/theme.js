// Light and dark themes: the system preference unless the toggle chose one
// (kept in localStorage). theme-init.js applies a saved choice before paint.
// Fires "themechange" on document when the effective theme changes.

const STORE = "zapstream.theme";
const media = matchMedia("(prefers-color-scheme: dark)");
const root = document.documentElement;

export const isDark = () => (root.dataset.theme || (media.matches ? "dark" : "light")) === "dark";

export function initTheme(button) {
	const update = () => {
		const dark = isDark();
		button.setAttribute("aria-pressed", String(dark));
		button.title = dark ? "Switch to the light theme" : "Switch to the dark theme";
	};
	const changed = () => {
		update();
		document.dispatchEvent(new Event("themechange"));
	};
	button.addEventListener("click", () => {
		const next = isDark() ? "light" : "dark";
		root.dataset.theme = next;
		try { localStorage.setItem(STORE, next); } catch { /* not kept */ }
		changed();
	});
	media.addEventListener("change", () => { if (!root.dataset.theme) changed(); });
	update();
}
