// examples/frameworks/scen_express.js — Express with the scenario endpoints of
// examples/scenarios/ (S1: GET /text, GET /json; S3: POST /users, /orders, /payments with a
// JSON body, each answered after DELAY_MS, default 0): node scen_express.js PORT
const express = require('express');
const app = express();
const delay = Number(process.env.DELAY_MS || 0);
app.use(express.json());
app.get('/text', (req, res) => res.type('text/plain').send('Hello, World!'));
app.get('/json', (req, res) => res.json({ message: 'Hello, World!' }));
for (const name of ['users', 'orders', 'payments']) {
  app.post('/' + name, (req, res) => {
    setTimeout(() => res.status(201).json({ saved: name, received: req.body }), delay);
  });
}
app.listen(Number(process.argv[2] || 8201), '127.0.0.1');
