/* dateline newsroom - progressive enhancement of the story editor.  The
 * editor works without this file; with it, the preview follows the body as
 * the author types (and shows a chosen photo), the slug is checked as it
 * is typed, and a draft saves itself every few seconds after a change.
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
		inflight = post('/newsroom/save', data).then(function (r) {
			return r.json().then(function (v) { return { ok: r.ok, v: v }; });
		}).then(function (res) {
			saving = false;
			if (!res.ok) {
				status.textContent = text.say('notSavedBecause', res.v.error || text.say('useSaveButton'));
				form.setAttribute('data-autosave', '');
				return;
			}
			idField.value = res.v.id;
			versionField.value = res.v.version;
			if (window.history && location.pathname !== res.v.url)
				history.replaceState(null, '', res.v.url);
			status.textContent = text.say('draftSavedAt', new Date().toLocaleTimeString(lang));
		}).catch(function () {
			saving = false;
			dirty = true;
		});
	}

	form.addEventListener('change', function (e) {
		if (e.target.id === 'photo') showPhoto();
	});
	form.addEventListener('input', function (e) {
		if (e.target.type === 'file') return;
		if (e.target.id === 'caption' || e.target.id === 'alt') photoText();
		dirty = true;
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
		clearTimeout(saveTimer);
		dirty = false;
		if (saving && inflight && form.requestSubmit) {
			e.preventDefault();
			var button = e.submitter || null;
			inflight.then(function () { form.requestSubmit(button); });
		}
	});
})();
