import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";

/**
 * GitHub's published GraphQL schema (@octokit/graphql-schema's schema.graphql, which has sub-issues; its schema.json
 * used by the package's own validate() is older). Fields newer than that file go in graphql-extensions.graphql, each
 * with the docs page it was checked against.
 */
let schema: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!schema) {
    // The package's "exports" hide schema.graphql (and offer no require entry); find the package folder instead.
    const sdl = readFileSync(join(dirname(fileURLToPath(import.meta.resolve("@octokit/graphql-schema"))), "schema.graphql"), "utf8");
    const extension = readFileSync(new URL("./graphql-extensions.graphql", import.meta.url), "utf8");
    schema = buildSchema(`${sdl}\n${extension}`, { assumeValidSDL: true });
  }
  return schema;
}

/** Throws with every validation error if `query` is not valid against GitHub's schema. */
const valid = new Set<string>();

export function assertValidGithubQuery(query: string): void {
  if (valid.has(query)) return; // validated before: the schema does not change within a run
  const errors = validate(githubSchema(), parse(query));
  if (errors.length > 0) {
    throw new Error(`GraphQL document is not valid against GitHub's schema:\n${errors.map((e) => `- ${e.message}`).join("\n")}\n\n${query}`);
  }
  valid.add(query);
}
