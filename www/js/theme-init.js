// Applies the saved theme before the page paints (a classic script, so it
// runs before first render; the toggle itself lives in theme.js).
(function () {
	try {
		var t = localStorage.getItem("zapstream.theme");
		if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
	} catch (e) { /* storage disabled: follow the system */ }
})();
