// examples/frameworks/express_app.js — Express "Hello, World!": node express_app.js PORT
const express = require('express');
const app = express();
app.get('/', (req, res) => res.type('text/plain').send('Hello, World!'));
app.listen(Number(process.argv[2] || 8006), '127.0.0.1');
