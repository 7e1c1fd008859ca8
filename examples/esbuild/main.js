// esbuild: the app is the shared one (examples/app.js); build.mjs has the copy step.
import './app.js';
