/**
 * exifr's own ES module build, imported by path: the package's `main` is a UMD bundle (Node sees only a default
 * export) and its `module` build has no default export, so no single bare import works in both Node and Vite.
 * The file has the same API as the package entry, typed by the package's declarations.
 */
declare module 'exifr/dist/full.esm.mjs' {
  export { orientation, parse } from 'exifr';
}
