// conformance/write-schemas.ts: `npm run schemas` writes conformance/schemas/*.json from test-mode.ts's zod
// schemas (test-mode.test.ts fails when the committed files differ from what this writes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testModeJsonSchemas } from './test-mode.js';

// dist/conformance/write-schemas.js -> the repository's conformance/schemas
const dir = join(fileURLToPath(new URL('../../conformance/schemas', import.meta.url)));
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(testModeJsonSchemas())) writeFileSync(join(dir, file), text);
process.stdout.write(`wrote ${Object.keys(testModeJsonSchemas()).length} schemas to ${dir}\n`);
