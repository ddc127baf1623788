#!/usr/bin/env python3
"""Drives the studio page in headless Chromium as a person would, over the DevTools protocol on a
pipe (--remote-debugging-pipe: no WebSocket, no packages beyond Python's standard library).

  studio_driver.py --chromium PATH --url URL --out DIR --photo FACE.png [--real-photo PORTRAIT.png]
                   --video CLIP.mp4 [--face-video FACES.mp4]

Toonify tab: upload the photo, pick the toonify pair, move the degree slider, start, wait, download;
then move the slider again and keep the live preview. The same with the real photo, its faces to be
found and pasted back (the Faces choice); then the video and the student, and the face video with
the student on the faces only.
Generate and gallery tabs: one grid, then the gallery. Screenshots of each step go to DIR; the
downloads to DIR/downloads. Prints a JSON summary on stdout. Exits non-zero with one line on error.
"""
import argparse, base64, json, os, subprocess, sys, tempfile, time


class Browser:
    def __init__(self, chromium, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():  # the child reads commands on fd 3 and answers on fd 4
            # Copies first: the pipes may already sit on 3 or 4, and dup2 onto itself would keep
            # them close-on-exec; dup2 onto another number makes them inheritable.
            reading, writing = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=wire, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" not in self.buffer:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
        raise RuntimeError(f"{method}: no answer in {timeout} s")

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "DOM"):
            self.send(domain + ".enable")
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression, awaiting=False):
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": awaiting, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails'].get('text')} in {expression[:80]}")
        return result["result"].get("value")

    def wait(self, expression, what, timeout=240):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.1)
        status = self.evaluate("[...document.querySelectorAll('.status')].map(e => e.textContent).join(' | ')")
        raise RuntimeError(f"timed out waiting for {what} (page says: {status})")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def set_file(self, selector, path):
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        self.send("DOM.setFileInputFiles", {"nodeId": node, "files": [path]})

    def fetch_bytes(self, expression):
        """The bytes behind a URL the page computes (an <img>'s blob, a download link)."""
        data = self.evaluate(f"""(async () => {{
            const response = await fetch({expression});
            const bytes = new Uint8Array(await response.arrayBuffer());
            let text = ""; for (const b of bytes) text += String.fromCharCode(b);
            return btoa(text); }})()""", awaiting=True)
        return base64.b64decode(data)

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def download(browser, link_id, folder, timeout=60):
    """Clicks the download link and waits for the browser to write the file; returns its path."""
    before = set(os.listdir(folder))
    browser.evaluate(f"document.getElementById('{link_id}').click()")
    deadline = time.time() + timeout
    while time.time() < deadline:
        new = [n for n in set(os.listdir(folder)) - before if not n.endswith(".crdownload")]
        if new:
            return os.path.join(folder, new[0])
        time.sleep(0.1)
    raise RuntimeError(f"the download from #{link_id} did not arrive in {timeout} s")


