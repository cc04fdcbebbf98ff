"""The committed gallery: complete, as rendered, within its size budget, reproducible to the byte,
and an index page that loads in a real headless browser."""
from __future__ import annotations

import fcntl
import html
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from actviz.cli import cli
from actviz.gallery import indexes as gallery
from actviz.gallery import manifest, run
from actviz.gallery import spec as batch
from actviz.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "gallery"
SPEC_PATH = GALLERY / "gallery.toml"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def spec() -> batch.Spec:
    return batch.load_spec(SPEC_PATH)


def args_of(spec: batch.Spec, command: str) -> list[list[str]]:
    return [list(e.args) for e in spec.entries if e.command == command]


# --------------------------------------------------------------------------- content


def test_every_entry_parses_as_on_the_command_line(spec):
    run.check_arguments(spec, spec.entries, cli)


ARTICLE_FAMILIES = [
    ["sigmoid", "tanh", "arctan", "softsign", "isru"],
    ["relu", "relu6", "leaky_relu", "prelu", "rrelu"],
    ["softplus", "elu", "selu"],
    ["swish", "tanhshrink", "bent_identity"],
]


@pytest.mark.parametrize("family", ARTICLE_FAMILIES, ids=lambda f: f[0])
def test_the_article_function_figures_are_there(spec, family):
    """Each of the article's four function figures is one plot of exactly its functions (in any order)."""
    names = [sorted(a.split(":")[0] for a in args if not a.startswith("-") and not _is_number(a))
             for args in args_of(spec, "plot")]
    assert sorted(family) in names


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[-+]?\d+(\.\d*)?", text) is not None


def test_the_catalogue_sheet_is_there(spec):
    assert any("--all" in args for args in args_of(spec, "plot"))


def outputs_of(spec: batch.Spec, command: str) -> set[str]:
    return {e.output for e in spec.entries if e.command == command}


@pytest.mark.skipif("warp" not in COMMANDS, reason="the warp command is not there yet")
def test_the_warp_figures_are_there(spec):
    warps = [e for e in spec.entries if e.command == "warp"]
    assert any(e.output.endswith(".png") and "2,5,30" in " ".join(e.args) for e in warps)
    assert any(e.output.endswith(".gif") for e in warps)


@pytest.mark.skipif("train" not in COMMANDS, reason="the train command is not there yet")
def test_the_training_animations_are_there(spec):
    gifs = [" ".join(e.args) for e in spec.entries if e.command == "train" and e.output.endswith(".gif")]
    assert len(gifs) >= 4
    assert any("relu" in a and "4" in a for a in gifs) and any("sigmoid" in a and "4" in a for a in gifs)
    assert any("circles" in a for a in gifs) and any("spiral" in a for a in gifs)


@pytest.mark.skipif("boundary" not in COMMANDS, reason="the boundary command is not there yet")
def test_the_decision_boundaries_are_there(spec):
    assert outputs_of(spec, "boundary")


# --------------------------------------------------------------------------- as committed


def test_every_figure_is_committed_as_rendered(spec):
    """Each output exists and has the bytes the manifest says were rendered (not edited since)."""
    records = manifest.read_manifest(spec.manifest_path)
    for entry in spec.entries:
        path = GALLERY / entry.output
        assert path.is_file(), f"{entry.output} is missing: run make gallery"
        assert records.get(entry.output, {}).get("sha256") == manifest.file_digest(path), entry.output


def test_the_indexes_are_generated_from_the_spec(spec):
    expected = gallery.indexes(spec)
    assert set(expected) == {"README.md", "index.html"}
    for name, text in expected.items():
        assert (GALLERY / name).read_text(encoding="utf-8") == text, f"{name} is out of date: run make gallery"


def test_the_index_shows_every_figure_with_its_command(spec):
    page = (GALLERY / "index.html").read_text(encoding="utf-8")
    readme = (GALLERY / "README.md").read_text(encoding="utf-8")
    for entry in spec.entries:
        line = entry.command_line()
        assert f'src="{entry.output}"' in page or f'href="{entry.output}"' in page
        assert f"({entry.output})" in readme
        assert html.escape(line) in page and f"\n{line}\n" in readme
        for formula in entry.formula:
            assert html.escape(formula) in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page), "the page must be self-contained"
    assert "<link" not in page and "@import" not in page


def test_the_gallery_fits_its_size_budget():
    files = [p for p in GALLERY.rglob("*") if p.is_file()]
    for gif in (p for p in files if p.suffix == ".gif"):
        assert gif.stat().st_size <= 2 * MB, f"{gif.name} is {gif.stat().st_size / MB:.2f} MB (limit 2 MB)"
    total = sum(p.stat().st_size for p in files)
    assert total <= 25 * MB, f"the gallery is {total / MB:.1f} MB (limit 25 MB)"


