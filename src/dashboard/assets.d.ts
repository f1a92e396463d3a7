/** The dashboard page, built by scripts/build.mjs and bundled as a text module. */
declare module "*.html" {
  const text: string;
  export default text;
}
