// hookhub console: progressive enhancement, written for hookhub. Every
// page works without this script. With it, times show in the viewer's
// time zone, copy buttons copy, search boxes filter as one types, forms
// marked data-confirm ask first, and regions marked data-refresh="N"
// reload themselves every N seconds while somebody is looking.
(function () {
	"use strict";

	var offset = -new Date().getTimezoneOffset(); // minutes east of UTC
	var zone = "";
	try {
		zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
	} catch (e) { /* an old browser: the offset will do */ }

	function pad(n) {
		return (n < 10 ? "0" : "") + n;
	}

	function day(d) {
		return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
	}

	// <time datetime> is UTC: show it in the viewer's zone, UTC on hover.
	function localTimes(root) {
		root.querySelectorAll("time[datetime]").forEach(function (el) {
			var d = new Date(el.getAttribute("datetime"));
			if (isNaN(d.getTime()) || el.hasAttribute("data-local")) {
				return;
			}
			el.title = el.textContent;
			el.textContent = day(d) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
			el.setAttribute("data-local", "");
		});
	}

	// Date-time fields come in UTC (data-utc); move them to the viewer's
	// zone, and tell the server which zone the forms speak (name="tz").
	function zones(root) {
		root.querySelectorAll("input[data-utc]").forEach(function (el) {
			if (!el.value || el.hasAttribute("data-local")) {
				return;
			}
			var d = new Date(el.value + "Z");
			if (!isNaN(d.getTime())) {
				el.value = day(d) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
			}
			el.setAttribute("data-local", "");
		});
		root.querySelectorAll('input[name="tz"]').forEach(function (el) {
			el.value = String(offset);
		});
		root.querySelectorAll("[data-zone]").forEach(function (el) {
			el.textContent = zone ? "your time (" + zone + ")" : "your time";
		});
	}

	// <button data-copy="#id"> copies the value or text of #id.
	function copy(button) {
		var target = document.querySelector(button.getAttribute("data-copy"));
		if (!target) {
			return;
		}
		var text = "value" in target ? target.value : target.textContent;
		var label = button.getAttribute("data-label") || button.textContent;
		button.setAttribute("data-label", label);
		function said(ok) {
			button.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
			setTimeout(function () {
				button.textContent = label;
			}, 2500);
		}
		function byHand() {
			var ok = false;
			if (target.select) {
				target.focus();
				target.select();
				try {
					ok = document.execCommand("copy");
				} catch (e) { /* nothing to do: the text is selected */ }
			}
			said(ok);
		}
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(text).then(function () {
				said(true);
			}, byHand);
		} else {
			byHand();
		}
	}

	// <input data-filter="#list"> hides the [data-item]s of #list whose
	// text does not hold what was typed; [data-none] shows when none is left.
	function filter(input) {
		var list = document.querySelector(input.getAttribute("data-filter"));
		if (!list) {
			return;
		}
		var q = input.value.trim().toLowerCase();
		var shown = 0;
		list.querySelectorAll("[data-item]").forEach(function (el) {
			var hit = el.textContent.toLowerCase().indexOf(q) >= 0;
			el.hidden = !hit;
			if (hit) {
				shown++;
			}
		});
		list.querySelectorAll("[data-none]").forEach(function (el) {
			el.hidden = shown > 0;
		});
	}

	// Live regions stop refreshing after ten minutes without a key, click
	// or touch, so that an unattended page lets its session run out.
	var lastInput = Date.now();
	var idleAfter = 10 * 60 * 1000;
	["keydown", "mousedown", "mousemove", "touchstart", "scroll"].forEach(function (type) {
		window.addEventListener(type, function () {
			lastInput = Date.now();
		}, { passive: true });
	});

	function live(el) {
		var every = Math.max(2, parseInt(el.getAttribute("data-refresh"), 10) || 10) * 1000;
		var busy = false;
		var timer = setInterval(function () {
			var focused = document.activeElement;
			if (busy || document.hidden || Date.now() - lastInput > idleAfter ||
				(focused && focused !== document.body && el.contains(focused))) {
				return;
			}
			busy = true;
			fetch(location.href, { credentials: "same-origin", headers: { "X-Hookhub-Refresh": "1" } })
				.then(function (res) {
					if (!res.ok || res.redirected) { // signed out, or gone
						clearInterval(timer);
						return null;
					}
					return res.text();
				})
				.then(function (html) {
					if (html === null) {
						return;
					}
					var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(el.id);
					if (!fresh) {
						return;
					}
					var open = {};
					el.querySelectorAll("details[open][id]").forEach(function (d) {
						open[d.id] = true;
					});
					el.innerHTML = fresh.innerHTML;
					el.querySelectorAll("details[id]").forEach(function (d) {
						if (open[d.id]) {
							d.open = true;
						}
					});
					enhance(el);
				})
				.catch(function () { /* offline for a moment: try again next time */ })
				.then(function () {
					busy = false;
				});
		}, every);
	}

	function enhance(root) {
		localTimes(root);
		zones(root);
	}

	document.addEventListener("click", function (ev) {
		var button = ev.target.closest("[data-copy]");
		if (button) {
			ev.preventDefault();
			copy(button);
		}
	});
	document.addEventListener("input", function (ev) {
		if (ev.target.matches("input[data-filter]")) {
			filter(ev.target);
		}
	});
	document.addEventListener("submit", function (ev) {
		var question = ev.target.getAttribute("data-confirm");
		if (question && !window.confirm(question)) {
			ev.preventDefault();
		}
	});

	enhance(document);
	document.querySelectorAll("input[data-filter]").forEach(filter);
	document.querySelectorAll("[data-refresh][id]").forEach(live);
	document.documentElement.classList.add("js");
}());
