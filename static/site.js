/* dateline - progressive enhancement.  The site works without this file;
 * with it, reactions update in place and counts arrive live.  No framework,
 * no third-party code. */
(function () {
	'use strict';

	var block = document.querySelector('.reactions[data-slug]');
	if (!block || !window.fetch) return;
	var slug = block.getAttribute('data-slug');
	var api = '/api/v1/articles/' + encodeURIComponent(slug) + '/reactions';

	function show(state) {
		var total = state.total || 0;
		block.querySelectorAll('button.reaction').forEach(function (btn) {
			var name = btn.getAttribute('data-reaction');
			var count = (state.counts && state.counts[name]) || 0;
			btn.querySelector('[data-count]').textContent = count;
			var meter = btn.querySelector('meter');
			var share = total ? Math.round(count * 100 / total) : 0;
			meter.value = share;
			meter.textContent = share + '%';
			if ('mine' in state)
				btn.setAttribute('aria-pressed', state.mine === name ? 'true' : 'false');
		});
		var t = block.querySelector('[data-total]');
		if (t) t.textContent = total;
	}

	function say(msg) {
		var live = block.querySelector('.reaction-status');
		if (!live) {
			live = document.createElement('p');
			live.className = 'reaction-status';
			live.setAttribute('role', 'status');
			block.appendChild(live);
		}
		live.textContent = msg;
	}

	block.addEventListener('submit', function (ev) {
		var form = ev.target;
		var btn = form.querySelector('button.reaction');
		if (!btn) return;
		ev.preventDefault();
		var name = btn.getAttribute('data-reaction');
		var pressed = btn.getAttribute('aria-pressed') === 'true';
		var opts = pressed ? { method: 'DELETE' } : {
			method: 'PUT',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ reaction: name })
		};
		opts.credentials = 'same-origin';
		btn.disabled = true;
		fetch(api, opts).then(function (r) {
			if (r.status === 429) throw new Error('You are reacting too fast; wait a moment.');
			if (!r.ok) throw new Error('Your reaction could not be saved.');
			return r.json();
		}).then(function (state) {
			show(state);
			say('');
		}).catch(function (e) {
			say(e.message);
		}).then(function () {
			btn.disabled = false;
		});
	});

	if (window.EventSource) {
		var es = new EventSource('/api/v1/articles/' + encodeURIComponent(slug) + '/events');
		es.addEventListener('reactions', function (ev) {
			try { show(JSON.parse(ev.data)); } catch (e) { /* ignore a bad event */ }
		});
	}
})();
