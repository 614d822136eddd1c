// The stepper (overrides/stepper.py writes its HTML and its record at build time):
// numerical_gradient's calls to f, one at a time, as a real run recorded them.
// Step 0 is before the first call; step n shows the nth call while f runs; the step
// after the last call is the end: numerical_gradient has returned, the array restored.
(function () {
  "use strict";

  function shown(value) {
    return value === "" ? "" : Number(value).toFixed(6);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function setup(root) {
    var data = JSON.parse(root.querySelector(".stepper__data").textContent);
    var labels = data.labels;
    var total = data.same.steps.length, end = total + 1;
    var step = 0, mode = "same", timer = null;
    var status = root.querySelector(".stepper__status");
    var play = root.querySelector('[data-action="play"]');
    var copy = root.querySelector('[data-action="copy"]');
    var copyGrid = root.querySelector('[data-role="copy"]');
    var wLabel = root.querySelector('[data-role="w"] .stepper__label');
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)");

    function field(name, value, text) {
      var cell = root.querySelector('[data-field="' + name + '"]');
      if (value !== null) cell.setAttribute("data-value", value);
      cell.textContent = text;
    }

    function fill(attr, values, index) {
      values.forEach(function (row, i) {
        row.forEach(function (value, j) {
          var cell = root.querySelector("[" + attr + '="' + i + "," + j + '"]');
          cell.setAttribute("data-value", value);
          cell.textContent = shown(value);
          cell.classList.toggle("stepper__hot", !!index && index[0] === i && index[1] === j);
        });
      });
    }

    function say() {
      var run = data[mode];
      if (step === 0) return labels.none;
      if (step === end) return mode === "copy" ? labels.say_end_copy : labels.say_end;
      var s = run.steps[step - 1], i = s.index[0], j = s.index[1];
      var loss = Number(s.loss).toFixed(10);
      var delta = (Number(s.loss) - Number(data.base_loss)).toExponential(2);
      var text = format(mode === "copy" ? labels.say_copy : labels.say_call,
                        {n: step, i: i, j: j, sign: s.sign, loss: loss, delta: delta});
      if (s.sign === "-") text += " " + format(labels.say_restore, {i: i, j: j, grad: shown(s.grad[i][j])});
      return text;
    }

    function draw(announce) {
      var run = data[mode], s = step && step !== end ? run.steps[step - 1] : null;
      root.setAttribute("data-step", String(step));
      root.setAttribute("data-mode", mode);
      field("call", null, String(Math.min(step, total)) + labels.of);
      field("index", s ? s.index.join(",") : "", s ? "[" + s.index.join(", ") + "]" : "–");
      field("sign", s ? s.sign : "", s ? s.sign + "h" : "–");
      field("loss", s ? s.loss : "", s ? Number(s.loss).toFixed(10) : "–");
      var delta = s ? Number(s.loss) - Number(data.base_loss) : null;
      field("delta", s ? String(delta) : "", s ? (delta === 0 ? "0" : delta.toExponential(2)) : "–");
      var none = run.start.map(function (row) { return row.map(function () { return ""; }); });
      var at = step === end ? run.end : s || {w: run.start, copy: run.start, grad: none};
      fill("data-w", at.w, mode === "same" && s ? s.index : null);
      fill("data-copy", at.copy || run.start, mode === "copy" && s ? s.index : null);
      fill("data-grad", at.grad, s && s.sign === "-" ? s.index : null);
      copyGrid.hidden = mode !== "copy";
      wLabel.textContent = mode === "copy" ? labels.w_copy : labels.w;
      root.querySelector('[data-action="prev"]').disabled = step === 0;
      root.querySelector('[data-action="next"]').disabled = step === end;
      if (announce !== false) status.textContent = say();
    }

    function stop() {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
      play.textContent = labels.play;
    }

    function go(to) {
      step = Math.max(0, Math.min(end, to));
      draw();
    }

    function act(action) {
      if (action === "next") { stop(); go(step + 1); }
      else if (action === "prev") { stop(); go(step - 1); }
      else if (action === "reset") { stop(); step = 0; draw(false); status.textContent = labels.say_start; }
      else if (action === "copy") {
        mode = mode === "same" ? "copy" : "same";
        copy.setAttribute("aria-pressed", String(mode === "copy"));
        draw(false);
        status.textContent = (mode === "copy" ? labels.say_mode_copy : labels.say_mode_same) + " " + say();
      } else if (action === "play") {
        if (timer !== null) { stop(); return; }
        if (step === end) step = 0;
        play.textContent = labels.pause;
        go(step + 1);
        // Reduced motion: the same steps, further apart, and no highlight fades (stepper CSS).
        timer = window.setInterval(function () {
          if (step >= end) { stop(); return; }
          go(step + 1);
        }, reduced.matches ? 1600 : 1000);
      }
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (button && root.contains(button)) act(button.getAttribute("data-action"));
    });
    root.addEventListener("keydown", function (event) {
      if (event.target.closest("button") && (event.key === "Enter" || event.key === " ")) return;
      var keys = {ArrowRight: "next", ArrowLeft: "prev", Home: "reset"};
      if (keys[event.key]) { event.preventDefault(); act(keys[event.key]); }
    });
    draw(false);
    root.setAttribute("data-ready", "yes");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-stepper]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
