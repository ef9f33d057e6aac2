// The floor the gateway bench compares against: the least a Node proxy can do on this machine —
// node:http in, undici out on a keep-alive Agent, the body passed through — with no
// authentication, cache, limits or log. What the gateway adds over this is its own cost; what
// this adds over a direct call is the extra hop (two more loopback writes and wake-ups).
//   node bench/bare-proxy.mjs <port> <upstream origin>
import http from "node:http";
import { Agent, request } from "undici";

const [port, upstream] = process.argv.slice(2);
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const answer = await request(upstream + req.url, {
      method: req.method,
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: Buffer.concat(chunks),
      dispatcher,
    });
    const text = await answer.body.text();
    res.writeHead(answer.statusCode, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  } catch (error) {
    res.writeHead(502).end(String(error));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), "127.0.0.1", () => console.log("ready"));
