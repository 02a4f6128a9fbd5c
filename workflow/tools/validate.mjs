// Validates every ASL definition given on the command line with asl-validator (the schema of the
// Amazon States Language plus JSONPath checks). Substitution placeholders (${Name}) are replaced
// with a syntactically valid Lambda ARN first, as CDK's definitionSubstitutions would.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import aslValidator from 'asl-validator';

// Arguments are files or directories; directories contribute their *.asl.json files.
const files = process.argv.slice(2).map((arg) => resolve(process.env.CALLER_DIR ?? process.cwd(), arg)).filter((path) => existsSync(path)).flatMap((path) =>
  statSync(path).isDirectory()
    ? readdirSync(path).filter((name) => name.endsWith('.asl.json')).sort().map((name) => join(path, name))
    : [path]);
if (files.length === 0) {
  console.log('asl-validator: no definitions to validate');
}
let failures = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8').replace(/"\$\{([A-Za-z0-9_]+)\}"/g,
    (whole, key) => `"arn:aws:lambda:eu-west-1:123456789012:function:${key}"`);
  const { isValid, errorsText } = aslValidator(JSON.parse(text));
  if (isValid) {
    console.log(`asl-validator: ${file} is valid`);
  } else {
    failures += 1;
    console.error(`asl-validator: ${file} is INVALID: ${errorsText('\n  ')}`);
  }
}
process.exit(failures === 0 ? 0 : 1);