def toonify(browser, out, downloads, upload, style, degree, later_degree, name, shots, faces=None, mode=None):
    browser.evaluate("document.querySelector('[data-tab=toonify]').click()")
    browser.evaluate("document.getElementById('live-preview').dataset.degree = ''")
    browser.set_file("#upload-file", upload)
    browser.wait("/^(png|jpeg|mp4|matroska) /.test(document.getElementById('upload-status').textContent)", "the upload")
    browser.wait(f"!!document.querySelector('#toonify-styles button[data-style=\"{style}\"]')", "the style buttons")
    browser.evaluate(f"document.querySelector('#toonify-styles button[data-style=\"{style}\"]').click()")
    browser.evaluate(f"{{ const s = document.getElementById('degree'); s.value = '{degree}'; s.dispatchEvent(new Event('input')); }}")
    browser.evaluate("document.getElementById('steps').value = '8'")
    if faces is not None:
        browser.wait("!document.getElementById('toonify-faces').parentElement.hidden", "the faces choice")
        browser.evaluate(f"document.getElementById('toonify-faces').value = '{faces}'")
    if mode is not None:
        browser.wait("!document.getElementById('stylize-mode').parentElement.hidden", "the student's choice")
        browser.evaluate(f"document.getElementById('stylize-mode').value = '{mode}'")
    shots.append(browser.screenshot(os.path.join(out, f"{name}-1-chosen.png")))
    browser.evaluate("document.getElementById('toonify-start').click()")
    browser.wait("!document.getElementById('toonify-download').hidden", "the result", timeout=600)
    shots.append(browser.screenshot(os.path.join(out, f"{name}-2-done.png")))
    result = download(browser, "toonify-download", downloads)
    preview = None
    if later_degree is not None:
        browser.evaluate(f"{{ const s = document.getElementById('degree'); s.value = '{later_degree}'; s.dispatchEvent(new Event('input')); }}")
        browser.wait(f"document.getElementById('live-preview').dataset.degree === '{later_degree}'", "the live preview")
        preview = os.path.join(out, f"{name}-preview.png")
        with open(preview, "wb") as f:
            f.write(browser.fetch_bytes("document.getElementById('live-preview').src"))
        shots.append(browser.screenshot(os.path.join(out, f"{name}-3-preview.png")))
    return result, preview


def main():
    parser = argparse.ArgumentParser()
    for option in ("--chromium", "--url", "--out", "--photo", "--real-photo", "--video", "--face-video"):
        parser.add_argument(option, required=option not in ("--video", "--real-photo", "--face-video"))
    args = parser.parse_args()
    downloads = os.path.join(args.out, "downloads")
    os.makedirs(downloads, exist_ok=True)
    browser = Browser(args.chromium, tempfile.mkdtemp(prefix="toon-serve-chromium-"))
    shots, summary = [], {}
    try:
        browser.open(args.url)
        browser.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads}, session=False)
        browser.wait("document.querySelectorAll('#style-list .card').length > 0", "the style gallery")
        browser.wait("[...document.querySelectorAll('#style-list img')].every(i => i.complete && i.naturalWidth > 0)", "the thumbnails")
        shots.append(browser.screenshot(os.path.join(args.out, "styles.png")))
        summary["photo"], summary["photoPreview"] = toonify(browser, args.out, downloads, args.photo, "shaded64-anime", "0.6", "0.2", "photo", shots)
        if args.real_photo:
            summary["realPhoto"], summary["realPhotoPreview"] = toonify(browser, args.out, downloads, args.real_photo, "shaded64-anime", "0.6", "0.2",
                                                                        "real-photo", shots, faces="detect")
        if args.video:
            summary["video"], _ = toonify(browser, args.out, downloads, args.video, "student", "0.8", None, "video", shots)
        if args.face_video:
            summary["faceVideo"], _ = toonify(browser, args.out, downloads, args.face_video, "student", "0.7", None, "face-video", shots,
                                              mode="face-only")
        browser.evaluate("document.querySelector('[data-tab=generate]').click()")
        browser.evaluate("document.getElementById('seeds').value = '0-3'")
        browser.evaluate("document.getElementById('generate-start').click()")
        browser.wait("!document.getElementById('generate-download').hidden", "the generated grid", timeout=300)
        shots.append(browser.screenshot(os.path.join(args.out, "generate.png")))
        summary["generate"] = download(browser, "generate-download", downloads)
        browser.evaluate("document.querySelector('[data-tab=gallery]').click()")
        browser.wait("document.querySelectorAll('#gallery-list .card').length >= 2", "the gallery")
        summary["galleryCards"] = browser.evaluate("document.querySelectorAll('#gallery-list .card').length")
        shots.append(browser.screenshot(os.path.join(args.out, "gallery.png")))
        summary["screenshots"] = shots
        print(json.dumps(summary))
    except Exception as error:  # one line for the test's failure message
        try:
            browser.screenshot(os.path.join(args.out, "failure.png"))
        except Exception:
            pass
        print(f"studio_driver: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
