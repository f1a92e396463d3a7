/** Bundled text modules: drizzle-kit's SQL migrations are imported as strings. */
declare module "*.sql" {
  const text: string;
  export default text;
}
