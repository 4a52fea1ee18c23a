/* Check-in by camera: reads the QR code on a sign-up and submits it through the
   check-in form (htmx). Uses the browser's BarcodeDetector where it reads QR codes,
   else jsQR (npm, served locally) on frames drawn to a canvas. Typing the code into
   the same form works without any of this. */
(function () {
  "use strict";
  var form = document.getElementById("code-form");
  if (!form) return;
  var video = document.getElementById("qr-video");
  var canvas = document.getElementById("qr-canvas");
  var scanner = document.getElementById("scanner");
  var code = document.getElementById("id_code");
  var method = document.getElementById("id_method");
  var startButton = document.getElementById("start-camera");
  var stopButton = document.getElementById("stop-camera");
  var status = document.getElementById("camera-status");
  var text = document.getElementById("scanner-text").dataset;
  var stream = null, detector = null, timer = null, reading = false;
  var last = "", lastAt = 0;

  function say(message) { status.textContent = message; }

  function found(value) {
    var now = Date.now();
    // The same code stays in view for a while: submit it once, not every frame.
    if (!value || (value === last && now - lastAt < 4000)) return;
    last = value; lastAt = now;
    code.value = value;
    method.value = "camera";
    say(text.read + " " + value);
    form.requestSubmit();
  }

  document.body.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt === form) method.value = "typed";
  });

  function readFrame() {
    if (video.readyState < 2 || !video.videoWidth) return Promise.resolve();
    if (detector) {
      return detector.detect(video).then(function (codes) {
        if (codes.length) found(codes[0].rawValue);
      });
    }
    var w = video.videoWidth, h = video.videoHeight;
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, h);
    var result = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "attemptBoth" });
    if (result && result.data) found(result.data);
    return Promise.resolve();
  }

  function chooseEngine() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    }).catch(function () { return null; });
  }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(text.noCamera); return; }
    say(text.starting);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        return chooseEngine();
      })
      .then(function (d) {
        if (!stream) return;
        detector = d;
        if (!detector && typeof window.jsQR !== "function") { say(text.noCamera); return; }
        scanner.dataset.engine = detector ? "barcode-detector" : "jsqr";
        video.srcObject = stream;
        return video.play().then(function () {
          say(text.scanning);
          startButton.hidden = true; stopButton.hidden = false;
          timer = window.setInterval(function () {
            if (reading) return;
            reading = true;
            readFrame().catch(function () {}).then(function () { reading = false; });
          }, 200);
        });
      })
      .catch(function () { say(text.denied); });
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
    startButton.hidden = false; stopButton.hidden = true;
    say("");
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
})();
