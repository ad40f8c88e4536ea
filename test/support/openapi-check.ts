import { Ajv2020 } from 'ajv/dist/2020.js';
import type { RequestRecord } from '../../src/http/server.js';

type Json = Record<string, unknown>;

/**
 * Checks recorded API answers against an OpenAPI 3.1 document (JSON Schema 2020-12): each answer's body must be
 * valid for its operation's response of that status (or 4XX / 5XX). Returns one line per answer that is not.
 */
export function answersNotMatchingOpenApi(document: Json, answers: readonly RequestRecord[]): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  ajv.addSchema(document, 'openapi.json');
  const responsesOf = new Map<string, { path: string; method: string; responses: Json }>();
  for (const [path, item] of Object.entries(document['paths'] as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      responsesOf.set(op['operationId'] as string, { path, method, responses: op['responses'] as Json });
    }
  }
  const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const problems: string[] = [];
  for (const answer of answers) {
    const op = responsesOf.get(answer.operation);
    if (!op) {
      problems.push(`${answer.method} ${answer.path}: operation ${answer.operation} is not in the document`);
      continue;
    }
    const status = String(answer.status);
    const key = status in op.responses ? status : `${status[0]}XX`;
    if (!(key in op.responses)) {
      problems.push(`${answer.operation}: status ${status} is not among the document's responses`);
      continue;
    }
    const ref = `openapi.json#/paths/${pointer(op.path)}/${op.method}/responses/${key}/content/application~1json/schema`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    const body = JSON.parse(answer.responseBody!) as unknown;
    if (!validate(body)) {
      problems.push(
        `${answer.operation} ${status}: ${ajv.errorsText(validate.errors)} in ${answer.responseBody!.slice(0, 300)}`,
      );
    }
  }
  return problems;
}
