// Vite: no configuration; the app is the shared one (examples/app.js).
import './app.js';
