// Renders /openapi.yaml with the vendored Swagger UI. Paths are relative
// so the page also works when ZapStream is served under a prefix; /docs
// is redirected to /docs/ by the web server, so "../" is the site root.
// A module, so it shares the dashboard's theme code (../js/theme.js).
import { devKey } from "../js/devkey.js";
import { initTheme, isDark } from "../js/theme.js";

const root = document.documentElement;

// The dashboard's theme: theme-init.js has applied a saved choice, the
// toggle here is the dashboard's own, and Swagger UI's dark palette is
// its html.dark-mode class.
const applyTheme = () => root.classList.toggle("dark-mode", isDark());
applyTheme();
document.addEventListener("themechange", applyTheme);
initTheme(document.getElementById("theme-toggle"));

// A new Idempotency-Key example for each page load. Swagger UI's Try it
// out sends a parameter's example, so a fixed one (the README's
// order-1001) made a 422 IDEMPOTENCY_KEY_REUSED as soon as anyone had
// used it with another body. With this one, Execute twice shows what the
// key is for (201, then the 200 replay), and a reload starts afresh. The
// key is set in the document itself (not swapped in by a
// requestInterceptor), so the box, the curl line and the request agree.
function freshKey() {
	const b = crypto.getRandomValues(new Uint8Array(8));
	return "docs-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

const idempotencyExample = () => ({
	statePlugins: {
		spec: {
			wrapActions: {
				// the parsed document, before Swagger UI stores it: changed
				// in place, whichever wrapper of this action runs first
				updateJsonSpec: (next) => (json, ...rest) => {
					const p = json && json.components && json.components.parameters &&
						json.components.parameters.IdempotencyKey;
					if (p) p.example = freshKey();
					return next(json, ...rest);
				},
			},
		},
	},
});

const note = document.getElementById("zs-auth-note");

if (typeof window.SwaggerUIBundle !== "function") {
	const p = document.createElement("p");
	p.id = "zs-missing";
	p.innerHTML = "Swagger UI is not installed: run <code>make vendor</code>. " +
		'The API description itself is <a href="../openapi.yaml">openapi.yaml</a>.';
	document.body.appendChild(p);
} else {
	const key = devKey();
	const ui = window.SwaggerUIBundle({
		url: new URL("../openapi.yaml", document.baseURI).href,
		dom_id: "#swagger-ui",
		presets: [window.SwaggerUIBundle.presets.apis],
		plugins: [idempotencyExample],
		layout: "BaseLayout",
		deepLinking: true,
		persistAuthorization: true,
		tryItOutEnabled: false,
		displayRequestDuration: true,
		defaultModelsExpandDepth: 1,
		// no badge from validator.swagger.io: it would send the spec's URL
		// there, and the page's CSP (img-src 'self' data:) refuses it anyway
		validatorUrl: null,
		// Authorized with the development key when `make dev` publishes it,
		// unless a key was already authorized here (as the dashboard keeps
		// a saved key); not saved, so it lasts only while make dev offers it.
		onComplete: async () => {
			const k = await key;
			if (!k || ui.authSelectors.authorized().size > 0) return;
			ui.preauthorizeApiKey("ApiKeyHeader", k);
			note.hidden = false;
		},
	});
	window.ui = ui;
}
