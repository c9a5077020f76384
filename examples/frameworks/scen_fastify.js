// examples/frameworks/scen_fastify.js — Fastify with the scenario endpoints of
// examples/scenarios/ (S1: GET /text, GET /json; S3: POST /users, /orders, /payments with a
// JSON body, each answered after DELAY_MS, default 0): node scen_fastify.js PORT
const fastify = require('fastify')({ logger: false });
const delay = Number(process.env.DELAY_MS || 0);
fastify.get('/text', async (request, reply) => {
  reply.type('text/plain');
  return 'Hello, World!';
});
fastify.get('/json', async () => ({ message: 'Hello, World!' }));
for (const name of ['users', 'orders', 'payments']) {
  fastify.post('/' + name, async (request, reply) => {
    await new Promise((resolve) => setTimeout(resolve, delay));
    reply.code(201);
    return { saved: name, received: request.body };
  });
}
fastify.listen({ port: Number(process.argv[2] || 8202), host: '127.0.0.1' }, (err) => {
  if (err) { console.error(err); process.exit(1); }
});
