// `gantry check`'s findings as problems located at a file, line and field: what the `gantry/validate` check run
// annotates and what `gantry check --annotate github` prints as GitHub Actions workflow commands.
import type { ValidationProblem } from '../../../core/report/validate-report.js';
import type { FileSystem } from '../../../kustomize/index.js';
import type { CheckResult } from './check-repository.js';
import { fieldLine } from './field-line.js';

/** Every problem of `results`, each with the line of its field in the file as `tree` holds it (1 when unknown). */
export function validationProblems(results: readonly CheckResult[], tree: FileSystem): ValidationProblem[] {
  return results.flatMap((result) =>
    result.errors.flatMap((error) => {
      const text = tree.kind(error.file) === 'file' ? new TextDecoder().decode(tree.readFile(error.file)) : undefined;
      return error.issues.map((issue) => ({
        file: error.file,
        field: issue.path,
        message: issue.message,
        line: text === undefined || issue.path === '' ? 1 : fieldLine(text, issue.path),
      }));
    }),
  );
}
