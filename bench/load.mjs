// bench/load.mjs - load shapes wrk cannot make, for bench/reactions.sh.
//
//   node bench/load.mjs writes RATE SECONDS URL   PUT reactions at RATE/s
//   node bench/load.mjs streams N URL             hold N SSE streams open
//
// writes: each PUT is a new reader's reaction (no cookie); prints
// "writes: sent S ok K failed F rate R/s" at the end.
// streams: opens N event streams, prints "streams: N open" once all are
// connected, then holds them until SIGTERM/SIGINT.
import http from 'node:http';

const [mode, ...args] = process.argv.slice(2);
const names = ['angry', 'fail', 'geeky', 'lol', 'love', 'scary', 'win'];

function writes(rate, seconds, url) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
	const u = new URL(url);
	let sent = 0, ok = 0, failed = 0, inflight = 0;
	const start = Date.now();
	const tick = 10; // ms
	const timer = setInterval(() => {
		const due = Math.floor(((Date.now() - start) / 1000) * rate);
		while (sent < due && inflight < 2000) {
			const body = JSON.stringify({ reaction: names[sent % 7] });
			sent++;
			inflight++;
			const req = http.request({
				agent, host: u.hostname, port: u.port, path: u.pathname,
				method: 'PUT',
				headers: { 'Content-Type': 'application/json',
					   'Content-Length': Buffer.byteLength(body) },
			}, (res) => {
				res.resume();
				res.on('end', () => {
					inflight--;
					if (res.statusCode === 200) ok++; else failed++;
				});
			});
			req.on('error', () => { inflight--; failed++; });
			req.end(body);
		}
		if (Date.now() - start >= seconds * 1000) {
			clearInterval(timer);
			const wait = setInterval(() => {
				if (inflight > 0) return;
				clearInterval(wait);
				const secs = (Date.now() - start) / 1000;
				console.log(`writes: sent ${sent} ok ${ok} failed ${failed} rate ${(ok / secs).toFixed(0)}/s`);
				agent.destroy();
			}, 20);
		}
	}, tick);
}

function streams(n, url) {
	const u = new URL(url);
	let open = 0, failed = 0;
	const reqs = [];
	for (let i = 0; i < n; i++) {
		const req = http.get({ host: u.hostname, port: u.port, path: u.pathname,
			agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
			if (res.statusCode !== 200) { failed++; res.resume(); return; }
			res.once('data', () => {
				open++;
				if (open + failed === n)
					console.log(`streams: ${open} open, ${failed} failed`);
			});
			res.on('data', () => {});
		});
		req.on('error', () => {
			failed++;
			if (open + failed === n)
				console.log(`streams: ${open} open, ${failed} failed`);
		});
		reqs.push(req);
	}
	const stop = () => { for (const r of reqs) r.destroy(); process.exit(0); };
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

if (mode === 'writes')
	writes(Number(args[0]), Number(args[1]), args[2]);
else if (mode === 'streams')
	streams(Number(args[0]), args[1]);
else {
	console.error('usage: load.mjs writes RATE SECONDS URL | streams N URL');
	process.exit(2);
}
