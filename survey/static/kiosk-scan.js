// The kiosk's camera: where the browser has BarcodeDetector and a camera, the QR code on a
// slip can be shown instead of typed. Typing always works; this only adds a button.
(function () {
  "use strict";
  var box = document.querySelector(".scanner");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  box.hidden = false;
  var input = document.querySelector(".code-form input[name=code]");
  var video = document.getElementById("scan-video");
  document.getElementById("scan").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            // A slip's QR code holds the link …/r/CODE: only the code is used.
            var text = codes[0].rawValue;
            input.value = text.slice(text.lastIndexOf("/") + 1);
            input.form.submit();
          } else {
            requestAnimationFrame(look);
          }
        }, function () { requestAnimationFrame(look); });
      };
      look();
    }, function () { box.hidden = true; });
  });
})();
