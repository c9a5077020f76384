# examples/frameworks/fastapi_app.py — FastAPI "Hello, World!" (served by uvicorn).
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/", response_class=PlainTextResponse)
async def hello():
    return "Hello, World!"
