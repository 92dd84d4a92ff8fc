/* dateline newsroom - progressive enhancement of the story editor.  The
 * editor works without this file; with it, the preview follows the body as
 * the author types (and shows a chosen photo), the slug is checked as it
 * is typed, and a draft saves itself every few seconds after a change,
 * saying so ("Saving...", "Draft saved at ...", "Not saved - kept on this
 * device").  Every change is also kept in localStorage until the server
 * has it, so text typed on a failing connection survives closing the tab:
 * the next open of that story's editor offers it back (Restore / Discard).
 * No framework.  Its words come from the page (window.datelineText of
 * site.js, in the page's language). */
(function () {
	'use strict';

	var form = document.getElementById('story-form');
	if (!form || !window.fetch || !window.FormData) return;
	var body = form.querySelector('#body');
	var slug = form.querySelector('#slug');
	var preview = document.getElementById('live-preview');
	var status = form.querySelector('.nr-autosave');
	var csrf = form.querySelector('input[name=csrf]').value;
	var idField = form.querySelector('input[name=id]');
	var versionField = form.querySelector('input[name=version]');
	var previewTimer = null, slugTimer = null, saveTimer = null;
	var dirty = false, saving = false, inflight = null;
	/* A failed autosave tries again after this long (ms). */
	var RETRY_MS = 15000;
	/* The fields a kept copy holds (not the file, csrf, id or version). */
	var KEPT = ['headline', 'slug', 'summary', 'dateline', 'section', 'lang', 'tags',
		'byline', 'body', 'caption', 'credit', 'alt', 'when'];
	var text = window.datelineText || { say: function (k, a) { return a === undefined ? k : k + ' ' + a; } };
	var lang = document.documentElement.lang || undefined;

	function post(url, data) {
		return fetch(url, { method: 'POST', body: data, credentials: 'same-origin',
			headers: { 'Accept': 'application/json' } });
	}

	function updatePreview() {
		var data = new URLSearchParams();
		data.set('csrf', csrf);
		data.set('body', body.value);
		data.set('dateline', form.querySelector('#dateline').value);
		post('/newsroom/preview', data).then(function (r) {
			return r.ok ? r.text() : null;
		}).then(function (html) {
			if (html !== null) preview.innerHTML = html;
		}).catch(function () {});
	}

	function checkSlug() {
		var hint = document.getElementById('slug-hint');
		if (!slug.value) { hint.textContent = text.say('slugHint'); return; }
		fetch('/newsroom/slug?slug=' + encodeURIComponent(slug.value) +
		      '&id=' + encodeURIComponent(idField.value), { credentials: 'same-origin' })
			.then(function (r) { return r.json(); })
			.then(function (v) {
				hint.textContent = text.say(!v.valid ? 'slugBad' :
					v.available ? 'slugFree' : 'slugTaken');
			}).catch(function () {});
	}

	/* ---- The copy on this device ---- */

	function storage() {
		try { return window.localStorage || null; } catch (e) { return null; }
	}
	/* The story's id; "" while it is new (the form says 0). */
	function storyId() {
		return idField.value && idField.value !== '0' ? idField.value : '';
	}
	function copyKey(id) {
		return 'dateline-story-copy:' + (id || 'new');
	}
	function field(name) {
		return form.querySelector('[name="' + name + '"]');
	}
	function readCopy(id) {
		var s = storage();
		try { return s ? JSON.parse(s.getItem(copyKey(id)) || 'null') : null; } catch (e) { return null; }
	}
	function dropCopy(id) {
		var s = storage();
		if (s) try { s.removeItem(copyKey(id)); } catch (e) {}
	}
	/* Keep the form's text on this device (quota or private mode: not). */
	function keepCopy(submitted) {
		var s = storage(), v = {};
		if (!s) return;
		KEPT.forEach(function (n) { var f = field(n); if (f) v[n] = f.value; });
		try {
			s.setItem(copyKey(storyId()), JSON.stringify({ fields: v, at: Date.now(),
				submitted: !!submitted }));
		} catch (e) {}
	}
	function differs(copy) {
		return KEPT.some(function (n) {
			var f = field(n);
			return f && typeof copy.fields[n] === 'string' && copy.fields[n] !== f.value;
		});
	}
	function restore(copy) {
		KEPT.forEach(function (n) {
			var f = field(n);
			if (f && typeof copy.fields[n] === 'string') f.value = copy.fields[n];
		});
		dirty = true;
		updatePreview();
		clearTimeout(saveTimer);
		saveTimer = setTimeout(autosave, 1000);
	}
	/* On opening the editor: offer back a copy that the server lacks. */
	function offerCopy() {
		var id = storyId(), copy;
		/* Submitted, and the server answered with this page: it has it
		 * (a new story's copy too, kept before it had an id). */
		if (/[?&]done=/.test(location.search))
			[id, ''].forEach(function (k) {
				var c = readCopy(k);
				if (c && c.submitted) dropCopy(k);
			});
		copy = readCopy(id);
		if (!copy || !copy.fields) return;
		if (!differs(copy)) {
			dropCopy(id);
			return;
		}
		var box = document.createElement('div');
		box.className = 'nr-copy-offer alert';
		box.setAttribute('role', 'alert');
		var p = document.createElement('p');
		p.textContent = text.say('copyKept', new Date(copy.at).toLocaleString(lang));
		box.appendChild(p);
		[['restore', 'button'], ['discard', 'button secondary']].forEach(function (b) {
			var button = document.createElement('button');
			button.type = 'button';
			button.className = b[1];
			button.textContent = text.say(b[0]);
			button.addEventListener('click', function () {
				if (b[0] === 'restore') restore(copy);
				else dropCopy(id);
				box.remove();
				(b[0] === 'restore' ? body : form.querySelector('#headline')).focus();
			});
			box.appendChild(button);
		});
		/* Above the editor's two columns, not in one of them. */
		form.parentNode.parentNode.insertBefore(box, form.parentNode);
	}

	/* ---- The chosen photo in the preview ---- */

	function showPhoto() {
		var input = form.querySelector('#photo'), file = input && input.files && input.files[0];
		/* A data: address: the site's CSP allows those images, not blob:. */
		if (!file || !/^image\//.test(file.type) || !window.FileReader) return;
		var reader = new FileReader();
		reader.onload = function () {
			var fig = document.getElementById('preview-photo');
			if (!fig) {
				fig = document.createElement('figure');
				fig.className = 'lead-photo';
				fig.id = 'preview-photo';
				fig.appendChild(document.createElement('img'));
				fig.appendChild(document.createElement('figcaption'));
				preview.parentNode.insertBefore(fig, preview);
			}
			var img = fig.querySelector('img');
			img.removeAttribute('width');
			img.removeAttribute('height');
			img.src = reader.result;
			photoText();
		};
		reader.readAsDataURL(file);
	}
	function photoText() {
		var fig = document.getElementById('preview-photo');
		if (!fig) return;
		var caption = form.querySelector('#caption').value, alt = form.querySelector('#alt').value;
		fig.querySelector('img').alt = alt || caption;
		fig.querySelector('figcaption').textContent = caption;
	}

	/* ---- Autosave ---- */

	function autosave() {
		if (!dirty || saving || form.getAttribute('data-autosave') !== 'on') return;
		if (!form.querySelector('#headline').value.trim()) return;
		var data = new FormData(form);
		data.delete('photo');
		data.set('action', 'autosave');
		saving = true;
		dirty = false;
		status.textContent = text.say('saving');
		inflight = post('/newsroom/save', data).then(function (r) {
			/* A proxy's error page is no JSON: a failure like any other. */
			return r.json().catch(function () { return {}; })
				.then(function (v) { return { ok: r.ok, status: r.status, v: v }; });
		}).then(function (res) {
			saving = false;
			if (res.ok && res.v.id) {
				var wasNew = !storyId();
				idField.value = res.v.id;
				versionField.value = res.v.version;
				if (window.history && location.pathname !== res.v.url)
					history.replaceState(null, '', res.v.url);
				status.textContent = text.say('draftSavedAt', new Date().toLocaleTimeString(lang));
				if (wasNew) dropCopy('');
				if (dirty) keepCopy(); else dropCopy(storyId());
				return;
			}
			if (res.status === 422 || res.status === 409) {
				/* Refused as it is: retrying would not help. */
				status.textContent = text.say('notSavedBecause', res.v.error || text.say('useSaveButton'));
				form.setAttribute('data-autosave', '');
				return;
			}
			throw new Error('autosave failed');
		}).catch(function () {
			saving = false;
			dirty = true;
			status.textContent = text.say('keptHere');
			clearTimeout(saveTimer);
			saveTimer = setTimeout(autosave, RETRY_MS);
		});
	}

	form.addEventListener('change', function (e) {
		if (e.target.id === 'photo') showPhoto();
	});
	form.addEventListener('input', function (e) {
		if (e.target.type === 'file') return;
		if (e.target.id === 'caption' || e.target.id === 'alt') photoText();
		dirty = true;
		keepCopy();
		clearTimeout(saveTimer);
		saveTimer = setTimeout(autosave, 5000);
		if (e.target === body || e.target.id === 'dateline') {
			clearTimeout(previewTimer);
			previewTimer = setTimeout(updatePreview, 300);
		}
		if (e.target === slug) {
			clearTimeout(slugTimer);
			slugTimer = setTimeout(checkSlug, 300);
		}
	});
	/* A real submit makes autosave moot.  One sent while an autosave is on
	 * its way would carry the version before it and be refused as a
	 * conflicting edit: wait for the autosave (it updates the version),
	 * then submit with the same button. */
	form.addEventListener('submit', function (e) {
		/* Preview opens another tab and saves nothing. */
		if (e.submitter && e.submitter.value === 'preview') return;
		clearTimeout(saveTimer);
		if (dirty || readCopy(storyId())) keepCopy(true);
		dirty = false;
		if (saving && inflight && form.requestSubmit) {
			e.preventDefault();
			var button = e.submitter || null;
			inflight.then(function () { form.requestSubmit(button); });
		}
	});
	offerCopy();
})();
