import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { drifted, gitBlobSha, standardForms, suspects } from "../../../src/domain/templates/drift.js";

describe("template drift (pure)", () => {
  it("computes the blob id git (and the contents API) reports for a text", () => {
    const text = "name: Use case\ndescription: \"ünïcode ✓\"\n";
    expect(gitBlobSha(text)).toBe(execFileSync("git", ["hash-object", "--stdin"], { input: text }).toString().trim());
    expect(gitBlobSha("")).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  });

  it("takes the org's copy of a form as the standard where it has one, else the bundled form", () => {
    const standard = standardForms({ "use-case.yml": "bundled uc", "user-story.yml": "bundled us" }, { "use-case.yml": "org uc", "user-story.yml": undefined });
    expect(standard).toEqual([
      { name: "use-case.yml", content: "org uc", source: "org" },
      { name: "user-story.yml", content: "bundled us", source: "bundled" },
    ]);
  });

  it("suspects only forms the repository has, not byte-identical and not ignored; line endings alone are no drift", () => {
    const standard = standardForms({ "a.yml": "a: 1\n", "b.yml": "b: 1\n", "c.yml": "c: 1\n", "d.yml": "d: 1\n" }, {});
    const listing = [
      { name: "a.yml", sha: gitBlobSha("a: 1\n"), type: "file" },
      { name: "b.yml", sha: gitBlobSha("b: 2\n"), type: "file" },
      { name: "c.yml", sha: gitBlobSha("c: 1\r\n"), type: "file" },
      { name: "d.yml", sha: gitBlobSha("d: 2\n"), type: "file" },
      { name: "bug.yml", sha: "x", type: "file" },
    ];
    const maybe = suspects(standard, listing, ["D.yml"]);
    expect(maybe.map((f) => f.name)).toEqual(["b.yml", "c.yml"]);
    expect(drifted(maybe, { "b.yml": "b: 2\n", "c.yml": "c: 1\r\n" }).map((f) => f.name)).toEqual(["b.yml"]);
    // A file deleted between the listing and the read is not drift to fix.
    expect(drifted(maybe, {})).toEqual([]);
  });
});