def test_the_readme_opens_with_the_two_commands_and_gallery_images():
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make gallery" in first_screen and "make test" in first_screen
    images = re.findall(r"!\[[^\]]*\]\((gallery/[^)]+)\)|<img [^>]*src=\"(gallery/[^\"]+)\"", first_screen)
    paths = [a or b for a, b in images]
    assert len(paths) >= 3
    for p in paths:
        assert (ROOT / p).is_file(), p


def test_the_docs_document_the_spec_format():
    section = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    import tomllib

    data = tomllib.loads(example)
    parsed = batch.parse_spec(data, Path("example.toml"))
    assert parsed.entries


# --------------------------------------------------------------------------- in a real browser


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, executable: str, profile: Path, log: Path):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds():  # runs in the child: the browser reads commands on fd 3, answers on fd 4
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--hide-scrollbars", "--mute-audio", f"--user-data-dir={profile}",
                 "--remote-debugging-pipe", "--window-size=1280,2000", "about:blank"]
        self._log = open(log, "wb")
        self.proc = subprocess.Popen([executable, *flags], stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log, close_fds=False, preexec_fn=wire_fds)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def drain(self, seconds: float) -> None:
        """Collect the events of the next ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        self._log.close()


LOAD_ALL_IMAGES = """
(async () => {
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  const settle = (img) => new Promise((resolve) => {
    if (img.complete && img.naturalWidth > 0) { resolve(); return; }
    img.addEventListener("load", resolve, { once: true });
    img.addEventListener("error", resolve, { once: true });
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, 30000));
  await Promise.race([Promise.all(images.map(settle)), timeout]);
  return images.map((img) => [img.getAttribute("src"), img.naturalWidth, img.naturalHeight]);
})()
"""


def console_errors(events: list[dict]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails", {}))[:300])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args", []))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", "")[:300])
    return errors


def page_folder(spec: batch.Spec, tmp_path: Path) -> Path:
    """The gallery's files beside the index page generated from the spec (what `make gallery` commits)."""
    folder = tmp_path / "gallery"
    folder.mkdir()
    for entry in spec.entries:
        (folder / entry.output).parent.mkdir(parents=True, exist_ok=True)
        (folder / entry.output).symlink_to(GALLERY / entry.output)
    (folder / "index.html").write_text(gallery.indexes(spec)["index.html"], encoding="utf-8")
    return folder


def start_page(browser: "DevTools", url: str, reduced_motion: bool = False) -> str:
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Page", "Network"):
        browser.send(f"{domain}.enable", session=session)
    if reduced_motion:
        browser.send("Emulation.setEmulatedMedia",
                     {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}, session=session)
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired")
    return session


def evaluate(browser: "DevTools", session: str, expression: str):
    reply = browser.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
                         session=session)
    assert "exceptionDetails" not in reply, reply
    return reply["result"].get("value")


def test_every_video_shares_a_card_with_its_gif(spec):
    """The README (code hosts show no video) keeps an image of every animation the page plays."""
    videos = [e for e in spec.entries if gallery.is_video(e)]
    assert videos, "the gallery has no video"
    cards = gallery.cards(spec.entries)
    for video in videos:
        card, = [c for c in cards if video in c.entries]
        assert card.image is not None and card.image.output.endswith(".gif")
        size, table = gallery.video_info(GALLERY / video.output)
        assert size is not None and table is not None and len(table["labels"]) == len(table["frame_ms"])
        assert abs(size[0] - gallery.image_size(GALLERY / card.image.output)[0]) <= 1


