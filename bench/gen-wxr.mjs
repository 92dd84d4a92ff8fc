// bench/gen-wxr.mjs - write a WordPress export (WXR 1.2) for the import
// benchmark: POSTS posts with COMMENTS comments in all (threaded: every
// fifth a reply), 20 authors, 50 categories (nested two deep), 300 tags,
// a featured image on every tenth post (attachments after their posts,
// as WordPress writes them) with its file under UPLOADS (one small JPEG,
// copied), classic-editor bodies of about 2 KB with a [caption].
//
//   node bench/gen-wxr.mjs OUT.xml POSTS COMMENTS [UPLOADS JPEG]
import fs from 'node:fs';
import path from 'node:path';

const [out, nposts = '100000', ncomments = '500000', uploads, jpeg] = process.argv.slice(2);
const posts = Number(nposts), comments = Number(ncomments);
const f = fs.openSync(out, 'w');
let pending = '';
const w = (s) => {
	pending += s;
	if (pending.length > 1 << 20) {
		fs.writeSync(f, pending);
		pending = '';
	}
};
w('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
	+ ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
	+ ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
	+ ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
	+ ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Bench</title>'
	+ '<link>https://bench.example</link><wp:wxr_version>1.2</wp:wxr_version>'
	+ '<wp:base_site_url>https://bench.example</wp:base_site_url>\n');
for (let a = 0; a < 20; a++)
	w(`<wp:author><wp:author_id>${a + 1}</wp:author_id><wp:author_login>u${a}</wp:author_login>`
		+ `<wp:author_email>u${a}@bench.example</wp:author_email><wp:author_display_name>`
		+ `<![CDATA[Writer ${a}]]></wp:author_display_name></wp:author>\n`);
for (let c = 0; c < 50; c++)
	w(`<wp:category><wp:term_id>${c + 1}</wp:term_id><wp:category_nicename>cat${c}`
		+ `</wp:category_nicename><wp:category_parent>${c >= 10 ? `cat${c % 10}` : ''}`
		+ `</wp:category_parent><wp:cat_name><![CDATA[Category ${c}]]></wp:cat_name></wp:category>\n`);
const para = '<p>The harbour cranes swung back into motion at dawn, <em>four days</em> after'
	+ ' the storm closed the port. Dockers said the backlog would take <strong>weeks</strong>'
	+ ' to clear, and <a href="https://bench.example/2019/05/storm/">the last storm</a> cost'
	+ ' more.</p>\n\n';
const body = para.repeat(5);
const perPost = posts ? comments / posts : 0;
let cid = 1;
if (uploads && jpeg) {
	fs.mkdirSync(path.join(uploads, '2020/01'), { recursive: true });
	fs.copyFileSync(jpeg, path.join(uploads, '2020/01/lead.jpg'));
}
for (let i = 1; i <= posts; i++) {
	const photo = uploads && i % 10 === 0;
	w(`<item><title>Story number ${i}</title><link>https://bench.example/2020/01/story-${i}/</link>`
		+ `<dc:creator>u${i % 20}</dc:creator><content:encoded><![CDATA[${body}`
		+ `[caption id="attachment_1" width="300"]<img src="https://bench.example/wp-content/`
		+ `uploads/2020/01/lead.jpg" alt="Cranes"> Cranes at dawn[/caption]]]></content:encoded>`
		+ `<excerpt:encoded><![CDATA[The port reopens.]]></excerpt:encoded>`
		+ `<wp:post_id>${i}</wp:post_id><wp:post_date_gmt>2020-01-${String(1 + (i % 28)).padStart(2, '0')}`
		+ ` 08:${String(i % 60).padStart(2, '0')}:00</wp:post_date_gmt><wp:post_name>story-${i}`
		+ '</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>'
		+ `<category domain="category" nicename="cat${i % 50}"><![CDATA[Category ${i % 50}]]></category>`
		+ `<category domain="post_tag" nicename="t${i % 300}"><![CDATA[Tag ${i % 300}]]></category>`
		+ (photo ? `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>${posts + i}`
			+ '</wp:meta_value></wp:postmeta>' : ''));
	const n = Math.floor(i * perPost) - Math.floor((i - 1) * perPost);
	for (let k = 0; k < n; k++, cid++)
		w(`<wp:comment><wp:comment_id>${cid}</wp:comment_id><wp:comment_author>Reader ${k}`
			+ `</wp:comment_author><wp:comment_author_email>r${k}@bench.example`
			+ '</wp:comment_author_email><wp:comment_date_gmt>2020-02-01 10:00:00'
			+ '</wp:comment_date_gmt><wp:comment_content><![CDATA[A fair point about the'
			+ ` port, number ${cid}.]]></wp:comment_content><wp:comment_approved>1`
			+ `</wp:comment_approved><wp:comment_parent>${k % 5 === 4 ? cid - 1 : 0}`
			+ '</wp:comment_parent></wp:comment>');
	w('</item>\n');
	if (photo)
		w(`<item><title>lead</title><wp:post_id>${posts + i}</wp:post_id><wp:post_type>attachment`
			+ '</wp:post_type><wp:status>inherit</wp:status><wp:attachment_url>'
			+ 'https://bench.example/wp-content/uploads/2020/01/lead.jpg</wp:attachment_url></item>\n');
}
w('</channel></rss>\n');
fs.writeSync(f, pending);
fs.closeSync(f);
