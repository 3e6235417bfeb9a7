// comlink ships its Node adapter's types as `node-adapter.d.ts`, which TypeScript does not pair with the `.mjs`
// file that Node imports; this re-declares that module with the package's own types.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter.js';
}
