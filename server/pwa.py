"""Serving the phone app (pwa/) under /app/, with the headers a service worker needs."""
from pathlib import Path

from flask import Blueprint, redirect, send_from_directory

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
blp = Blueprint("pwa", __name__)


@blp.get("/")
def home():
    return redirect("/app/")


@blp.get("/app/")
@blp.get("/app/<path:path>")
def app_file(path="index.html"):
    response = send_from_directory(PWA_DIR, path, max_age=0)  # the service worker caches; browsers revalidate
    if path == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
        response.headers["Cache-Control"] = "no-cache"
    if path.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    return response
