/* dateline - progressive enhancement.  The site works without this file;
 * with it, reactions update in place and counts arrive live.  No framework,
 * no third-party code.  Its words come from the page, in the page's
 * language: the JSON in data-strings of <div id="dl-i18n"> (page_context() in
 * src/site/site.c, from the message catalogues). */
window.datelineText = (function () {
	'use strict';

	var el = document.getElementById('dl-i18n'), t = {};
	try { t = el ? JSON.parse(el.getAttribute('data-strings')) : {}; } catch (e) { t = {}; }
	/* The message @key with %s / %lu filled in by @arg. */
	function say(key, arg) {
		var s = typeof t[key] === 'string' ? t[key] : key;
		return arg === undefined ? s : s.replace(/%(s|lu)/, function () { return String(arg); });
	}
	/* The form of plural message @key that @n takes, filled in (at
	 * @mark, "%lu" when not given). */
	function plural(key, n, mark) {
		var forms = t[key] || [], table = t.plural || [];
		var i = table[n < table.length ? n : 100 + n % 100];
		var s = forms[i === undefined ? (n === 1 ? 0 : 1) : i] || forms[forms.length - 1] || '';
		return s.split(mark || '%lu').join(String(n));
	}
	return { say: say, plural: plural };
})();

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
		var t = block.querySelector('.reaction-total');
		/* The catalogue's own markup (trusted, from the server). */
		if (t) t.innerHTML = window.datelineText.plural('reactionTotal', total, '{{total}}');
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
			if (r.status === 429) throw new Error(window.datelineText.say('tooFast'));
			if (!r.ok) throw new Error(window.datelineText.say('notSaved'));
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
		window.datelineEvents = es;	/* shared with the comments below */
		es.addEventListener('reactions', function (ev) {
			try { show(JSON.parse(ev.data)); } catch (e) { /* ignore a bad event */ }
		});
	}
})();

/* Comments: replies open the form in place, "Show more comments" loads in
 * place, and new comments and counts arrive on the article's event stream
 * (opened above).  Without this the links and forms work as pages. */
(function () {
	'use strict';

	var box = document.getElementById('comments');
	if (!box || !window.fetch) return;
	var form = document.getElementById('comment-form');

	function setCount(n) {
		box.querySelectorAll('[data-comment-count]').forEach(function (el) {
			el.textContent = n;
		});
	}

	box.addEventListener('click', function (ev) {
		var a = ev.target.closest('a.comment-reply');
		if (!a || !form) return;
		ev.preventDefault();
		var li = a.closest('li.comment');
		var who = li.querySelector('.comment-author');
		li.querySelector('.comment-box').after(form);
		form.querySelector('[data-comment-parent]').value = a.getAttribute('data-reply');
		var note = form.querySelector('[data-comment-replying]');
		var T = window.datelineText;
		note.textContent = T.say('replyingTo', who ? who.textContent : T.say('aComment'));
		note.hidden = false;
		form.querySelector('textarea').focus();
	});

	box.addEventListener('click', function (ev) {
		var more = ev.target.closest('a[data-comment-more]');
		if (!more) return;
		ev.preventDefault();
		fetch(more.href, { credentials: 'same-origin' }).then(function (r) {
			if (!r.ok) throw new Error('status ' + r.status);
			return r.text();
		}).then(function (html) {
			var doc = new DOMParser().parseFromString(html, 'text/html');
			var list = box.querySelector('[data-comment-list]');
			doc.querySelectorAll('[data-comment-list] > li.comment').forEach(function (li) {
				if (!document.getElementById(li.id)) list.appendChild(document.importNode(li, true));
			});
			var next = doc.querySelector('a[data-comment-more]');
			if (next) more.href = next.href; else more.parentNode.remove();
		}).catch(function () {
			window.location = more.href;
		});
	});

	/* Relative times as of now (a kept page may be older than they say). */
	function ago(t) {
		var d = Math.floor((Date.now() - t) / 1000), T = window.datelineText;
		if (d < 60) return T.say('justNow');
		if (d < 3600) return T.plural('minutesAgo', Math.floor(d / 60));
		if (d < 86400) return T.plural('hoursAgo', Math.floor(d / 3600));
		if (d < 30 * 86400) return T.plural('daysAgo', Math.floor(d / 86400));
		return null;
	}
	box.querySelectorAll('.comment-head time[datetime]').forEach(function (el) {
		var t = Date.parse(el.getAttribute('datetime'));
		var text = isNaN(t) ? null : ago(t);
		if (text) el.textContent = text;
	});

	var es = window.datelineEvents;
	if (!es) return;
	es.addEventListener('comment', function (ev) {
		var d;
		try { d = JSON.parse(ev.data); } catch (e) { return; }
		setCount(d.count);
		if (document.getElementById('comment-' + d.id)) return;
		var tpl = document.createElement('template');
		tpl.innerHTML = d.html.trim();
		var li = tpl.content.firstElementChild;
		if (!li) return;
		var list = box.querySelector('[data-comment-list]');
		if (d.parent) {
			var parent = document.getElementById('comment-' + d.parent);
			if (!parent) return;
			list = parent.querySelector(':scope > ol.comment-replies');
			if (!list) {
				list = document.createElement('ol');
				list.className = 'comment-replies';
				parent.appendChild(list);
			}
		}
		list.appendChild(li);
		var empty = box.querySelector('[data-comment-empty]');
		if (empty) empty.remove();
	});
	es.addEventListener('comment-count', function (ev) {
		try { setCount(JSON.parse(ev.data).count); } catch (e) { /* ignore */ }
	});
	/* Someone liked or unliked a comment: its count, in its plural form. */
	es.addEventListener('comment-likes', function (ev) {
		var d;
		try { d = JSON.parse(ev.data); } catch (e) { return; }
		if (typeof d.likes !== 'number' || typeof d.id !== 'number') return;
		var li = document.getElementById('comment-' + d.id);
		var el = li && li.querySelector(':scope > .comment-box .comment-likes');
		if (el) el.innerHTML = window.datelineText.plural('commentLikes', d.likes, '{{likes}}');
	});
})();

/* Embeds: a placeholder (the provider's name and the link) becomes a
 * frame only when the reader asks; nothing is fetched from the provider
 * before.  Without this script it stays the link. */
(function () {
	'use strict';

	var say = window.datelineText.say;
	document.querySelectorAll('figure.embed[data-embed-src]').forEach(function (fig) {
		var name = fig.getAttribute('data-embed-provider') || '';
		var note = document.createElement('p');
		var btn = document.createElement('button');
		note.className = 'embed-note';
		note.textContent = say('embedNote', name);
		btn.type = 'button';
		btn.className = 'button embed-load';
		btn.textContent = say('loadEmbed', name);
		btn.addEventListener('click', function () {
			var frame = document.createElement('iframe');
			var height = fig.getAttribute('data-embed-height');
			frame.src = fig.getAttribute('data-embed-src');
			frame.title = say('embedTitle', name);
			frame.setAttribute('allow', 'encrypted-media; fullscreen; picture-in-picture');
			frame.setAttribute('allowfullscreen', '');
			frame.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
			if (height) frame.height = height;
			note.remove();
			btn.replaceWith(frame);
			frame.focus();
		});
		fig.appendChild(note);
		fig.appendChild(btn);
	});
})();
