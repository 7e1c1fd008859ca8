// webpack: no configuration for jmap-smime; the app is the shared one (examples/app.js).
import './app.js';
