// examples/frameworks/fastify_app.js — Fastify "Hello, World!": node fastify_app.js PORT
const fastify = require('fastify')({ logger: false });
fastify.get('/', async (request, reply) => {
  reply.type('text/plain');
  return 'Hello, World!';
});
fastify.listen({ port: Number(process.argv[2] || 8007), host: '127.0.0.1' }, (err) => {
  if (err) { console.error(err); process.exit(1); }
});
