// OpenCV.js ends with `if (typeof Module === 'undefined') Module = {};`, an assignment to an undeclared variable:
// harmless in Node's sloppy-mode CommonJS, a ReferenceError in a module worker (ES modules are strict). Declaring
// the global before OpenCV.js is evaluated turns that line into a no-op; OpenCV then initialises into this object.
(globalThis as { Module?: object }).Module ??= {};
