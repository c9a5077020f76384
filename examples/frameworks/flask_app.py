# examples/frameworks/flask_app.py — Flask "Hello, World!" (served by gunicorn and waitress).
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}
