/// <reference types="vite/client" />

/** Replaced at build time with package.json's version. */
declare const __APP_VERSION__: string;
