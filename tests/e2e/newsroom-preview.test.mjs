// newsroom-preview.test.mjs - the editor's Preview button before the
// first save: the page as readers will see it carries the photo chosen in
// the form (sent back as a data: image, nothing stored), with its caption
// and alt text; a file that is no image is left out with a note.  The
// editor's own preview pane shows a saved story's photo.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeSite, removeDir, startServer, dbSql, decodeEntities } from './lib.mjs';
import { addUser, loginAs, saveStory, storyId, jpegWithGps, haveVips } from './newsroom-lib.mjs';

describe('the preview of an unsaved story', { skip: !haveVips() && 'no vips CLI' }, () => {
	let site, srv, ed;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000'] });
		ed = await loginAs(srv.url, 'editor@example.com');
	});
	after(async () => {
		// Exits cleanly (no leak reports under ASan).
		assert.equal(await srv.stop(), 0);
		await removeDir(site.dir);
	});

	test('shows the chosen photo, stores nothing', async () => {
		const jpg = jpegWithGps(site.dir, 900, 600, 1);
		const r = await saveStory(ed, { headline: 'Lighthouse relit', body: 'The lamp shone again.',
			caption: 'The lighthouse at dusk.', alt: 'A white lighthouse', photo:
			{ data: jpg, name: 'light.jpg', type: 'image/jpeg' } }, 'preview');
		assert.equal(r.status, 200);
		const fig = /<figure class="lead-photo"[^>]*>([\s\S]*?)<\/figure>/.exec(r.text);
		assert.ok(fig, 'a lead photo in the preview');
		const img = /<img src="data:image\/jpeg;base64,([A-Za-z0-9+/=]+)"[^>]* width="900" height="600" alt="A white lighthouse">/
			.exec(fig[1]);
		assert.ok(img, fig[1].slice(0, 300));
		assert.deepEqual(Buffer.from(img[1], 'base64'), jpg, 'the chosen file itself');
		assert.match(decodeEntities(fig[1]), /<figcaption>The lighthouse at dusk\.<\/figcaption>/);
		assert.match(r.text, /Preview — not saved/);
		assert.deepEqual(await dbSql(site.db, 'SELECT id FROM articles'), [], 'nothing saved');
		assert.deepEqual(await dbSql(site.db, 'SELECT key FROM media'), [], 'no photo stored');
	});

	test('a file that is no image is left out, with a note', async () => {
		const r = await saveStory(ed, { headline: 'Lighthouse relit', body: 'Text.', caption: 'C.',
			alt: 'A', photo: { data: Buffer.from('not an image'), name: 'x.jpg', type: 'image/jpeg' } },
		'preview');
		assert.equal(r.status, 200);
		assert.doesNotMatch(r.text, /<figure class="lead-photo"/);
		assert.match(r.text, /The chosen photo is shown once the story is saved\./);
	});

	test('the editor preview pane shows the saved photo', async () => {
		const jpg = jpegWithGps(site.dir, 900, 600, 1);
		const r = await saveStory(ed, { headline: 'Harbour light', body: 'Text.', caption: 'The quay.',
			alt: 'A quay at night', photo: { data: jpg, name: 'q.jpg', type: 'image/jpeg' } });
		const p = await ed.get(`/newsroom/stories/${storyId(r)}`);
		const pane = /<section class="nr-preview"[\s\S]*?<\/section>/.exec(p.text)[0];
		assert.match(pane, /<figure class="lead-photo" id="preview-photo"><img src="\/media\/[^"]+" width="900" height="600" alt="A quay at night"><figcaption>The quay\.<\/figcaption><\/figure>/);
	});
});
