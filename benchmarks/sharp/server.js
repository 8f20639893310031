// The libvips limit: Node's http module and sharp, nothing else.
//   node server.js <photos dir> <port>
// GET /<photo>?w=512&h=512&fm=jpeg&q=80 fits the photo inside w x h (never enlarged),
// with the encoder options Enlarger uses (benchmarks/bench_formats.py), metadata stripped.
"use strict";
const fs = require("fs/promises");
const http = require("http");
const path = require("path");
const sharp = require("sharp");

const [root, port] = process.argv.slice(2);
sharp.cache(false);

const encoders = {
  jpeg: (img, q) => img.jpeg({ quality: q, optimiseCoding: true }),
  png: (img) => img.png({ compressionLevel: 2, adaptiveFiltering: false }),
  webp: (img, q) => img.webp({ quality: q, effort: 2 }),
  avif: (img, q) => img.avif({ quality: q, effort: 1 }),
};

http
  .createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://x");
      const data = await fs.readFile(path.join(root, path.basename(url.pathname)));
      const w = Number(url.searchParams.get("w"));
      const h = Number(url.searchParams.get("h"));
      const fm = url.searchParams.get("fm");
      const q = Number(url.searchParams.get("q") || 80);
      const img = sharp(data).rotate().resize(w, h, { fit: "inside", withoutEnlargement: true });
      const out = await encoders[fm](img, q).toBuffer();
      res.writeHead(200, { "content-type": `image/${fm}`, "content-length": out.length });
      res.end(out);
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    }
  })
  .listen(Number(port), "127.0.0.1");
