// Renders /openapi.yaml with the vendored Swagger UI. Paths are relative
// so the page also works when ZapStream is served under a prefix; /docs
// is redirected to /docs/ by the web server, so "../" is the site root.
(function () {
	'use strict';
	var spec = new URL('../openapi.yaml', document.baseURI).href;
	if (typeof window.SwaggerUIBundle !== 'function') {
		var p = document.createElement('p');
		p.id = 'zs-missing';
		p.innerHTML = 'Swagger UI is not installed: run <code>make vendor</code>. ' +
		    'The API description itself is <a href="../openapi.yaml">openapi.yaml</a>.';
		document.body.appendChild(p);
		return;
	}
	window.ui = window.SwaggerUIBundle({
		url: spec,
		dom_id: '#swagger-ui',
		presets: [window.SwaggerUIBundle.presets.apis],
		layout: 'BaseLayout',
		deepLinking: true,
		persistAuthorization: true,
		tryItOutEnabled: false,
		displayRequestDuration: true,
		defaultModelsExpandDepth: 1,
		// no badge from validator.swagger.io: it would send the spec's URL
		// there, and the page's CSP (img-src 'self' data:) refuses it anyway
		validatorUrl: null
	});
}());