@pytest.mark.slow
@pytest.mark.browser
def test_the_index_page_loads_in_a_headless_browser(spec, tmp_path):
    executable = find_chromium()
    if executable is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium): index.html not opened in a browser")
    folder = page_folder(spec, tmp_path)
    browser = DevTools(executable, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable", session=session)
        url = (folder / "index.html").as_uri()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        result = browser.send("Runtime.evaluate", {"expression": LOAD_ALL_IMAGES, "awaitPromise": True,
                                                   "returnByValue": True}, session=session)
        images = result["result"]["value"]
        # the copy button must work (or fall back) without an error
        browser.send("Runtime.evaluate", {"expression": "document.querySelector('button.copy').click()"},
                     session=session)
        browser.drain(0.5)
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    finally:
        browser.close()
    expected = [c.image.output for c in gallery.cards(spec.entries) if c.image is not None and not c.videos]
    assert [src for src, _, _ in images] == expected
    broken = [src for src, width, height in images if not (width > 0 and height > 0)]
    assert broken == [], f"images that did not load: {broken}"
    for src, width, height in images:
        size = gallery.image_size(GALLERY / src)
        if size:
            assert (width, height) == size, src
    assert console_errors(browser.events) == []
    requests = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requests and all(u.startswith(("file://", "data:")) for u in requests), requests
    import base64

    assert base64.b64decode(shot["data"])[:8] == b"\x89PNG\r\n\x1a\n"


PLAYERS = """
(async () => {
  const players = Array.from(document.querySelectorAll("figure.player"));
  const ready = (v) => new Promise((resolve) => {
    if (v.readyState >= 2) { resolve(); return; }
    v.addEventListener("loadeddata", resolve, { once: true });
    v.addEventListener("error", resolve, { once: true });
    setTimeout(resolve, 30000);
  });
  await Promise.all(players.map((p) => ready(p.querySelector("video"))));
  await new Promise((r) => setTimeout(r, 400));
  return players.map((p) => {
    const v = p.querySelector("video");
    return { src: v.currentSrc.split("/").pop(), ready: v.readyState, width: v.videoWidth, error: v.error && v.error.code,
             paused: v.paused, controlsShown: !p.querySelector(".controls").hidden, nativeControls: v.controls,
             frame: Number(p.querySelector("input").value), frames: Number(p.querySelector("input").max) + 1,
             label: p.querySelector("output").value, poster: Number(p.dataset.poster) };
  });
})()
"""

STEP = """
(async () => {
  const p = document.querySelectorAll("figure.player")[%d];
  const v = p.querySelector("video");
  const seeked = () => new Promise((r) => { v.addEventListener("seeked", r, { once: true }); setTimeout(r, 5000); });
  const out = {};
  p.querySelector(".play").click();
  await new Promise((r) => setTimeout(r, 200));
  out.pausedAfterClick = v.paused;
  out.buttonAfterClick = p.querySelector(".play").getAttribute("aria-label");
  let s = seeked(); p.querySelector(".next").click(); await s;
  out.afterNext = [Number(p.querySelector("input").value), p.querySelector("output").value, v.paused];
  s = seeked(); p.querySelector(".next").click(); await s;
  s = seeked(); p.querySelector(".prev").click(); await s;
  out.afterNextNextPrev = Number(p.querySelector("input").value);
  const scrub = p.querySelector("input");
  s = seeked(); scrub.value = "10"; scrub.dispatchEvent(new Event("input")); await s;
  out.afterScrub = [Number(scrub.value), p.querySelector("output").value, v.currentTime];
  p.querySelector(".play").click();
  await new Promise((r) => setTimeout(r, 600));
  out.playingAgain = !v.paused;
  out.movedOn = Number(scrub.value) !== 10 || v.currentTime > out.afterScrub[2];
  return out;
})()
"""


@pytest.mark.slow
@pytest.mark.browser
def test_the_player_pauses_steps_and_scrubs_in_a_headless_browser(spec, tmp_path):
    """Every video loads and plays; the first player pauses, steps a frame at a time (its label naming
    the training step) and scrubs; with prefers-reduced-motion nothing plays until asked, and each
    player shows its poster frame (the trained network). No console errors."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium): the player not tried")
    folder = page_folder(spec, tmp_path)
    url = (folder / "index.html").as_uri()
    cards = [c for c in gallery.cards(spec.entries) if c.videos]
    first_train = next(i for i, c in enumerate(cards) if c.entry.command == "train")
    table = gallery.video_info(GALLERY / cards[first_train].videos[0].output)[1]
    browser = DevTools(executable, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        session = start_page(browser, url)
        players = evaluate(browser, session, PLAYERS)
        steps = evaluate(browser, session, STEP % first_train)
        evaluate(browser, session, f"document.querySelectorAll('figure.player')[{first_train}].scrollIntoView()")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        browser.drain(0.3)
        reduced = start_page(browser, url, reduced_motion=True)
        still = evaluate(browser, reduced, PLAYERS)
        browser.drain(0.3)
    finally:
        browser.close()
    import base64

    (tmp_path / "player.png").write_bytes(base64.b64decode(shot["data"]))
    assert [p["src"] for p in players] == [c.videos[0].output for c in cards]
    for p in players:
        assert p["ready"] >= 2 and p["width"] > 0 and p["error"] is None, p
        assert p["controlsShown"] and not p["nativeControls"] and not p["paused"], p
    assert steps["pausedAfterClick"] and steps["buttonAfterClick"] == "Play"
    frame, label, paused = steps["afterNext"]
    assert paused and label == f"{table['labels'][frame]} \u00b7 {frame + 1}/{len(table['labels'])}"
    assert steps["afterNextNextPrev"] == frame  # one forward, one back
    assert steps["afterScrub"][0] == 10 and steps["afterScrub"][1].startswith(table["labels"][10] + " ")
    assert table["frame_ms"][10] / 1000 <= steps["afterScrub"][2] < table["frame_ms"][11] / 1000
    assert steps["playingAgain"] and steps["movedOn"]
    for p in still:
        assert p["paused"] and p["frame"] == p["poster"], p
    assert console_errors(browser.events) == []
